// The node lifecycle controller ("nodelifecycle"), with Kubernetes' taint-based eviction folded
// in. Every ctx.settings.nodeMonitorPeriodMs it judges each node from its status and its Lease
// in kube-node-lease (evaluateNodeHealth, grace ctx.settings.nodeMonitorGracePeriodMs), then:
//   1. writes Unknown conditions (status) when the node has been silent too long;
//   2. keeps the lifecycle taints (not-ready/unreachable NoSchedule+NoExecute, unschedulable,
//      pressure) in step with the conditions — recovery removes them;
//   3. when it took the node out of Ready: a NodeNotReady event on the node, and Ready=False on
//      the node's pods (NodeNotReady Warning events), so endpoints drop them;
//   4. deletes the node's pods that do not tolerate its NoExecute taints, at once or when their
//      tolerationSeconds run out (TaintManagerEviction events); it looks again at that moment.
// Node events (and pod events on troubled nodes) also queue the node, so taints follow cordons
// and recoveries without waiting for the next period. All times come from ctx.clock.

import type { Lease, Node, Pod } from "../../api/types.js";
import type { Informer, KubeClient } from "../../client/index.js";
import { WorkQueue, keyOf, objectOf, runController } from "../../client/index.js";
import type { Controller, ControllerContext } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { nodeTaints } from "../scheduling/taints.js";
import { evictPod, markPodNotReady, syncLifecycleTaints } from "./lifecycle-writes.js";
import { defaultNodeStartupGracePeriodMs, evaluateNodeHealth, type NodeHealthRecord } from "./node-health.js";
import { evictionPlan, podNodeNotReadyEvent, taintEvictionEvent } from "./pod-eviction.js";
import type { ZoneCensus } from "./zone-mode.js";
import { noExecuteModeFromCensus, zoneCensus } from "./zone-mode.js";

/** Options of createNodeLifecycleController; every field has a default. */
export interface NodeLifecycleOptions {
  /** Grace for a node that never posted a Ready condition; default 60 000 ms (Kubernetes'). */
  startupGracePeriodMs?: number;
}

/** The namespace of node heartbeat Leases (one per node, named as the node). */
export const nodeLeaseNamespace = "kube-node-lease";

const byNodeIndex = "nodelifecycle:byNode";
const nodeComponent = "node-controller";
const evictionComponent = "taint-eviction-controller";

/** Whether a node is in a state where its pods' changes matter to this controller. */
function nodeNeedsWatching(node: Node | undefined): boolean {
  if (!node) return false;
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  return ready?.status !== "True" || nodeTaints(node).some((t) => t.effect === "NoExecute");
}

/** Everything one running controller holds; lives for one run(ctx). */
class NodeLifecycleRun {
  readonly #ctx: ControllerContext;
  readonly #o: NodeLifecycleOptions;
  readonly #queue: WorkQueue<string>;
  readonly #nodeClient: KubeClient<Node>;
  readonly #podClient: KubeClient<Pod>;
  readonly #nodes: Informer<Node>;
  readonly #leases: Informer<Lease>;
  readonly #pods: Informer<Pod>;
  /** What evaluateNodeHealth remembers per node. */
  readonly #health = new Map<string, NodeHealthRecord>();
  /** Per node: pod key → when its toleration clock started. */
  readonly #evictionClocks = new Map<string, Map<string, number>>();
  readonly #registered = new Set<string>();

