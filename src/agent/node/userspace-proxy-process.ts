// The userspace service proxy of a sandbox node. It listens on the service addresses, so it must
// run inside the node's network namespace: `ip netns exec <node> svcnet proxy --mode userspace`,
// a child of the agent, with a kubeconfig whose server the namespace can reach. It is restarted
// after a crash (1 s later, doubling up to 30 s) and stopped with the agent.

import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { SVCNET_BIN } from "../../sandbox/control-plane/server-replica.js";
import { endChild, watchChild } from "../../sandbox/end-child.js";

export interface UserspaceProxyProcessOptions {
  netns: string;
  /** Credentials with a server address reachable from inside `netns`. */
  kubeconfig: string;
  nodeName: string;
  nodeIP: string;
  log: (line: string) => void;
}

/** The command line of the proxy process (pure). */
export function userspaceProxyArgv(o: Omit<UserspaceProxyProcessOptions, "log">, node: string = process.execPath, svcnet: string = SVCNET_BIN): string[] {
  return [
    "ip", "netns", "exec", o.netns, node, svcnet, "proxy", "--mode", "userspace",
    "--kubeconfig", o.kubeconfig, "--node-name", o.nodeName, "--node-ip", o.nodeIP,
    // /metrics and /healthz would bind inside the node namespace, where nobody asks: off.
    "--metrics-bind-address", "", "--healthz-bind-address", "",
  ];
}

/** Runs the proxy until `signal` aborts (SIGTERM, then SIGKILL after 5 s); resolves once it is gone. */
export async function runUserspaceProxyProcess(o: UserspaceProxyProcessOptions, signal: AbortSignal): Promise<void> {
  for (let backoffMs = 1000; !signal.aborted; backoffMs = Math.min(backoffMs * 2, 30_000)) {
    const [program, ...args] = userspaceProxyArgv(o);
    const child: ChildProcess = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on("line", (line) => o.log(line.replace(/^svcnet proxy: /, "")));
    const { exited } = watchChild(child);
    const onAbort = (): void => void endChild(child, exited, { ask: "SIGTERM", graceMs: 5000 });
    signal.addEventListener("abort", onAbort, { once: true });
    const end = await exited;
    signal.removeEventListener("abort", onAbort);
    if (signal.aborted) return;
    o.log(`the userspace proxy exited (${end.signal ?? `code ${String(end.code)}`}); starting it again in ${backoffMs} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, backoffMs);
      signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
