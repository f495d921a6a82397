// Fixture builders for the endpoints tests: the seed's nginx pods and service, shaped as the
// API server returns them, and deep-frozen so any mutation by the code under test throws.

import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { EndpointSlice, Endpoints, Pod, Service } from "../../api/types.js";

/** A Running, Ready pod `app=nginx` on node core-v2-01 serving port 80; `edit` adjusts it. Frozen. */
export function makePod(namespace: string, name: string, edit?: (p: Pod) => void): Pod {
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { namespace, name, uid: `uid-${name}`, labels: { app: "nginx" }, resourceVersion: "10", creationTimestamp: "2024-05-01T10:00:00Z" },
    spec: { nodeName: "core-v2-01", containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80, protocol: "TCP" }] }] },
    status: {
      phase: "Running",
      podIP: "10.1.13.2",
      podIPs: [{ ip: "10.1.13.2" }],
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2024-05-01T10:00:05Z" }],
    },
  };
  edit?.(pod);
  return deepFreeze(pod);
}

/** Sets a pod's IPs (podIP is the first). For use inside makePod's edit callback. */
export function withIPs(pod: Pod, ...ips: string[]): void {
  pod.status = { ...pod.status, podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) };
}

/** Marks a pod not ready (Ready=False since `at`). For use inside makePod's edit callback. */
export function notReady(pod: Pod, at = "2024-05-01T10:01:00Z"): void {
  pod.status = { ...pod.status, conditions: [{ type: "Ready", status: "False", lastTransitionTime: at }] };
}

/** A ready pod with one IP; shorthand for makePod + withIPs. */
export function readyPod(namespace: string, name: string, ip: string, edit?: (p: Pod) => void): Pod {
  return makePod(namespace, name, (p) => {
    withIPs(p, ip);
    edit?.(p);
  });
}

/** The seed's nginx-service: selector app=nginx, 10.0.0.252, port 8000 → targetPort 80. Frozen. */
export function makeService(namespace: string, name: string, edit?: (s: Service) => void): Service {
  const svc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace, name, uid: `uid-svc-${name}`, labels: { name: "nginx-service" }, creationTimestamp: "2024-05-01T09:00:00Z", resourceVersion: "5" },
    spec: {
      type: "ClusterIP",
      selector: { app: "nginx" },
      clusterIP: "10.0.0.252",
      clusterIPs: ["10.0.0.252"],
      ipFamilies: ["IPv4"],
      ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }],
    },
  };
  edit?.(svc);
  return deepFreeze(svc);
}

/** The seed's three nginx pods, 10.1.13.2/.3/.4, all ready. */
export function seedPods(): Pod[] {
  return [
    readyPod("default", "nginx-controller-6bovu", "10.1.13.2"),
    readyPod("default", "nginx-controller-7kw2r", "10.1.13.3"),
    readyPod("default", "nginx-controller-jnq5p", "10.1.13.4"),
  ];
}

/** Freezes an Endpoints or EndpointSlice fixture (typed passthrough of deepFreeze). */
export function frozen<T extends Endpoints | EndpointSlice>(obj: T): T {
  return deepFreeze(obj);
}

/** Gives a slice from a reconcile answer the name and version the API server would assign. Frozen. */
export function stored(slice: EndpointSlice, name: string, resourceVersion = "100"): EndpointSlice {
  const copy = structuredClone(slice);
  copy.metadata.name = name;
  copy.metadata.resourceVersion = resourceVersion;
  return deepFreeze(copy);
}

/** What a reconcile answer does, compactly: endpoint addresses per created/updated slice, deleted names. */
export interface ChangeSummary {
  create: string[][];
  update: Record<string, string[]>;
  delete: string[];
}

/** Summarises slice changes (endpoint addresses in slice order) for table assertions. */
export function summarize(changes: { toCreate: EndpointSlice[]; toUpdate: EndpointSlice[]; toDelete: EndpointSlice[] }): ChangeSummary {
  const ips = (s: EndpointSlice): string[] => (s.endpoints ?? []).map((e) => e.addresses.join("+"));
  return {
    create: changes.toCreate.map(ips),
    update: Object.fromEntries(changes.toUpdate.map((s) => [s.metadata.name ?? "?", ips(s)])),
    delete: changes.toDelete.map((s) => s.metadata.name ?? "?"),
  };
}

/**
 * Applies changes to a list of stored slices the way the API server would: creates get names
 * `<prefix><n>`, updates replace by name, deletes remove. Returns a new frozen list.
 */
export function applyChanges(
  existing: readonly EndpointSlice[],
  changes: { toCreate: EndpointSlice[]; toUpdate: EndpointSlice[]; toDelete: EndpointSlice[] },
  counter = { next: 0 },
): EndpointSlice[] {
  const byName = new Map(existing.map((s) => [s.metadata.name ?? "", s]));
  for (const s of changes.toDelete) byName.delete(s.metadata.name ?? "");
  for (const s of changes.toUpdate) {
    assert.ok(byName.has(s.metadata.name ?? ""), `update of unknown slice ${s.metadata.name}`);
    byName.set(s.metadata.name ?? "", stored(s, s.metadata.name ?? "", String(Number(byName.get(s.metadata.name ?? "")?.metadata.resourceVersion ?? 0) + 1)));
  }
  for (const s of changes.toCreate) {
    const name = `${s.metadata.generateName}${counter.next++}`;
    byName.set(name, stored(s, name));
  }
  return [...byName.values()];
}
