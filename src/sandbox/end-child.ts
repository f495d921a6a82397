// Ending a child process politely, then firmly: ask it to go (a signal, or whatever `ask` does,
// e.g. closing its stdin), wait up to a grace period for it to exit, and SIGKILL it if it is
// still there; and watching one (it dies with this process, and says when it has ended). Shared
// by the sandbox's long-running children (relays, etcd members, servers, userspace proxies).

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

/** How a child ended. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Ties a child's life to this process (SIGKILLed if this process exits first) and tells when it
 * has ended: `exited` settles on its "close", and `running()` is true until then.
 */
export function watchChild(child: ChildProcess): { exited: Promise<ChildEnd>; running: () => boolean } {
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  let ended = false;
  const exited = new Promise<ChildEnd>((resolve) => {
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
      ended = true;
      process.removeListener("exit", killOnExit);
      resolve({ code, signal });
    });
  });
  return { exited, running: () => !ended };
}
