// Helpers for the workload controllers' integration tests: a stand-in kubelet that reports
// pods Running and Ready (with a podIP) through pods/status as a real one would, and small
// readers over a TestCluster. Test-only; nothing in production imports this file.

import type { Deployment, Event, Pod, ReplicaSet, ReplicationController } from "../../api/types.js";
import type { KubeClient } from "../../client/index.js";
import { isConflict, isNotFound } from "../../client/index.js";
import { resource } from "../controller-context.js";
import type { TestCluster } from "../test-cluster.js";

/** Options of FakeKubelet. */
export interface FakeKubeletOptions {
  /** Whether a pod should be reported ready; default every pod. Re-evaluated on every poll. */
  ready?: (pod: Pod) => boolean;
  /** Poll interval; default 20 ms. */
  intervalMs?: number;
}

/**
 * Polls the pods of every namespace and, for each live pod, writes the status a kubelet would:
 * phase Running, a podIP, and a Ready condition that follows `ready(pod)`. Writes only when the
 * status would change. `stop()` ends the loop and waits for the poll in flight.
 */
export class FakeKubelet {
  readonly #pods: KubeClient<Pod>;
  readonly #o: FakeKubeletOptions;
  #ready: (pod: Pod) => boolean;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #nextIp = 2;
  readonly #ips = new Map<string, string>();

  constructor(cluster: TestCluster, o: FakeKubeletOptions = {}) {
    this.#pods = cluster.client<Pod>(resource("", "v1", "pods"));
    this.#o = o;
    this.#ready = o.ready ?? (() => true);
  }

  /** Replaces the readiness rule (takes effect at the next poll). */
  setReady(ready: (pod: Pod) => boolean): void {
    this.#ready = ready;
  }

  start(): this {
    this.#loop = this.#run();
    return this;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }

  /** One pass over every pod; resolves once its writes are done. */
  async poll(): Promise<void> {
    const list = await this.#pods.list(undefined);
    await Promise.all(list.items.filter((p) => !p.metadata.deletionTimestamp).map((p) => this.#report(p)));
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.poll();
      } catch {
        // The server is going away at the end of a test; the next poll (if any) retries.
      }
      await new Promise((r) => setTimeout(r, this.#o.intervalMs ?? 20));
    }
  }

  async #report(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    let ip = this.#ips.get(uid);
    if (!ip) {
      ip = `10.244.${Math.floor(this.#nextIp / 250)}.${(this.#nextIp % 250) + 2}`;
      this.#nextIp++;
      this.#ips.set(uid, ip);
    }
    const ready = this.#ready(pod);
    const current = pod.status?.conditions?.find((c) => c.type === "Ready");
    if (pod.status?.phase === "Running" && pod.status.podIP === ip && current?.status === (ready ? "True" : "False")) return;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const status = {
      ...(pod.status ?? {}),
      phase: "Running",
      podIP: ip,
      podIPs: [{ ip }],
      startTime: pod.status?.startTime ?? now,
      conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: now }],
    };
    try {
      await this.#pods.updateStatus({ ...pod, status } as Pod);
    } catch (e) {
      if (!isConflict(e) && !isNotFound(e)) throw e;
    }
  }
}

/** Typed clients for the objects these tests touch. */
export function workloadClients(cluster: TestCluster): {
  pods: KubeClient<Pod>;
  rcs: KubeClient<ReplicationController>;
  rss: KubeClient<ReplicaSet>;
  deployments: KubeClient<Deployment>;
  events: KubeClient<Event>;
} {
  return {
    pods: cluster.client<Pod>(resource("", "v1", "pods")),
    rcs: cluster.client<ReplicationController>(resource("", "v1", "replicationcontrollers")),
    rss: cluster.client<ReplicaSet>(resource("apps", "v1", "replicasets")),
    deployments: cluster.client<Deployment>(resource("apps", "v1", "deployments")),
    events: cluster.client<Event>(resource("", "v1", "events")),
  };
}

/** Pods in "default" (not being deleted) whose controller reference names `uid`, sorted by name. */
export async function podsOwnedBy(pods: KubeClient<Pod>, uid: string | undefined): Promise<Pod[]> {
  const list = await pods.list("default");
  return list.items
    .filter((p) => !p.metadata.deletionTimestamp && p.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid))
    .sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
}

/** "reason: message" of every Event about the object named `name` in "default". */
export async function eventsAbout(events: KubeClient<Event>, name: string): Promise<string[]> {
  const list = await events.list("default");
  return list.items.filter((e) => e.involvedObject.name === name).map((e) => `${e.reason ?? ""}: ${e.message ?? ""}`);
}
