// One running etcd member: `ip netns exec <machine> etcd …` as a child of this process (ip execs
// etcd in place, so the child's pid is etcd's and signals reach it directly). If this process
// exits, the member is SIGKILLed with it; a crash that skips the exit hook is what
// destroyByPrefix's "kill every pid in the namespace" covers.

import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { EtcdMemberPlan } from "./etcd-member-plan.js";
import { inNetns } from "./etcd-member-plan.js";
import { endChild, watchChild } from "../end-child.js";

const STDERR_LINES_KEPT = 20;

/** A member process; started by startEtcdMember. */
export interface EtcdMemberProcess {
  readonly pid: number | undefined;
  /** Settles once the process has ended, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True until the process has ended. */
  running(): boolean;
  /** The last lines etcd wrote on stderr (warnings and errors only: it logs at warn). */
  stderrTail(): string;
  /**
   * Sends `signal` (SIGTERM: etcd shuts down cleanly; SIGKILL: a crash), waits up to `graceMs`
   * (default 5000) and SIGKILLs it if it is still there. Resolves once it is gone. Safe to repeat.
   */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Spawns `member` in its machine's namespace. Resolves at once; readiness is the caller's check. */
export function startEtcdMember(member: EtcdMemberPlan, log?: (line: string) => void): EtcdMemberProcess {
  const [program, ...args] = inNetns(member.machine.netns, member.argv);
  const child: ChildProcess = spawn(program, args, { stdio: ["ignore", "ignore", "pipe"] });
  const tail: string[] = [];
  if (child.stderr) {
    createInterface({ input: child.stderr }).on("line", (line) => {
      tail.push(line);
      if (tail.length > STDERR_LINES_KEPT) tail.shift();
      log?.(`${member.name}: ${line}`);
    });
  }
  child.once("error", (error) => tail.push(`could not start ${program}: ${error.message}`));
  const { exited, running } = watchChild(child);
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid,
    exited,
    running,
    stderrTail: () => tail.join("\n"),
    stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 5000): Promise<void> {
      stopping ??= !running() ? Promise.resolve() : endChild(child, exited, { ask: signal, graceMs });
      return stopping;
    },
  };
}
