// An in-memory stand-in for the API server, ReplicaSet controller and kubelet, driven by the
// pure decisions of this directory, one tick (one simulated second) at a time: pods become ready
// after a configurable delay (or never), the ReplicaSet controller creates/deletes pods and
// writes status, the Deployment controller applies one planDeploymentSync pass. Tests use it to
// walk whole rollouts and check invariants at every step; it performs no I/O.

import { deepCopy } from "../../api/json.js";
import type { Deployment, Pod, ReplicaSet } from "../../api/types.js";
import { controllerOf } from "./claim.js";
import { planDeploymentSync, type DeploymentAction } from "./deployment-sync.js";
import { activePods, manageReplicas, replicaStatus } from "./replica-decisions.js";
import { podFromTemplate } from "./pod-template.js";
import { isPodReady } from "./pod-state.js";
import { formatTime } from "./workload-types.js";

/** Options of FakeWorkloadCluster. */
export interface FakeClusterOptions {
  /** Simulated start time. */
  start: Date;
  /** Seconds from creation until a pod becomes ready; undefined = never (crash-looping). */
  readyAfter?: (pod: Pod) => number | undefined;
  /** Nodes pods are spread over (round-robin). */
  nodes?: string[];
}

/** A whole-cluster simulation of one Deployment. */
export class FakeWorkloadCluster {
  deployment: Deployment;
  replicaSets: ReplicaSet[] = [];
  pods: Pod[] = [];
  /** Every action the Deployment controller took, in order. */
  readonly log: DeploymentAction[] = [];
  #now: number;
  #uid = 0;
  #names = 0;
  readonly #readyAt = new Map<string, number | undefined>();
  readonly #opts: FakeClusterOptions;

  constructor(d: Deployment, opts: FakeClusterOptions) {
    this.deployment = deepCopy(d);
    this.deployment.metadata.uid ??= "uid-deploy";
    this.deployment.metadata.generation ??= 1;
    this.#now = opts.start.getTime();
    this.#opts = opts;
  }

  /** The simulated current time. */
  get now(): Date {
    return new Date(this.#now);
  }

  /** Applies a spec change the way the API server does: bumps generation when spec changes. */
  updateDeployment(edit: (d: Deployment) => void): void {
    const next = deepCopy(this.deployment);
    edit(next);
    if (JSON.stringify(next.spec) !== JSON.stringify(this.deployment.spec)) next.metadata.generation = (next.metadata.generation ?? 1) + 1;
    this.deployment = next;
  }

  /** One second passes: kubelet, ReplicaSet controller, Deployment controller, ReplicaSet controller. */
  tick(): void {
    this.#now += 1000;
    this.#kubelet();
    this.#syncReplicaSets();
    this.#syncDeployment();
    this.#syncReplicaSets();
  }

  /** The pods owned by `rs`. */
  podsOf(rs: ReplicaSet): Pod[] {
    return this.pods.filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
  }

  #kubelet(): void {
    for (const p of this.pods) {
      const at = this.#readyAt.get(p.metadata.uid ?? "");
      if (at !== undefined && at <= this.#now && !isPodReady(p)) {
        p.status = { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: formatTime(new Date(at)) }] };
      }
    }
  }

  #syncReplicaSets(): void {
    for (const rs of this.replicaSets) {
      const owned = activePods(this.podsOf(rs));
      const action = manageReplicas(rs.spec.replicas ?? 1, owned, { related: this.pods, now: this.now });
      if ("delete" in action) {
        const gone = new Set(action.delete.map((p) => p.metadata.uid));
        this.pods = this.pods.filter((p) => !gone.has(p.metadata.uid));
      } else {
        for (let i = 0; i < action.create; i++) this.#createPod(rs);
      }
      rs.status = replicaStatus(rs, activePods(this.podsOf(rs)), { now: this.now });
    }
  }

  #createPod(rs: ReplicaSet): void {
    const pod = podFromTemplate(rs, rs.spec.template!, { ownerKind: "ReplicaSet", apiVersion: "apps/v1" });
    const nodes = this.#opts.nodes ?? ["node-1"];
    pod.metadata.name = `${pod.metadata.generateName}${(this.#names++).toString(36).padStart(5, "x")}`;
    pod.metadata.uid = `pod-${++this.#uid}`;
    pod.metadata.creationTimestamp = formatTime(this.now);
    pod.spec.nodeName = nodes[this.#uid % nodes.length];
    pod.status = { phase: "Pending" };
    const delay = this.#opts.readyAfter ? this.#opts.readyAfter(pod) : 2;
    this.#readyAt.set(pod.metadata.uid, delay === undefined ? undefined : this.#now + delay * 1000);
    this.pods.push(pod);
  }

  #syncDeployment(): void {
    const actions = planDeploymentSync(this.deployment, this.replicaSets, { now: this.now, pods: this.pods });
    for (const a of actions) {
      this.log.push(a);
      switch (a.kind) {
        case "createReplicaSet": {
          const rs = deepCopy(a.replicaSet);
          rs.metadata.uid = `rs-${++this.#uid}`;
          rs.metadata.generation = 1;
          rs.metadata.creationTimestamp = formatTime(this.now);
          rs.status = { replicas: 0 };
          this.replicaSets.push(rs);
          break;
        }
        case "updateReplicaSet": {
          const i = this.replicaSets.findIndex((rs) => rs.metadata.uid === a.replicaSet.metadata.uid);
          const next = deepCopy(a.replicaSet);
          if (JSON.stringify(next.spec) !== JSON.stringify(this.replicaSets[i].spec)) next.metadata.generation = (next.metadata.generation ?? 1) + 1;
          this.replicaSets[i] = next;
          break;
        }
        case "deleteReplicaSet":
          this.replicaSets = this.replicaSets.filter((rs) => rs.metadata.uid !== a.replicaSet.metadata.uid);
          this.pods = this.pods.filter((p) => controllerOf(p)?.uid !== a.replicaSet.metadata.uid);
          break;
        case "updateDeploymentStatus":
          this.deployment = { ...this.deployment, metadata: { ...this.deployment.metadata, annotations: { ...a.annotations } }, status: deepCopy(a.status) };
          break;
        case "event":
          break;
      }
    }
  }
}
