// Test fixtures for scheduling and node lifecycle decisions: small builders for nodes and
// pods with sensible defaults (a Ready node with 4 CPUs, 8Gi and 110 pods; a pod with one
// container and no requests). Inputs built here are deep-frozen by the tests.

import type { Condition, Node, Pod } from "../../api/types.js";
import type { Taint, Toleration } from "./taints.js";

/** A Ready node named `name` with 4 CPU, 8Gi memory, 110 pods allocatable; `edit` customises it. */
export function makeNode(name: string, edit?: (n: Node & { spec: NonNullable<Node["spec"]>; status: NonNullable<Node["status"]> }) => void): Node {
  const n = {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, uid: `uid-${name}`, labels: { "kubernetes.io/hostname": name }, creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: {},
    status: {
      capacity: { cpu: "4", memory: "8Gi", pods: "110" },
      allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" } as Condition],
    },
  };
  edit?.(n);
  return n;
}

/** A pod `namespace/name` with one container `app` (no requests); `edit` customises it. */
export function makePod(namespace: string, name: string, edit?: (p: Pod) => void): Pod {
  const p: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { namespace, name, uid: `uid-${namespace}-${name}` },
    spec: { containers: [{ name: "app", image: "nginx" }] },
    status: { phase: "Pending" },
  };
  edit?.(p);
  return p;
}

/** Sets the requests of the pod's first container. */
export function withRequests(requests: Record<string, string>): (p: Pod) => void {
  return (p) => {
    p.spec.containers[0].resources = { requests };
  };
}

/** Marks the pod as controlled by the replication controller with the given uid. */
export function ownedBy(uid: string): (p: Pod) => void {
  return (p) => {
    p.metadata.ownerReferences = [{ apiVersion: "v1", kind: "ReplicationController", name: uid, uid, controller: true, blockOwnerDeletion: true }];
  };
}

/** Adds tolerations to the pod. */
export function tolerating(...tolerations: Toleration[]): (p: Pod) => void {
  return (p) => {
    p.spec.tolerations = [...((p.spec.tolerations as Toleration[] | undefined) ?? []), ...tolerations];
  };
}

/** Adds taints to the node. */
export function tainted(...taints: Taint[]): (n: Node) => void {
  return (n) => {
    n.spec = { ...n.spec, taints: [...(n.spec?.taints ?? []), ...taints.map((t) => ({ ...t }))] };
  };
}

/** Combines several edits into one. */
export function all<T>(...edits: ((x: T) => void)[]): (x: T) => void {
  return (x) => edits.forEach((e) => e(x));
}
