// A real etcd cluster in the sandbox: one member per control-plane machine (namespace), started
// with `ip netns exec`, health-checked with etcdctl from inside each machine, and faults on demand
// (stop, kill, restart a member). Everything it made goes in destroy(), also after a failed start.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IpRunner } from "../ip-runner.js";
import { ExecIpRunner } from "../ip-runner.js";
import type { ControlPlaneNetwork } from "./control-plane-network.js";
import { buildControlPlaneNetwork } from "./control-plane-network.js";
import type { ControlPlanePlan } from "./control-plane-plan.js";
import { planControlPlane } from "./control-plane-plan.js";
import type { EtcdClusterPlan, EtcdMemberPlan } from "./etcd-member-plan.js";
import { planEtcdCluster } from "./etcd-member-plan.js";
import type { EtcdMemberProcess } from "./etcd-member-process.js";
import { startEtcdMember } from "./etcd-member-process.js";
import type { EtcdctlResult } from "./etcdctl-in-netns.js";
import { runEtcdctl } from "./etcdctl-in-netns.js";
import { ExecNft } from "../../proxy/nftables/nft-commands.js";
import { storeGuardRules } from "./store-guard.js";

/** Options of startEtcdCluster. */
export interface EtcdClusterOptions {
  /** Sandbox id: the machines are `svcnet-<id>-cp-<i>`. */
  id: string;
  /** Member count (one machine each); default 3. */
  members?: number;
  /**
   * Where the members' data dirs go (`<dataRoot>/etcd-<i>`, created 0700). Default: a fresh
   * directory under the OS temp dir, removed by destroy(); a given directory is kept, only the
   * members' dirs inside it are removed.
   */
  dataRoot?: string;
  /**
   * Keep the members' data dirs when the cluster is destroyed (only with a given dataRoot), so the
   * next cluster started on them comes back with the same contents. Default false.
   */
  keepData?: boolean;
  /** The etcd binary; default /usr/bin/etcd. */
  binary?: string;
  heartbeatMs?: number;
  electionTimeoutMs?: number;
  /** How long start may wait for every member to be healthy; default 30 000 ms. */
  startTimeoutMs?: number;
  runner?: IpRunner;
  /** Told each line a member writes on stderr; default: kept only for error messages. */
  log?: (line: string) => void;
}

/** A running cluster. Members are named `etcd-1`…; methods taking a name throw for an unknown one. */
export interface EtcdCluster {
  readonly controlPlane: ControlPlanePlan;
  readonly plan: EtcdClusterPlan;
  readonly network: ControlPlaneNetwork;
  /** Milliseconds from starting the members to every member being healthy. */
  readonly formationMs: number;
  member(name: string): EtcdMemberPlan;
  /** Whether the member's process is running. */
  running(name: string): boolean;
  /** The member's process id while it runs. */
  pid(name: string): number | undefined;
  /** Stops a member: SIGTERM (clean shutdown) by default, SIGKILL to simulate a crash. */
  stopMember(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped member again on its existing data dir (no-op when it runs). */
  startMember(name: string): Promise<void>;
  /** Resolves once each named member (default: all) answers `endpoint health`; rejects at the deadline. */
  waitHealthy(names?: readonly string[], timeoutMs?: number): Promise<void>;
  /** Runs etcdctl inside `via`'s machine against `via`'s local client URL. */
  etcdctl(via: string, args: readonly string[], commandTimeoutMs?: number): Promise<EtcdctlResult>;
  /** Stops every member, deletes the machines and data dirs. Safe to call more than once. */
  destroy(): Promise<void>;
}

/** Why a cluster did not come up; the message carries the members' last stderr lines. */
export class EtcdClusterError extends Error {
  override readonly name = "EtcdClusterError";
}

/**
 * Builds the machines (joining the sandbox's underlay if it exists), starts every member and waits
 * until all are healthy. On any failure everything made so far is removed and the error rethrown.
 */
export async function startEtcdCluster(options: EtcdClusterOptions): Promise<EtcdCluster> {
  const runner = options.runner ?? new ExecIpRunner();
  const controlPlane = planControlPlane({ id: options.id, machines: options.members ?? 3 });
  const ownsDataRoot = options.dataRoot === undefined;
  const dataRoot = options.dataRoot ?? mkdtempSync(join(tmpdir(), `svcnet-${options.id}-etcd-`));
  const plan = planEtcdCluster(controlPlane, {
    dataRoot,
    binary: options.binary,
    heartbeatMs: options.heartbeatMs,
    electionTimeoutMs: options.electionTimeoutMs,
  });
  let network: ControlPlaneNetwork | undefined;
  try {
    network = await buildControlPlaneNetwork(controlPlane, runner);
  } catch (error) {
    if (ownsDataRoot) rmSync(dataRoot, { recursive: true, force: true });
    throw error;
  }
  const cluster = new RunningEtcdCluster(controlPlane, plan, network, { dataRoot, ownsDataRoot, keepData: !ownsDataRoot && options.keepData === true, log: options.log });
  try {
    // Before any member listens: only the control-plane machines may reach the store (store-guard.ts).
    const guard = storeGuardRules(plan);
    for (const machine of controlPlane.machines) await new ExecNft({ netns: machine.netns }).run(guard);
    mkdirSync(dataRoot, { recursive: true, mode: 0o700 });
    const started = Date.now();
    for (const member of plan.members) await cluster.startMember(member.name);
    await cluster.waitHealthy(undefined, options.startTimeoutMs ?? 30_000);
    cluster.formationMs = Date.now() - started;
  } catch (error) {
    const detail = cluster.stderrTails();
    await cluster.destroy().catch(() => undefined);
    throw new EtcdClusterError(`etcd cluster of sandbox ${options.id} did not form: ${error instanceof Error ? error.message : String(error)}${detail}`, { cause: error });
  }
  return cluster;
}

class RunningEtcdCluster implements EtcdCluster {
  readonly controlPlane: ControlPlanePlan;
  readonly plan: EtcdClusterPlan;
  readonly network: ControlPlaneNetwork;
  formationMs = 0;
  readonly #processes = new Map<string, EtcdMemberProcess>();
  readonly #dataRoot: string;
  readonly #ownsDataRoot: boolean;
  readonly #keepData: boolean;
  readonly #log: ((line: string) => void) | undefined;
  #destroyed: Promise<void> | undefined;

