// Test fixtures for the Table printers: realistic objects built by small helpers, a fixed
// clock, and a renderer that lays a Table out the way kubectl 1.32 prints it. Test-only.

import { deepFreeze } from "../json.js";
import type {
  Endpoints,
  EndpointSlice,
  Event,
  KubeObject,
  Namespace,
  Node,
  Pod,
  ReplicationController,
  Service,
  TableCell,
  TableColumnDefinition,
} from "../types.js";
import type { TablePrinter } from "./table-printer.js";

/** The instant every fixture is printed at. */
export const NOW = new Date("2016-06-18T03:33:42Z");

/** `NOW` minus a duration: ago({m: 4}) is four minutes before NOW, as an RFC 3339 string. */
export function ago(d: { s?: number; m?: number; h?: number; d?: number }): string {
  const ms = ((d.d ?? 0) * 86400 + (d.h ?? 0) * 3600 + (d.m ?? 0) * 60 + (d.s ?? 0)) * 1000;
  return new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

type Mutator<T> = (obj: T) => void;

function finish<T extends KubeObject>(obj: T, mutate?: Mutator<T>): T {
  mutate?.(obj);
  return deepFreeze(obj);
}

/** A defaulted ClusterIP Service created four minutes before NOW (frozen). */
export function makeService(namespace: string, name: string, mutate?: Mutator<Service>): Service {
  return finish<Service>(
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { namespace, name, uid: `uid-${name}`, creationTimestamp: ago({ m: 4 }) },
      spec: {
        type: "ClusterIP",
        clusterIP: "10.0.0.10",
        clusterIPs: ["10.0.0.10"],
        ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
        sessionAffinity: "None",
      },
      status: { loadBalancer: {} },
    },
    mutate,
  );
}

/** An Endpoints object without subsets, created four minutes before NOW (frozen). */
export function makeEndpoints(namespace: string, name: string, mutate?: Mutator<Endpoints>): Endpoints {
  return finish<Endpoints>(
    { apiVersion: "v1", kind: "Endpoints", metadata: { namespace, name, creationTimestamp: ago({ m: 4 }) } },
    mutate,
  );
}

/** An IPv4 EndpointSlice without ports or endpoints, created four minutes before NOW (frozen). */
export function makeEndpointSlice(namespace: string, name: string, mutate?: Mutator<EndpointSlice>): EndpointSlice {
  return finish<EndpointSlice>(
    {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { namespace, name, creationTimestamp: ago({ m: 4 }) },
      addressType: "IPv4",
      endpoints: [],
      ports: [],
    },
    mutate,
  );
}

/** A running, ready single-container nginx pod on core-v2-01, created four minutes before NOW (frozen). */
export function makePod(namespace: string, name: string, mutate?: Mutator<Pod>): Pod {
  return finish<Pod>(
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { namespace, name, labels: { app: "nginx" }, creationTimestamp: ago({ m: 4 }) },
      spec: { containers: [{ name: "nginx", image: "nginx" }], nodeName: "core-v2-01", restartPolicy: "Always" },
      status: {
        phase: "Running",
        conditions: [
          { type: "Initialized", status: "True" },
          { type: "Ready", status: "True" },
          { type: "ContainersReady", status: "True" },
          { type: "PodScheduled", status: "True" },
        ],
        hostIP: "172.17.8.101",
        podIP: "10.1.13.3",
        podIPs: [{ ip: "10.1.13.3" }],
        startTime: ago({ m: 4 }),
        containerStatuses: [
          { name: "nginx", ready: true, restartCount: 0, started: true, state: { running: { startedAt: ago({ m: 4 }) } } },
        ],
      },
    },
    mutate,
  );
}

/** A Ready node with an InternalIP and node info, created nine minutes before NOW (frozen). */
export function makeNode(name: string, mutate?: Mutator<Node>): Node {
  return finish<Node>(
    {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { "kubernetes.io/hostname": name }, creationTimestamp: ago({ m: 9 }) },
      spec: { podCIDR: "10.1.13.0/24" },
      status: {
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady" }],
        addresses: [
          { type: "InternalIP", address: "172.17.8.101" },
          { type: "Hostname", address: name },
        ],
        nodeInfo: {
          kubeletVersion: "v1.32.4",
          osImage: "Ubuntu 24.04 LTS",
          kernelVersion: "6.8.0-45-generic",
          containerRuntimeVersion: "svcnet://0.1.0",
        },
      },
    },
    mutate,
  );
}

/** An active namespace created nine minutes before NOW (frozen). */
export function makeNamespace(name: string, mutate?: Mutator<Namespace>): Namespace {
  return finish<Namespace>(
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, creationTimestamp: ago({ m: 9 }) },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    },
    mutate,
  );
}

/** The seed's nginx ReplicationController (3 replicas, all ready), created four minutes before NOW (frozen). */
export function makeReplicationController(
  namespace: string,
  name: string,
  mutate?: Mutator<ReplicationController>,
): ReplicationController {
  return finish<ReplicationController>(
    {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { namespace, name, creationTimestamp: ago({ m: 4 }) },
      spec: {
        replicas: 3,
        selector: { app: "nginx" },
        template: {
          metadata: { labels: { app: "nginx" } },
          spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] },
        },
      },
      status: { replicas: 3, readyReplicas: 3, availableReplicas: 3 },
    },
    mutate,
  );
}

/** A core/v1 event about a pod, recorded once two minutes before NOW (frozen). */
export function makeEvent(namespace: string, name: string, mutate?: Mutator<Event>): Event {
  return finish<Event>(
    {
      apiVersion: "v1",
      kind: "Event",
      metadata: { namespace, name, creationTimestamp: ago({ m: 2 }) },
      involvedObject: { kind: "Pod", namespace, name: "nginx-controller-6bovu", apiVersion: "v1" },
      reason: "Scheduled",
      message: "Successfully assigned default/nginx-controller-6bovu to core-v2-01",
      source: { component: "default-scheduler" },
      firstTimestamp: ago({ m: 2 }),
      lastTimestamp: ago({ m: 2 }),
      count: 1,
      type: "Normal",
    },
    mutate,
  );
}

/** A generic object of any other kind (frozen). */
export function makeObject(kind: string, name: string, mutate?: Mutator<KubeObject>): KubeObject {
  return finish<KubeObject>({ apiVersion: "v1", kind, metadata: { name, creationTimestamp: ago({ h: 1 }) } }, mutate);
}

/** The cells of each object printed at NOW. */
export function rowsOf(printer: TablePrinter, objects: readonly KubeObject[]): TableCell[][] {
  return objects.map((o) => printer.cells(o, NOW));
}

/**
 * Lays out a Table as kubectl's human-readable printer does: upper-cased headers, wide
 * (priority > 0) columns only when `wide`, every column but the last padded to its widest
 * cell plus 3 spaces (at least 6), the last column unpadded.
 */
export function renderLikeKubectl(
  columns: readonly TableColumnDefinition[],
  rows: readonly (readonly TableCell[])[],
  options: { wide?: boolean } = {},
): string[] {
  const keep = columns.map((c, i) => (options.wide || c.priority === 0 ? i : -1)).filter((i) => i >= 0);
  const lines = [columns.map((c) => c.name.toUpperCase()), ...rows.map((r) => r.map((c) => (c === null ? "" : String(c))))].map(
    (cells) => keep.map((i) => cells[i] ?? ""),
  );
  const widths = keep.map((_, j) => Math.max(6, ...lines.map((l) => l[j].length + 3)));
  return lines.map((l) => l.map((cell, j) => (j === l.length - 1 ? cell : cell.padEnd(widths[j]))).join(""));
}
