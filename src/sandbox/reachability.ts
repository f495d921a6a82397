// "Can namespace A reach address B?" for data-plane tests, run through `ip netns exec`.
// Two methods: ICMP with `ping` (iputils) when the machine has it, or a TCP probe that needs only
// Node: a connection to a closed port that is answered by a reset (ECONNREFUSED) proves the
// packet reached the owner of the address and the answer came back, since routers on the path
// never send resets (they answer with ICMP unreachable, or drop).

import { access, constants } from "node:fs/promises";
import path from "node:path";
import { IpCommandError } from "./ip-runner.js";
import type { IpRunner } from "./ip-runner.js";

/** How a probe checks reachability. */
export type ProbeMethod = "icmp" | "tcp";

/** Options of probeReachable / probeArgs. */
export interface ProbeOptions {
  /** The namespace the probe runs in. */
  from: string;
  /** The IPv4 address to reach. */
  to: string;
  method: ProbeMethod;
  /** Give up after this long; default 1000 ms (ping's `-W` rounds up to whole seconds). */
  timeoutMs?: number;
  /** TCP method: the port probed; default 9 (discard), which nothing in a sandbox listens on. */
  port?: number;
  /** TCP method: the Node binary run inside the namespace; default this process's. */
  nodePath?: string;
}

// Exits 0 on a connection or a reset (the address answered), 1 on anything else or timeout.
const TCP_PROBE = [
  "const [host, port, ms] = process.argv.slice(1);",
  "const s = require('node:net').connect({ host, port: Number(port) });",
  "const t = setTimeout(() => { console.error('timeout'); process.exit(1); }, Number(ms));",
  "s.on('connect', () => { clearTimeout(t); s.destroy(); process.exit(0); });",
  "s.on('error', (e) => { clearTimeout(t); console.error(e.code); process.exit(e.code === 'ECONNREFUSED' ? 0 : 1); });",
].join("\n");

/** The `ip` args that run the probe described by `options`. Pure. */
export function probeArgs(options: ProbeOptions): string[] {
  const timeoutMs = options.timeoutMs ?? 1000;
  const exec = ["netns", "exec", options.from];
  if (options.method === "icmp") {
    return [...exec, "ping", "-n", "-q", "-c", "1", "-W", String(Math.max(1, Math.ceil(timeoutMs / 1000))), options.to];
  }
  const node = options.nodePath ?? process.execPath;
  return [...exec, node, "-e", TCP_PROBE, options.to, String(options.port ?? 9), String(timeoutMs)];
}

/**
 * Resolves true when `options.to` answers from inside `options.from`, false when the probe ran
 * and failed (unreachable, no answer). Rethrows when the probe could not run at all.
 */
export async function probeReachable(runner: IpRunner, options: ProbeOptions): Promise<boolean> {
  try {
    await runner.ip(probeArgs(options));
    return true;
  } catch (error) {
    if (error instanceof IpCommandError && error.code === "IpCommandFailed") {
      // `ip netns exec` itself failing (no such namespace) is a usage error, not "unreachable".
      if (/Cannot open network namespace/.test(error.stderr)) throw error;
      return false;
    }
    throw error;
  }
}

/** "icmp" when an executable `ping` is on PATH (from `env`, default process.env), else "tcp". */
export async function detectProbeMethod(env: NodeJS.ProcessEnv = process.env): Promise<ProbeMethod> {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    try {
      await access(path.join(dir, "ping"), constants.X_OK);
      return "icmp";
    } catch {
      // not in this directory
    }
  }
  return "tcp";
}
