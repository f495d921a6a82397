// Ending a child process politely, then firmly: ask it to go (a signal, or whatever `ask` does,
// e.g. closing its stdin), wait up to a grace period for it to exit, and SIGKILL it if it is
// still there. Shared by the sandbox's long-running children (relays, etcd members, servers).

import type { ChildProcess } from "node:child_process";

/** Resolves once the child has exited; `exited` must settle when it does. */
export async function endChild(child: ChildProcess, exited: Promise<unknown>, o: { ask: NodeJS.Signals | (() => void); graceMs: number }): Promise<void> {
  if (typeof o.ask === "function") o.ask();
  else child.kill(o.ask);
  let timer: NodeJS.Timeout | undefined;
  const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), o.graceMs).unref()))]);
  clearTimeout(timer);
  if (!gone) {
    child.kill("SIGKILL");
    await exited;
  }
}
