// Small builders of Pods, ReplicaSets, ReplicationControllers and Deployments for the workload
// tests (and later the controller tests). Every builder returns a fresh, mutable object; tests
// deep-freeze what they pass to the code under test.

import type { Deployment, Pod, ReplicaSet, ReplicationController } from "../../api/types.js";

/** A fixed instant tests measure from: 2024-01-01T00:00:00Z. */
export const T0 = Date.parse("2024-01-01T00:00:00Z");

/** RFC 3339 time `s` seconds after T0. */
export function at(s: number): string {
  return new Date(T0 + s * 1000).toISOString().replace(".000Z", "Z");
}

/** A Date `s` seconds after T0. */
export function dateAt(s: number): Date {
  return new Date(T0 + s * 1000);
}

/** A pod in "default"; `edit` adjusts it. Defaults: Running on node-1, ready since T0, created at T0. */
export function makePod(name: string, edit?: (p: Pod) => void): Pod {
  const p: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: `uid-${name}`, labels: { app: "nginx" }, creationTimestamp: at(0) },
    spec: { containers: [{ name: "nginx", image: "nginx" }], nodeName: "node-1" },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: at(0) }], containerStatuses: [{ name: "nginx", ready: true, restartCount: 0 }] },
  };
  edit?.(p);
  return p;
}

/** Marks a pod not ready (Pending, no Ready condition). */
export function pending(p: Pod): void {
  p.status = { phase: "Pending" };
}

/** Makes a pod ready since `s` seconds after T0. */
export function readyAt(s: number): (p: Pod) => void {
  return (p) => {
    p.status = { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: at(s) }] };
  };
}

/** Sets the controller reference of a pod/ReplicaSet to `owner`. */
export function ownedBy(owner: { metadata: { name?: string; uid?: string } }, kind = "ReplicaSet", apiVersion = "apps/v1"): (o: { metadata: Pod["metadata"] }) => void {
  return (o) => {
    o.metadata.ownerReferences = [{ apiVersion, kind, name: owner.metadata.name ?? "", uid: owner.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }];
  };
}

/** A ReplicationController "nginx-controller" selecting app=nginx, 2 replicas. */
export function makeRC(edit?: (rc: ReplicationController) => void): ReplicationController {
  const rc: ReplicationController = {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name: "nginx-controller", namespace: "default", uid: "uid-rc", generation: 1 },
    spec: {
      replicas: 2,
      selector: { app: "nginx" },
      template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] } },
    },
  };
  edit?.(rc);
  return rc;
}

/** A Deployment "nginx" (app=nginx, image nginx:1.0, 3 replicas, 25%/25%, deadline 600s). */
export function makeDeployment(edit?: (d: Deployment) => void): Deployment {
  const d: Deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "nginx", namespace: "default", uid: "uid-deploy", generation: 1 },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "nginx" } },
      template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.0" }] } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
  };
  edit?.(d);
  return d;
}

/** A ReplicaSet owned by deployment "nginx" with `replicas` and the given status counts. */
export function makeRS(name: string, opts: { replicas: number; available?: number; ready?: number; actual?: number; created?: number; revision?: number; image?: string }): ReplicaSet {
  const hash = name.split("-").pop() ?? "";
  const rs: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      generation: 1,
      creationTimestamp: at(opts.created ?? 0),
      labels: { app: "nginx", "pod-template-hash": hash },
      annotations: { "deployment.kubernetes.io/revision": String(opts.revision ?? 1) },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "nginx", uid: "uid-deploy", controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: opts.replicas,
      selector: { matchLabels: { app: "nginx", "pod-template-hash": hash } },
      template: { metadata: { labels: { app: "nginx", "pod-template-hash": hash } }, spec: { containers: [{ name: "nginx", image: opts.image ?? "nginx:1.0" }] } },
    },
    status: { replicas: opts.actual ?? opts.replicas, readyReplicas: opts.ready ?? opts.available ?? opts.replicas, availableReplicas: opts.available ?? opts.replicas, observedGeneration: 1 },
  };
  return rs;
}