  constructor(ctx: ControllerContext, o: NodeLifecycleOptions) {
    this.#ctx = ctx;
    this.#o = o;
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    const nodes = resource("", "v1", "nodes");
    const pods = resource("", "v1", "pods");
    this.#nodeClient = ctx.client<Node>(nodes);
    this.#podClient = ctx.client<Pod>(pods);
    this.#nodes = ctx.factory.informerFor<Node>(nodes);
    this.#leases = ctx.factory.informerFor<Lease>(resource("coordination.k8s.io", "v1", "leases"), { namespace: nodeLeaseNamespace });
    this.#pods = ctx.factory.informerFor<Pod>(pods);
    this.#pods.addIndex(byNodeIndex, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  }

  async run(): Promise<void> {
    const queue = this.#queue;
    this.#nodes.addEventHandler({
      onAdd: (n) => queue.add(keyOf(n)),
      onUpdate: (_old, n) => queue.add(keyOf(n)),
      onDelete: (n) => queue.add(keyOf(n)),
    });
    const podChanged = (p: Pod): void => {
      const node = p.spec?.nodeName;
      if (node && nodeNeedsWatching(this.#nodes.lister.get(undefined, node))) queue.add(node);
    };
    this.#pods.addEventHandler({ onAdd: podChanged, onUpdate: (_old, p) => podChanged(p), onDelete: (p) => podChanged(objectOf(p)) });
    const stopTicker = this.#startTicker();
    try {
      await runController({
        name: "nodelifecycle",
        queue,
        workers: 2,
        signal: this.#ctx.signal,
        caches: [this.#nodes, this.#leases, this.#pods],
        sync: (name) => this.#sync(name),
      });
    } finally {
      stopTicker();
    }
  }

  /** Queues every node now and every monitor period until stopped. */
  #startTicker(): () => void {
    const { clock, settings, signal } = this.#ctx;
    let cancel = (): void => {};
    const tick = (): void => {
      if (signal.aborted) return;
      for (const key of this.#nodes.lister.keys()) this.#queue.add(key);
      cancel = clock.setTimer(tick, settings.nodeMonitorPeriodMs);
    };
    tick();
    return () => cancel();
  }

  /**
   * The zones' readiness, counted once per pass over the nodes rather than once per node (as
   * upstream judges disruption once per monitor pass): kept until a monitor period has passed.
   */
  #zoneCensus(now: number): ZoneCensus {
    if (!this.#census || now - this.#census.at >= this.#ctx.settings.nodeMonitorPeriodMs || this.#census.census.nodes.size !== this.#nodes.lister.keys().length) {
      this.#census = { at: now, census: zoneCensus(this.#nodes.lister.list()) };
    }
    return this.#census.census;
  }

  #census: { at: number; census: ZoneCensus } | undefined;

  async #sync(name: string): Promise<void> {
    const cached = this.#nodes.lister.get(undefined, name);
    if (!cached) {
      this.#health.delete(name);
      this.#evictionClocks.delete(name);
      this.#registered.delete(name);
      return;
    }
    const { clock, settings, signal } = this.#ctx;
    const recorder = this.#ctx.recorder(nodeComponent);
    if (!this.#registered.has(name)) {
      this.#registered.add(name);
      await recorder.event(cached, "Normal", "RegisteredNode", `Node ${name} event: Registered Node ${name} in Controller`);
    }
    const now = clock.now();
    const decision = evaluateNodeHealth(cached, this.#leases.lister.get(nodeLeaseNamespace, name), {
      now,
      gracePeriodMs: settings.nodeMonitorGracePeriodMs,
      startupGracePeriodMs: this.#o.startupGracePeriodMs ?? defaultNodeStartupGracePeriodMs,
      lastObserved: this.#health.get(name),
    });
    let node = cached;
    if (decision.conditions) {
      // A conflict rejects: the key is retried and the node judged again from the cache.
      node = await this.#nodeClient.updateStatus({ ...cached, status: { ...cached.status, conditions: decision.conditions } });
    }
    this.#health.set(name, decision.observed);
    // Judge the node again the moment it would count as silent, not up to a period later.
    if (decision.deadline !== undefined && decision.deadline > now) this.#queue.addAfter(name, decision.deadline - now + 1);
    if (decision.markPodsNotReady) await recorder.event(node, "Normal", "NodeNotReady", `Node ${name} status is now: NodeNotReady`);

    const ready = node.status?.conditions?.find((c) => c.type === "Ready");
    const mode = noExecuteModeFromCensus(this.#zoneCensus(now), node, ready);
    const tainted = await syncLifecycleTaints(this.#nodeClient, node, { now, mode, signal });
    if (!tainted) return;
    if (decision.markPodsNotReady || ready?.status === "Unknown") await this.#markPodsNotReady(tainted, now);
    await this.#evict(tainted, now);
  }

  async #markPodsNotReady(node: Node, now: number): Promise<void> {
    const recorder = this.#ctx.recorder(nodeComponent);
    for (const pod of this.#pods.lister.byIndex(byNodeIndex, node.metadata.name ?? "")) {
      if (await markPodNotReady(this.#podClient, pod, { node, now, signal: this.#ctx.signal })) {
        await recorder.event(pod, "Warning", podNodeNotReadyEvent.reason, podNodeNotReadyEvent.message);
      }
    }
  }

  async #evict(node: Node, now: number): Promise<void> {
    const name = node.metadata.name ?? "";
    const taints = nodeTaints(node);
    if (!taints.some((t) => t.effect === "NoExecute")) {
      this.#evictionClocks.delete(name);
      return;
    }
    const pods = this.#pods.lister.byIndex(byNodeIndex, name);
    const plan = evictionPlan(taints, pods, { now, started: this.#evictionClocks.get(name) });
    this.#evictionClocks.set(name, new Map(plan.later.map((e) => [e.key, e.since])));
    const recorder = this.#ctx.recorder(evictionComponent);
    for (const e of plan.evictNow) {
      if (await evictPod(this.#podClient, e.pod, { now, signal: this.#ctx.signal })) {
        await recorder.event(e.pod, "Normal", taintEvictionEvent.reason, taintEvictionEvent.message(e.key));
      }
    }
    if (plan.nextAt !== undefined) this.#queue.addAfter(name, Math.max(1, plan.nextAt - now));
  }
}

/** A node lifecycle Controller ("nodelifecycle") with the given options. */
export function createNodeLifecycleController(o: NodeLifecycleOptions = {}): Controller {
  return {
    name: "nodelifecycle",
    run: (ctx) => new NodeLifecycleRun(ctx, o).run(),
  };
}

/** The node lifecycle controller with default options, as `svcnet server` runs it. */
export const nodeLifecycleController: Controller = createNodeLifecycleController();
