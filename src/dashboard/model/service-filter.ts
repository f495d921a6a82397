// Which services the page lists and draws for what the user typed: every word must occur in the
// service's namespace/name, type or one of its addresses (ClusterIP, external IPs, LoadBalancer
// ingress, NodePorts). Services with endpoints come first, then by namespace/name. Pure and linear:
// it runs on every keystroke over all services (1,000 and more).

import type { Endpoints, Service } from "../../api/types.js";
import { objectKey } from "./cluster-state.js";

/** The text a service is searched by, lower-case. */
export function searchText(svc: Service): string {
  const spec = svc.spec ?? {};
  const parts = [
    objectKey(svc),
    spec.type ?? "ClusterIP",
    ...(spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])),
    ...(spec.externalIPs ?? []),
    ...(svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? ""),
    ...(spec.ports ?? []).flatMap((p) => [String(p.port), ...(p.nodePort ? [String(p.nodePort)] : []), p.name ?? ""]),
  ];
  return parts.join(" ").toLowerCase();
}

export function matchesQuery(text: string, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((w) => text.includes(w));
}

function hasEndpoints(e: Endpoints | undefined): boolean {
  return (e?.subsets ?? []).some((s) => (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0) > 0);
}

/** The services matching `query`, those with endpoints first, then by key. */
export function filterServices(services: ReadonlyMap<string, Service>, endpoints: ReadonlyMap<string, Endpoints>, query: string): Service[] {
  const out: { svc: Service; key: string; ep: boolean }[] = [];
  for (const [key, svc] of services) {
    if (query.trim() !== "" && !matchesQuery(searchText(svc), query)) continue;
    out.push({ svc, key, ep: hasEndpoints(endpoints.get(key)) });
  }
  out.sort((a, b) => (a.ep === b.ep ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.ep ? -1 : 1));
  return out.map((o) => o.svc);
}
