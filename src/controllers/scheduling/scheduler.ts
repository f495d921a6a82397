// The scheduler ("default-scheduler"): places each pending pod on a node by POSTing its
// Binding, as kube-scheduler does, with the decision made by schedulePod (schedule.ts).
//
// - Pending pods come from an informer on `spec.nodeName=`; the pods already on nodes (for
//   resources, host ports and spreading) from the shared all-pods informer, plus the pods this
//   scheduler has just bound but the watch has not yet shown bound — all kept per node, with
//   their totals, in the SchedulerCache as the informers report changes.
// - One worker: decisions are made one at a time, each seeing the previous ones.
// - An unschedulable pod gets PodScheduled=False/Unschedulable with the FitError message
//   (written only when it changes) and a FailedScheduling Warning event; it is tried again
//   when a node is added or changes in a way that matters, when a bound pod goes away, and
//   otherwise after a backoff (1 s doubling to 60 s by default).
// - On success: a Scheduled event "Successfully assigned default/x to core-v2-01".

import type { Condition, Node, Pod } from "../../api/types.js";
import type { Informer, KubeClient } from "../../client/index.js";
import { WorkQueue, isConflict, isNotFound, keyOf, objectOf, retryOnConflict, runController } from "../../client/index.js";
import type { Controller, ControllerContext } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { SchedulerCache } from "./scheduler-cache.js";
import { withPodCondition } from "./pod-condition.js";
import { rfc3339 } from "../../api/time.js";
import { podScheduledCondition, schedulePod } from "./schedule.js";
import type { Unschedulable } from "./schedule.js";
import {
  defaultSchedulerName,
  nodeSchedulingChanged,
  podScheduledConditionChanged,
  podSchedulingChanged,
  responsibleForPod,
  retryBackoffMs,
  scheduledMessage,
} from "./scheduling-triggers.js";

/** Options of createScheduler; every field has a default. */
export interface SchedulerOptions {
  /** The spec.schedulerName this scheduler serves; default "default-scheduler". */
  schedulerName?: string;
  /** Backoff of unschedulable pods when nothing changes: default 1 000 ms doubling to 60 000 ms. */
  retryBackoff?: { initialMs?: number; maxMs?: number };
}

/** Everything one running scheduler holds; lives for one run(ctx). */
class SchedulerRun {
  readonly #ctx: ControllerContext;
  readonly #o: SchedulerOptions;
  readonly #queue: WorkQueue<string>;
  readonly #pods: KubeClient<Pod>;
  readonly #cache = new SchedulerCache();
  /** Keys of pods that failed to schedule, with their consecutive failures. */
  readonly #failures = new Map<string, number>();
  readonly #pending: Informer<Pod>;
  readonly #allPods: Informer<Pod>;
  readonly #nodes: Informer<Node>;

  constructor(ctx: ControllerContext, o: SchedulerOptions) {
    this.#ctx = ctx;
    this.#o = o;
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    const pods = resource("", "v1", "pods");
    this.#pods = ctx.client<Pod>(pods);
    this.#pending = ctx.factory.informerFor<Pod>(pods, { fieldSelector: "spec.nodeName=" });
    this.#allPods = ctx.factory.informerFor<Pod>(pods);
    this.#nodes = ctx.factory.informerFor<Node>(resource("", "v1", "nodes"));
  }

