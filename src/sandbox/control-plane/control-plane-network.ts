// Builds a ControlPlanePlan's namespaces in the kernel and removes them again. The only I/O is
// through IpRunner. The machines join the sandbox's underlay when it exists (a sandbox built by
// buildSandboxNetwork first) and otherwise create it, remembering that they own it.

import { listNamespaces } from "../destroy-by-prefix.js";
import type { IpRunner } from "../ip-runner.js";
import { SandboxError } from "../sandbox-network.js";
import { controlPlaneUnderlayCommands, machineCommands, machineLinkCommands } from "./control-plane-commands.js";
import type { ControlPlaneMachinePlan, ControlPlanePlan } from "./control-plane-plan.js";

/**
 * The control-plane machines in the kernel. Contract:
 * - `ownsUnderlay` is true when building them created the underlay (no sandbox existed yet);
 * - `setLink(machine, up)` takes a machine off the underlay or puts it back (its processes live on);
 * - `destroy()` kills whatever still runs in the machines' namespaces, deletes them (their veths on
 *   br0 go with them) and the underlay when it owns it; safe to call more than once. It tries every
 *   namespace and then throws an AggregateError naming those still present.
 */
export interface ControlPlaneNetwork {
  readonly plan: ControlPlanePlan;
  readonly ownsUnderlay: boolean;
  setLink(machine: string | ControlPlaneMachinePlan, up: boolean): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Creates every machine of `plan` (and the underlay if missing). Refuses (SandboxError) when a
 * machine namespace already exists; if a command fails, removes what it created and rethrows.
 */
export async function buildControlPlaneNetwork(plan: ControlPlanePlan, runner: IpRunner): Promise<ControlPlaneNetwork> {
  const present = new Set(await listNamespaces(runner, plan.prefix));
  const leftover = plan.machines.map((m) => m.netns).filter((netns) => present.has(netns));
  if (leftover.length > 0) {
    throw new SandboxError(`sandbox ${plan.id} already has control-plane namespaces (${leftover.join(", ")}); run 'svcnet down --sandbox-id ${plan.id}' first`);
  }
  const network = new BuiltControlPlane(plan, runner, !present.has(plan.underlay.netns));
  try {
    if (network.ownsUnderlay) await runAll(runner, controlPlaneUnderlayCommands(plan));
    for (const machine of plan.machines) await runAll(runner, machineCommands(plan, machine));
  } catch (error) {
    await network.destroy().catch(() => undefined);
    throw error;
  }
  return network;
}

class BuiltControlPlane implements ControlPlaneNetwork {
  readonly plan: ControlPlanePlan;
  readonly ownsUnderlay: boolean;
  readonly #runner: IpRunner;

  constructor(plan: ControlPlanePlan, runner: IpRunner, ownsUnderlay: boolean) {
    this.plan = plan;
    this.#runner = runner;
    this.ownsUnderlay = ownsUnderlay;
  }

  async setLink(machine: string | ControlPlaneMachinePlan, up: boolean): Promise<void> {
    const name = typeof machine === "string" ? machine : machine.name;
    const found = this.plan.machines.find((m) => m.name === name);
    if (!found) throw new SandboxError(`sandbox ${this.plan.id} has no control-plane machine ${JSON.stringify(name)}`);
    await runAll(this.#runner, machineLinkCommands(this.plan, found, up));
  }

  async destroy(): Promise<void> {
    const mine = [...this.plan.machines.map((m) => m.netns), ...(this.ownsUnderlay ? [this.plan.underlay.netns] : [])];
    const present = new Set(await listNamespaces(this.#runner, this.plan.prefix));
    const errors: unknown[] = [];
    for (const netns of mine.filter((n) => present.has(n))) {
      try {
        const pids = (await this.#runner.ip(["netns", "pids", netns]).catch(() => "")).split(/\s+/).filter((p) => /^\d+$/.test(p));
        for (const pid of pids) killQuietly(Number(pid));
        await this.#runner.ip(["netns", "del", netns]);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) {
      const after = new Set(await listNamespaces(this.#runner, this.plan.prefix));
      const left = mine.filter((n) => after.has(n));
      if (left.length > 0) throw new AggregateError(errors, `could not delete namespace(s) ${left.join(", ")}`);
    }
  }
}

async function runAll(runner: IpRunner, commands: readonly string[][]): Promise<void> {
  for (const args of commands) await runner.ip(args);
}

function killQuietly(pid: number): void {
  if (pid <= 1 || pid === process.pid) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
