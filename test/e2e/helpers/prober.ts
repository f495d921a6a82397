// Steady HTTP traffic from inside a network namespace (a pod's, the outside client's), through
// prober-main.js run with `ip netns exec`, and what it saw: every request with its outcome.

import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

/** One request: when it started, how long it took, and who answered or why it failed. */
export interface ProbeAttempt {
  t: number;
  ms: number;
  ok: boolean;
  /** The first characters of the answer (netexec's /hostname: the pod's name). */
  body?: string;
  cause?: string;
  /** For a timeout: "connecting" (no handshake) or "connected, no answer". */
  stage?: string;
  /** For a timeout: the client's port, to find the connection in a capture or conntrack. */
  localPort?: number;
}

export interface Prober {
  readonly name: string;
  /** Every request so far, in order. */
  readonly attempts: readonly ProbeAttempt[];
  /** Stops the prober; resolves with every request it made. */
  stop(): Promise<readonly ProbeAttempt[]>;
}

const MAIN = fileURLToPath(new URL("./prober-main.js", import.meta.url));

/** Starts probing `url` from `netns` every `intervalMs` (default 50) with a `timeoutMs` (default 1000) deadline. */
export function startProber(name: string, netns: string, url: string, o: { intervalMs?: number; timeoutMs?: number; maxMs?: number } = {}): Prober {
  const child: ChildProcess = spawn(
    "ip",
    ["netns", "exec", netns, process.execPath, MAIN, "--url", url, "--interval-ms", String(o.intervalMs ?? 50), "--timeout-ms", String(o.timeoutMs ?? 1000), "--max-ms", String(o.maxMs ?? 600_000)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const attempts: ProbeAttempt[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on("line", (line) => {
    try {
      attempts.push(JSON.parse(line) as ProbeAttempt);
    } catch {
      // a partial line at exit
    }
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  return {
    name,
    attempts,
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
      process.removeListener("exit", killOnExit);
      return attempts;
    },
  };
}

/** The failed requests started in [from, to). */
export const failuresBetween = (attempts: readonly ProbeAttempt[], from: number, to: number): ProbeAttempt[] => attempts.filter((a) => !a.ok && a.t >= from && a.t < to);

/** Milliseconds from `from` to the start of the first request after it that succeeded and was followed by `streak`-1 more successes. */
export function recoveredAfter(attempts: readonly ProbeAttempt[], from: number, streak = 5): number | undefined {
  const after = attempts.filter((a) => a.t >= from);
  for (let i = 0; i + streak <= after.length; i++) {
    if (after.slice(i, i + streak).every((a) => a.ok)) return Math.max(0, after[i].t - from);
  }
  return undefined;
}
