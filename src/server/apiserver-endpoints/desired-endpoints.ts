// What the `kubernetes` service's Endpoints and EndpointSlices should say for a set of live API
// servers, and which writes turn what is stored into that. Pure.
//
// Kubernetes requires every API server to use the same secure port and lists them as one
// subset / one EndpointSlice "kubernetes". svcnet allows servers on different ports (tests run
// several on one host): the Endpoints get one subset per port, and the slices one per (address
// family, port) — "kubernetes" for the first group in order (IPv4 before IPv6, lower port
// first), "kubernetes-<port>" / "kubernetes-ipv6-<port>" for the others. Each port is named
// "https", the name of the service's only port, so a proxy sends each address to its own port.
//
// An empty set of servers yields nothing to write: like kube-apiserver, the last server to stop
// leaves its address behind rather than erase every endpoint.

import { isDeepStrictEqual } from "node:util";
import { isIPv6 } from "node:net";
import type { EndpointSlice, Endpoints, EndpointSubset } from "../../api/types.js";
import type { ApiServerEndpoint } from "./apiserver-lease.js";
import { compareEndpoints } from "./apiserver-lease.js";

/** The `kubernetes` service's name and namespace. */
export const KUBERNETES_SERVICE_NAME = "kubernetes";
export const KUBERNETES_SERVICE_NAMESPACE = "default";
/** Labels of the Endpoints (not mirrored: we write the slices ourselves) and of each slice. */
export const KUBERNETES_ENDPOINTS_LABELS: Readonly<Record<string, string>> = { "endpointslice.kubernetes.io/skip-mirror": "true" };
export const KUBERNETES_SLICE_LABELS: Readonly<Record<string, string>> = { "kubernetes.io/service-name": KUBERNETES_SERVICE_NAME };
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

/** The objects to store: one Endpoints and one or more slices. */
export interface DesiredKubernetesEndpoints {
  endpoints: Endpoints;
  slices: EndpointSlice[];
}

function httpsPort(port: number): { name: string; port: number; protocol: "TCP" } {
  return { name: "https", port, protocol: "TCP" };
}

/** The desired Endpoints and slices for `servers` (any order, repeats ignored); undefined when empty. */
export function desiredKubernetesEndpoints(servers: readonly ApiServerEndpoint[]): DesiredKubernetesEndpoints | undefined {
  const sorted = [...servers].sort(compareEndpoints).filter((s, i, all) => i === 0 || compareEndpoints(all[i - 1], s) !== 0);
  if (!sorted.length) return undefined;

  const byPort = new Map<number, string[]>();
  for (const s of [...sorted].sort((a, b) => a.port - b.port || compareEndpoints(a, b))) {
    const ips = byPort.get(s.port) ?? [];
    if (!ips.includes(s.ip)) ips.push(s.ip);
    byPort.set(s.port, ips);
  }
  const subsets: EndpointSubset[] = [...byPort].map(([port, ips]) => ({ addresses: ips.map((ip) => ({ ip })), ports: [httpsPort(port)] }));

  const groups = new Map<string, { family: "IPv4" | "IPv6"; port: number; ips: string[] }>();
  for (const s of sorted) {
    const family = isIPv6(s.ip) ? "IPv6" : "IPv4";
    const key = `${family}/${s.port}`;
    const g = groups.get(key) ?? { family, port: s.port, ips: [] };
    g.ips.push(s.ip);
    groups.set(key, g);
  }
  const ordered = [...groups.values()].sort((a, b) => (a.family === b.family ? a.port - b.port : a.family === "IPv4" ? -1 : 1));
  const slices = ordered.map((g, i): EndpointSlice => ({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: i === 0 ? KUBERNETES_SERVICE_NAME : sliceName(g.family, g.port), namespace: KUBERNETES_SERVICE_NAMESPACE, labels: { ...KUBERNETES_SLICE_LABELS } },
    addressType: g.family,
    endpoints: g.ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [httpsPort(g.port)],
  }));

  const endpoints: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: KUBERNETES_SERVICE_NAME, namespace: KUBERNETES_SERVICE_NAMESPACE, labels: { ...KUBERNETES_ENDPOINTS_LABELS } },
    subsets,
  };
  return { endpoints, slices };
}

function sliceName(family: "IPv4" | "IPv6", port: number): string {
  return family === "IPv4" ? `${KUBERNETES_SERVICE_NAME}-${port}` : `${KUBERNETES_SERVICE_NAME}-ipv6-${port}`;
}

/** True when a stored slice is one this reconciler writes (and so may delete). */
export function isApiServerSlice(slice: EndpointSlice): boolean {
  const name = slice.metadata.name ?? "";
  return (
    slice.metadata.namespace === KUBERNETES_SERVICE_NAMESPACE &&
    slice.metadata.labels?.[SERVICE_NAME_LABEL] === KUBERNETES_SERVICE_NAME &&
    slice.metadata.labels[MANAGED_BY_LABEL] === undefined &&
    (name === KUBERNETES_SERVICE_NAME || name.startsWith(`${KUBERNETES_SERVICE_NAME}-`))
  );
}

/** The writes that bring the stored objects to the desired ones; empty lists mean nothing to do. */
export interface EndpointWrites {
  /** Endpoints to create or replace (undefined: already as desired). */
  endpoints: Endpoints | undefined;
  /** Slices to create or replace. */
  putSlices: EndpointSlice[];
  /** Names of stored slices of ours that are no longer desired. */
  deleteSlices: string[];
}

function hasLabels(have: Record<string, string> | undefined, want: Record<string, string> | undefined): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => have?.[k] === v);
}

function sameSlice(a: EndpointSlice, b: EndpointSlice): boolean {
  return (
    a.addressType === b.addressType &&
    isDeepStrictEqual(a.endpoints ?? [], b.endpoints ?? []) &&
    isDeepStrictEqual(a.ports ?? [], b.ports ?? []) &&
    hasLabels(a.metadata.labels, b.metadata.labels)
  );
}

/** Compares what is stored (`endpoints` absent when there is none) with `desired`. */
export function planEndpointWrites(desired: DesiredKubernetesEndpoints, stored: { endpoints: Endpoints | undefined; slices: readonly EndpointSlice[] }): EndpointWrites {
  const e = stored.endpoints;
  const endpointsOk = e !== undefined && isDeepStrictEqual(e.subsets ?? [], desired.endpoints.subsets) && hasLabels(e.metadata.labels, desired.endpoints.metadata.labels);
  const byName = new Map(stored.slices.filter(isApiServerSlice).map((s) => [s.metadata.name ?? "", s]));
  const putSlices = desired.slices.filter((d) => {
    const s = byName.get(d.metadata.name ?? "");
    return !s || !sameSlice(s, d);
  });
  const wanted = new Set(desired.slices.map((d) => d.metadata.name));
  const deleteSlices = [...byName.keys()].filter((n) => !wanted.has(n)).sort();
  return { endpoints: endpointsOk ? undefined : desired.endpoints, putSlices, deleteSlices };
}
