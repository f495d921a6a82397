// `svcnet server` replicas on the sandbox's control-plane machines: replica i runs inside
// machine cp-i (`ip netns exec`), listens on every address of that machine, advertises the
// machine's underlay address (so the `kubernetes` Endpoints list it) and keeps its own data dir.
// planServerReplicas is pure; startServerReplica runs one and waits until it serves.

import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ControlPlaneMachinePlan, ControlPlanePlan } from "./control-plane-plan.js";
import { inNetns } from "./etcd-member-plan.js";
import { endChild, watchChild } from "../end-child.js";

/** The `svcnet` executable of this build (bin/svcnet.js at the repository's root). */
export const SVCNET_BIN = fileURLToPath(new URL("../../../../bin/svcnet.js", import.meta.url));

/** Options of planServerReplicas. */
export interface ServerReplicasOptions {
  /** How many replicas: 1 … the number of machines. */
  count: number;
  /** What `--store` gets, e.g. the etcd cluster's `etcd://172.17.8.11:2379,…`. */
  store: string;
  /** Replica i's data dir is `<dataRoot>/cp-<i>`. */
  dataRoot: string;
  /** The port every replica listens on in its machine; default 6443. */
  port?: number;
  /** More `svcnet server` flags, the same for every replica (ranges, controllers, leader election). */
  extraArgs?: readonly string[];
  /** The Node binary; default this process's. */
  nodePath?: string;
  /** The svcnet executable; default SVCNET_BIN. */
  svcnetBin?: string;
}

/** One replica as data. */
export interface ServerReplicaPlan {
  /** Same as its machine's, e.g. `cp-1`. */
  name: string;
  machine: ControlPlaneMachinePlan;
  /** Its address and port on the underlay: what the `kubernetes` Endpoints and the failover use. */
  address: { ip: string; port: number };
  dataDir: string;
  /** The full command (`ip netns exec <machine> node svcnet.js server …`). */
  argv: string[];
}

/** Plans `count` replicas on the first `count` machines; throws when there are not enough machines. */
export function planServerReplicas(controlPlane: ControlPlanePlan, options: ServerReplicasOptions): ServerReplicaPlan[] {
  const { count } = options;
  if (!Number.isInteger(count) || count < 1 || count > controlPlane.machines.length) {
    throw new Error(`server replica count ${count} must be an integer from 1 to ${controlPlane.machines.length} (one per control-plane machine)`);
  }
  const port = options.port ?? 6443;
  return controlPlane.machines.slice(0, count).map((machine) => {
    const dataDir = join(options.dataRoot, machine.name);
    const server = [
      options.nodePath ?? process.execPath,
      options.svcnetBin ?? SVCNET_BIN,
      "server",
      "--store", options.store,
      "--listen", `0.0.0.0:${port}`,
      "--advertise-address", machine.ip,
      "--data-dir", dataDir,
      ...(options.extraArgs ?? []),
    ];
    return { name: machine.name, machine, address: { ip: machine.ip, port }, dataDir, argv: inNetns(machine.netns, server) };
  });
}

/** A running replica. */
export interface ServerReplicaProcess {
  readonly plan: ServerReplicaPlan;
  readonly pid: number | undefined;
  /** Where its stdout and stderr go: `<dataDir>/server.log`. */
  readonly logPath: string;
  /** Settles once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  /** Its last output lines. */
  outputTail(): string;
  /**
   * Sends `signal` (SIGTERM: a clean stop that withdraws it from the `kubernetes` Endpoints;
   * SIGKILL: a crash), SIGKILLs it after `graceMs` (default 10 000), resolves once it is gone.
   */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const LINES_KEPT = 30;

/**
 * Spawns the replica and resolves once it says it listens. Rejects (after killing it) when it
 * exits first or does not listen within `timeoutMs` (default 60 000), with its last output.
 * If this process exits, the replica is SIGKILLed with it.
 */
export async function startServerReplica(plan: ServerReplicaPlan, options: { timeoutMs?: number } = {}): Promise<ServerReplicaProcess> {
  mkdirSync(plan.dataDir, { recursive: true, mode: 0o700 });
  const logPath = join(plan.dataDir, "server.log");
  const logFile = createWriteStream(logPath, { flags: "a", mode: 0o600 });
  const [program, ...args] = plan.argv;
  const child: ChildProcess = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
  const tail: string[] = [];
  let listening: () => void = () => undefined;
  const listens = new Promise<void>((resolve) => (listening = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => {
      logFile.write(`${line}\n`);
      tail.push(line);
      if (tail.length > LINES_KEPT) tail.shift();
      if (/listening on https:\/\//.test(line)) listening();
    });
  }
  child.once("error", (error) => tail.push(`could not start ${program}: ${error.message}`));
  const { exited, running } = watchChild(child);
  void exited.then(() => logFile.end());
  let stopping: Promise<void> | undefined;
  const replica: ServerReplicaProcess = {
    plan,
    pid: child.pid,
    logPath,
    exited,
    running,
    outputTail: () => tail.join("\n"),
    stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
      stopping ??= !running() ? Promise.resolve() : endChild(child, exited, { ask: signal, graceMs });
      return stopping;
    },
  };
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    listens.then(() => "listening" as const),
    exited.then(() => "exited" as const),
    new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome === "listening") return replica;
  await replica.stop("SIGKILL");
  const end = outcome === "exited" ? await exited : undefined;
  const why = end ? `exited (${end.signal ?? `code ${String(end.code)}`}) before it listened` : `did not listen within ${timeoutMs} ms`;
  throw new Error(`svcnet server ${plan.name} (in ${plan.machine.netns}) ${why}; its last output (${logPath}):\n${replica.outputTail()}`);
}