  constructor(controlPlane: ControlPlanePlan, plan: EtcdClusterPlan, network: ControlPlaneNetwork, options: { dataRoot: string; ownsDataRoot: boolean; keepData: boolean; log?: (line: string) => void }) {
    this.controlPlane = controlPlane;
    this.plan = plan;
    this.network = network;
    this.#dataRoot = options.dataRoot;
    this.#ownsDataRoot = options.ownsDataRoot;
    this.#keepData = options.keepData;
    this.#log = options.log;
  }

  member(name: string): EtcdMemberPlan {
    const found = this.plan.members.find((m) => m.name === name);
    if (!found) throw new EtcdClusterError(`no etcd member ${JSON.stringify(name)}; members are ${this.plan.members.map((m) => m.name).join(", ")}`);
    return found;
  }

  running(name: string): boolean {
    this.member(name);
    return this.#processes.get(name)?.running() ?? false;
  }

  pid(name: string): number | undefined {
    return this.running(name) ? this.#processes.get(name)?.pid : undefined;
  }

  async stopMember(name: string, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    this.member(name);
    await this.#processes.get(name)?.stop(signal);
  }

  async startMember(name: string): Promise<void> {
    const member = this.member(name);
    if (this.#destroyed) throw new EtcdClusterError("the etcd cluster has been destroyed");
    if (this.running(name)) return;
    mkdirSync(member.dataDir, { recursive: true, mode: 0o700 });
    this.#processes.set(name, startEtcdMember(member, this.#log));
  }

  async waitHealthy(names?: readonly string[], timeoutMs = 30_000): Promise<void> {
    const members = (names ?? this.plan.members.map((m) => m.name)).map((n) => this.member(n));
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(members.map((m) => m.name));
    while (pending.size > 0) {
      for (const name of [...pending]) {
        const member = this.#processes.get(name);
        if (!member?.running()) throw new EtcdClusterError(`etcd member ${name} is not running`);
        const result = await this.etcdctl(name, ["endpoint", "health"], 1000);
        if (result.code === 0) pending.delete(name);
      }
      if (pending.size === 0) return;
      if (Date.now() > deadline) throw new EtcdClusterError(`etcd member(s) ${[...pending].join(", ")} not healthy after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  etcdctl(via: string, args: readonly string[], commandTimeoutMs?: number): Promise<EtcdctlResult> {
    const member = this.member(via);
    return runEtcdctl({ netns: member.machine.netns, endpoints: [member.localClientUrl], commandTimeoutMs }, args);
  }

  /** Each member's last stderr lines, for error messages. */
  stderrTails(): string {
    return [...this.#processes]
      .map(([name, p]) => (p.stderrTail() ? `\n--- ${name}:\n${p.stderrTail()}` : ""))
      .join("");
  }

  destroy(): Promise<void> {
    this.#destroyed ??= (async () => {
      try {
        await Promise.all([...this.#processes.values()].map((p) => p.stop("SIGTERM", 3000)));
        await this.network.destroy();
      } finally {
        if (!this.#keepData) for (const member of this.plan.members) rmSync(member.dataDir, { recursive: true, force: true });
        if (this.#ownsDataRoot) rmSync(this.#dataRoot, { recursive: true, force: true });
      }
    })();
    return this.#destroyed;
  }
}
