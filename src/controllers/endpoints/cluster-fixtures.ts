// Helpers for the endpoint controllers' integration tests: act as a user (services, custom
// Endpoints) and as a kubelet (nodes, pods bound to them, pod status) against a TestCluster,
// and read back what the controllers wrote.

import { deepCopy } from "../../api/json.js";
import type { EndpointSlice, Endpoints, Node, Pod, Service } from "../../api/types.js";
import { controllerSyncs, isNotFound, retryOnConflict } from "../../client/index.js";
import type { KubeClient } from "../../client/index.js";
import { resource } from "../controller-context.js";
import type { TestCluster } from "../test-cluster.js";
import { LABEL_SERVICE_NAME, LABEL_TOPOLOGY_ZONE } from "./well-known.js";

/** Typed clients for the kinds these tests touch. */
export interface Clients {
  pods: KubeClient<Pod>;
  services: KubeClient<Service>;
  endpoints: KubeClient<Endpoints>;
  slices: KubeClient<EndpointSlice>;
  nodes: KubeClient<Node>;
}

/** Clients acting as the test user on `cluster`. */
export function clientsOf(cluster: TestCluster): Clients {
  return {
    pods: cluster.client<Pod>(resource("", "v1", "pods")),
    services: cluster.client<Service>(resource("", "v1", "services")),
    endpoints: cluster.client<Endpoints>(resource("", "v1", "endpoints")),
    slices: cluster.client<EndpointSlice>(resource("discovery.k8s.io", "v1", "endpointslices")),
    nodes: cluster.client<Node>(resource("", "v1", "nodes")),
  };
}

/** Registers a node (optionally in a zone), as a kubelet does. */
export function createNode(c: Clients, name: string, zone?: string): Promise<Node> {
  const labels: Record<string, string> = { "kubernetes.io/hostname": name };
  if (zone) labels[LABEL_TOPOLOGY_ZONE] = zone;
  return c.nodes.create({ apiVersion: "v1", kind: "Node", metadata: { name, labels } });
}

/** A Service (default: the seed's nginx-service, app=nginx, 8000 → 80); `edit` adjusts it. */
export function createService(c: Clients, namespace: string, name: string, edit?: (s: Service) => void): Promise<Service> {
  const svc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace, name },
    spec: { selector: { app: "nginx" }, ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }] },
  };
  edit?.(svc);
  return c.services.create(svc);
}

/** What a kubelet reports for a pod. */
export interface PodState {
  ip: string;
  ready: boolean;
  /** lastTransitionTime of a Ready change (RFC 3339); default now, to the second. */
  since?: string;
}

/** Options of createPod. */
export interface CreatePodOptions {
  labels?: Record<string, string>;
  node?: string;
  /** Running with this IP and readiness; omit to leave the pod Pending without an IP. */
  state?: PodState;
  edit?: (p: Pod) => void;
}

/** Creates a pod bound to `node` (default core-v2-01) serving port 80, then reports its state. */
export async function createPod(c: Clients, namespace: string, name: string, o: CreatePodOptions = {}): Promise<Pod> {
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { namespace, name, labels: o.labels ?? { app: "nginx" } },
    spec: { nodeName: o.node ?? "core-v2-01", containers: [{ name: "nginx", image: "nginx", ports: [{ name: "http", containerPort: 80 }] }] },
  };
  o.edit?.(pod);
  const created = await c.pods.create(pod);
  return o.state ? setPodState(c, namespace, name, o.state) : created;
}

/** Reports a pod Running with `ip`, Ready or not, as a kubelet would through pods/status. */
export function setPodState(c: Clients, namespace: string, name: string, state: PodState): Promise<Pod> {
  return retryOnConflict(async () => {
    const pod = await c.pods.get(namespace, name);
    const copy = deepCopy(pod);
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const was = copy.status?.conditions?.find((x) => x.type === "Ready");
    const status = state.ready ? "True" : "False";
    const since = was?.status === status ? was.lastTransitionTime : (state.since ?? now);
    copy.status = {
      ...copy.status,
      phase: "Running",
      podIP: state.ip,
      podIPs: [{ ip: state.ip }],
      conditions: [{ type: "Ready", status, lastTransitionTime: since }],
    };
    return c.pods.updateStatus(copy);
  });
}

/** The Endpoints object, or undefined when it does not exist. */
export async function getEndpoints(c: Clients, namespace: string, name: string): Promise<Endpoints | undefined> {
  try {
    return await c.endpoints.get(namespace, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Every EndpointSlice labelled for the Service, in name order. */
export async function slicesFor(c: Clients, namespace: string, service: string): Promise<EndpointSlice[]> {
  const list = await c.slices.list(namespace, { labelSelector: `${LABEL_SERVICE_NAME}=${service}` });
  return list.items.sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
}

/** "ip:port" of every ready address of the Endpoints, sorted. */
export function readyAddresses(e: Endpoints | undefined): string[] {
  const out: string[] = [];
  for (const ss of e?.subsets ?? []) for (const a of ss.addresses ?? []) for (const p of ss.ports ?? []) out.push(`${a.ip}:${p.port}`);
  return out.sort();
}

/** "ip:port" of every not-ready address of the Endpoints, sorted. */
export function notReadyAddresses(e: Endpoints | undefined): string[] {
  const out: string[] = [];
  for (const ss of e?.subsets ?? []) for (const a of ss.notReadyAddresses ?? []) for (const p of ss.ports ?? []) out.push(`${a.ip}:${p.port}`);
  return out.sort();
}

/** Each slice endpoint as "ip ready/serving/terminating", sorted — e.g. "10.1.13.2 R S -". */
export function sliceEndpoints(slices: readonly EndpointSlice[]): string[] {
  const flag = (v: boolean | undefined, c: string): string => (v ? c : "-");
  const out: string[] = [];
  for (const s of slices) {
    for (const e of s.endpoints ?? []) {
      const cond = e.conditions ?? {};
      out.push(`${e.addresses.join(",")} ${flag(cond.ready, "R")} ${flag(cond.serving, "S")} ${flag(cond.terminating, "T")}`);
    }
  }
  return out.sort();
}

/** Syncs finished by the controllers, as published on the client's `controllerSyncs` channel. */
export class SyncLog {
  readonly #seen: { controller: string; key: string }[] = [];
  readonly #listener = (m: unknown): void => {
    const { controller, key } = m as { controller: string; key: unknown };
    this.#seen.push({ controller, key: String(key) });
  };

  constructor() {
    controllerSyncs.subscribe(this.#listener);
  }

  /** How many syncs of `key` by `controller` have finished so far. */
  count(controller: string, key: string): number {
    return this.#seen.filter((s) => s.controller === controller && s.key === key).length;
  }

  stop(): void {
    controllerSyncs.unsubscribe(this.#listener);
  }
}