  get #name(): string {
    return this.#o.schedulerName ?? defaultSchedulerName;
  }

  async run(): Promise<void> {
    const queue = this.#queue;
    this.#pending.addEventHandler({
      onAdd: (p) => {
        if (responsibleForPod(p, this.#name)) queue.add(keyOf(p));
      },
      onUpdate: (old, p) => {
        if (podSchedulingChanged(old, p)) queue.add(keyOf(p));
      },
      onDelete: (p) => queue.add(keyOf(p)),
    });
    this.#allPods.addEventHandler({
      onAdd: (p) => this.#cache.observePod(keyOf(p), p),
      onUpdate: (_old, p) => this.#cache.observePod(keyOf(p), p),
      onDelete: (p) => {
        this.#cache.observePod(keyOf(p), undefined);
        if (objectOf(p).spec?.nodeName) this.#retryUnschedulable();
      },
    });
    this.#nodes.addEventHandler({
      onAdd: (n) => {
        this.#cache.setNode(n);
        this.#retryUnschedulable();
      },
      onUpdate: (old, n) => {
        this.#cache.setNode(n);
        if (nodeSchedulingChanged(old, n)) this.#retryUnschedulable();
      },
      onDelete: (n) => this.#cache.removeNode(objectOf(n).metadata.name ?? ""),
    });
    await runController({
      name: "scheduler",
      queue,
      workers: 1,
      signal: this.#ctx.signal,
      caches: [this.#pending, this.#allPods, this.#nodes],
      sync: (key) => this.#sync(key),
    });
  }

  #retryUnschedulable(): void {
    for (const key of this.#failures.keys()) this.#queue.add(key);
  }

  /** Where the next search over the nodes starts (kube-scheduler's nextStartNodeIndex). */
  #nextStartNode = 0;

  async #sync(key: string): Promise<void> {
    const pod = this.#pending.lister.getByKey(key);
    const latest = this.#allPods.lister.getByKey(key);
    if (!pod || !responsibleForPod(pod, this.#name) || latest?.spec?.nodeName || this.#cache.isAssumed(key)) {
      this.#failures.delete(key);
      return;
    }
    this.#cache.expire(this.#ctx.clock.now());
    const nodes = this.#cache.nodeInfos();
    const result = schedulePod(pod, nodes, { startIndex: this.#nextStartNode });
    if ("unschedulable" in result) {
      await this.#unschedulable(key, pod, result);
      return;
    }
    this.#nextStartNode = (this.#nextStartNode + result.examined) % Math.max(1, nodes.length);
    await this.#bind(key, pod, result.node);
  }

  async #bind(key: string, pod: Pod, node: string): Promise<void> {
    const ns = pod.metadata.namespace ?? "";
    const name = pod.metadata.name ?? "";
    this.#cache.assume(pod, node, this.#ctx.clock.now());
    try {
      await this.#pods.bind(ns, name, { node, uid: pod.metadata.uid });
    } catch (e) {
      this.#cache.forget(key);
      // Gone, already bound elsewhere, or being deleted: the informers will tell the rest.
      if (isNotFound(e) || isConflict(e)) return;
      throw e;
    }
    this.#failures.delete(key);
    await this.#ctx.recorder(this.#name).event(pod, "Normal", "Scheduled", scheduledMessage(pod, node));
    await this.#markScheduled(pod);
  }

  /**
   * The binding sets PodScheduled=True in Kubernetes; svcnet's binding does not (yet), so a pod
   * that was once unschedulable would keep its stale PodScheduled=False. Fix that one case.
   */
  async #markScheduled(pod: Pod): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
    if (!current || current.status === "True") return;
    const scheduled: Condition = { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(this.#ctx.clock.now()) };
    await this.#writeCondition(pod, scheduled, () => true);
  }

  async #unschedulable(key: string, pod: Pod, result: Unschedulable): Promise<void> {
    const condition = podScheduledCondition(result, { now: this.#ctx.clock.now(), current: pod.status?.conditions }) as Condition;
    if (podScheduledConditionChanged(pod, condition)) {
      await this.#writeCondition(pod, condition, (fresh) => !fresh.spec?.nodeName && podScheduledConditionChanged(fresh, condition));
    }
    await this.#ctx.recorder(this.#name).event(pod, "Warning", "FailedScheduling", result.message);
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    this.#queue.addAfter(key, retryBackoffMs(failures, this.#o.retryBackoff));
  }

  /**
   * Writes `condition` into the pod's status: first on the cached copy, then, after a
   * conflict, on a fresh read — if `stillWanted(fresh)` says so. A vanished pod is fine.
   */
  async #writeCondition(pod: Pod, condition: Condition, stillWanted: (fresh: Pod) => boolean): Promise<void> {
    let base: Pod | undefined = pod;
    try {
      await retryOnConflict(
        async () => {
          const current: Pod = base ?? (await this.#pods.get(pod.metadata.namespace, pod.metadata.name ?? ""));
          base = undefined;
          if (current.metadata.uid !== pod.metadata.uid || !stillWanted(current)) return;
          await this.#pods.updateStatus(withPodCondition(current, condition));
        },
        { signal: this.#ctx.signal },
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** A scheduler Controller ("scheduler") with the given options. */
export function createScheduler(o: SchedulerOptions = {}): Controller {
  return {
    name: "scheduler",
    run: (ctx) => new SchedulerRun(ctx, o).run(),
  };
}

/** The scheduler with default options, as `svcnet server` runs it. */
export const scheduler: Controller = createScheduler();
