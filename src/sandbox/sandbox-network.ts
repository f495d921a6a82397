// Builds a planned sandbox in the kernel and manages its pods. The only I/O is through IpRunner.

import { destroyByPrefix, listNamespaces } from "./destroy-by-prefix.js";
import type { IpRunner } from "./ip-runner.js";
import { clientCommands, nodeCommands, podCommands, underlayCommands } from "./topology-commands.js";
import type { NodePlan, PodOptions, PodPlan, TopologyPlan } from "./topology-plan.js";
import { MAX_NODES, planPod, planTopology, podNetnsName, sandboxPrefix } from "./topology-plan.js";

/** A request the sandbox refuses: unknown node, conflicting pod, leftovers in the way. */
export class SandboxError extends Error {
  override readonly name = "SandboxError";
}

/** A pod's network sandbox as added: its namespace and the veth on the node's bridge. */
export interface PodNetwork {
  netns: string;
  hostVeth: string;
  plan: PodPlan;
}

/**
 * A built sandbox. Contract:
 * - `addPod(node, {podId, ip})` (node by name or plan) creates the pod namespace, resolving when
 *   its address and default route are in place; repeating the same call returns the same
 *   PodNetwork; the same podId with another node or IP is a SandboxError. A failed add leaves
 *   no pod namespace behind.
 * - `adoptPod(node, {podId, ip})` takes over a pod namespace an earlier process added (an agent
 *   that restarted): it resolves with the same PodNetwork addPod gave, or undefined when that
 *   namespace is not in the kernel (nothing is created).
 * - `removePod(podId)` deletes the pod's namespace (and so its veth); unknown ids are a no-op,
 *   including pods added by an earlier process (the names derive from the pod id alone).
 * - `destroy()` deletes every namespace of this sandbox; safe to call more than once.
 */
export interface SandboxNetwork {
  readonly plan: TopologyPlan;
  readonly nodes: readonly NodePlan[];
  addPod(node: string | NodePlan, options: PodOptions): Promise<PodNetwork>;
  adoptPod(node: string | NodePlan, options: PodOptions): Promise<PodNetwork | undefined>;
  removePod(podId: string): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Creates the underlay, then each node, in the kernel. Refuses (SandboxError) when a namespace of
 * this sandbox already exists (run destroyByPrefix first). If any command fails, everything
 * created so far is deleted and the command's IpCommandError is rethrown.
 */
export async function buildSandboxNetwork(plan: TopologyPlan, runner: IpRunner): Promise<SandboxNetwork> {
  const existing = await listNamespaces(runner, plan.prefix);
  if (existing.length > 0) {
    throw new SandboxError(`sandbox ${plan.id} already has namespaces (${existing.join(", ")}); destroy them first`);
  }
  try {
    await runAll(runner, underlayCommands(plan));
    for (const node of plan.nodes) await runAll(runner, nodeCommands(plan, node));
    await runAll(runner, clientCommands(plan));
  } catch (error) {
    await destroyByPrefix(runner, { id: plan.id }).catch(() => undefined);
    throw error;
  }
  return new BuiltSandbox(plan, runner);
}

/**
 * The sandbox `plan` describes, built earlier by another process (`svcnet up`, a test): for a
 * node agent started on its own. Refuses (SandboxError) when a node namespace of the plan is
 * missing, naming it. Nothing is created or changed.
 */
export async function attachSandboxNetwork(plan: TopologyPlan, runner: IpRunner): Promise<SandboxNetwork> {
  const present = new Set(await listNamespaces(runner, plan.prefix));
  const missing = plan.nodes.map((n) => n.netns).filter((netns) => !present.has(netns));
  if (missing.length > 0) {
    throw new SandboxError(`sandbox ${plan.id} is not built (missing ${missing.join(", ")}); start it with 'svcnet up --sandbox-id ${plan.id}'`);
  }
  return new BuiltSandbox(plan, runner);
}

/**
 * The sandbox `id` as some other process built it, its node count read from the kernel (node
 * namespaces core-v2-01… are consecutive). SandboxError when it has no node namespace.
 */
export async function attachSandbox(id: string, runner: IpRunner): Promise<SandboxNetwork> {
  const prefix = sandboxPrefix(id);
  const present = new Set(await listNamespaces(runner, prefix));
  let nodes = 0;
  while (nodes < MAX_NODES && present.has(`${prefix}core-v2-${String(nodes + 1).padStart(2, "0")}`)) nodes++;
  if (nodes === 0) throw new SandboxError(`sandbox ${id} does not exist (no namespace ${prefix}core-v2-01); start it with 'svcnet up --sandbox-id ${id}'`);
  return attachSandboxNetwork(planTopology({ id, nodes }), runner);
}

class BuiltSandbox implements SandboxNetwork {
  readonly plan: TopologyPlan;
  readonly #runner: IpRunner;
  readonly #pods = new Map<string, PodNetwork>();

  constructor(plan: TopologyPlan, runner: IpRunner) {
    this.plan = plan;
    this.#runner = runner;
  }

  get nodes(): readonly NodePlan[] {
    return this.plan.nodes;
  }

  async addPod(node: string | NodePlan, options: PodOptions): Promise<PodNetwork> {
    const nodePlan = this.#node(node);
    const pod = planPod(nodePlan, options);
    const known = this.#pods.get(pod.podId);
    if (known) {
      if (known.plan.nodeNetns === pod.nodeNetns && known.plan.ip === pod.ip) return known;
      throw new SandboxError(`pod ${pod.podId} already has ${known.plan.ip} on ${known.plan.nodeNetns}`);
    }
    try {
      await runAll(this.#runner, podCommands(pod));
    } catch (error) {
      await this.#deleteNetns(pod.netns).catch(() => undefined);
      throw error;
    }
    const added: PodNetwork = { netns: pod.netns, hostVeth: pod.hostVeth, plan: pod };
    this.#pods.set(pod.podId, added);
    return added;
  }

  async adoptPod(node: string | NodePlan, options: PodOptions): Promise<PodNetwork | undefined> {
    const pod = planPod(this.#node(node), options);
    const present = await listNamespaces(this.#runner, pod.netns);
    if (!present.includes(pod.netns)) return undefined;
    const adopted: PodNetwork = { netns: pod.netns, hostVeth: pod.hostVeth, plan: pod };
    this.#pods.set(pod.podId, adopted);
    return adopted;
  }

  async removePod(podId: string): Promise<void> {
    await this.#deleteNetns(podNetnsName(this.plan.prefix, podId));
    this.#pods.delete(podId);
  }

  async destroy(): Promise<void> {
    await destroyByPrefix(this.#runner, { id: this.plan.id });
    this.#pods.clear();
  }

  #node(node: string | NodePlan): NodePlan {
    const name = typeof node === "string" ? node : node.name;
    const found = this.plan.nodes.find((n) => n.name === name);
    if (!found) throw new SandboxError(`sandbox ${this.plan.id} has no node ${JSON.stringify(name)}`);
    return found;
  }

  async #deleteNetns(netns: string): Promise<void> {
    const present = await listNamespaces(this.#runner, netns);
    if (present.includes(netns)) await this.#runner.ip(["netns", "del", netns]);
  }
}

async function runAll(runner: IpRunner, commands: readonly string[][]): Promise<void> {
  for (const args of commands) await runner.ip(args);
}
