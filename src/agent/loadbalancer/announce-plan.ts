// The layer-2 announce plan of one node: from the cluster as the speaker's caches see it, which
// LoadBalancer addresses this node must hold now, and for every LoadBalancer service why it is or
// is not announced here. MetalLB's layer-2 rules:
// - the addresses are the service's status.loadBalancer.ingress IPs whose ipMode is VIP or unset
//   (Proxy-mode and hostname entries belong to something else); services of another
//   loadBalancerClass are left alone;
// - they must all lie in one IPAddressPool (an address outside every pool, such as a node
//   address in node-IP mode, is never announced) and an L2Advertisement must announce that pool;
// - a service with no serving endpoint at all is not announced;
// - the eligible nodes are those with a live speaker, Ready, without NetworkUnavailable, not
//   labelled node.kubernetes.io/exclude-from-external-load-balancers, and admitted by one of the
//   pool's advertisements; with externalTrafficPolicy Local only those among them that run a
//   serving endpoint of the service;
// - the owner is elected among them over the service's first address (speaker-election.ts), and
//   owns all of the service's addresses.
// Pure: every agent computes the same plan from the same objects.

import type { ParsedIP } from "../../allocators/ip.js";
import { formatIP, parseIP } from "../../allocators/ip.js";
import type { IPAddressPool, L2Advertisement } from "../../api/metallb-types.js";
import type { EndpointSlice, Node, Service } from "../../api/types.js";
import { admitsNode, advertisementsFor, poolHolding } from "./l2-advertisement-scope.js";
import { electionOrder } from "./speaker-election.js";

/** Nodes carrying this label never announce LoadBalancer addresses. */
export const EXCLUDE_FROM_LB_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";
/** The EndpointSlice label naming its service. */
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

export interface AnnouncePlanInput {
  /** The node the plan is for. */
  node: string;
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
  nodes: readonly Node[];
  pools: readonly IPAddressPool[];
  advertisements: readonly L2Advertisement[];
  /** Nodes whose speaker Lease is live (speaker-liveness.ts). */
  liveSpeakers: ReadonlySet<string>;
  /** The loadBalancerClass served besides "no class"; default none (only classless services). */
  loadBalancerClass?: string;
}

/** Why a service is or is not announced from the node the plan is for. */
export type AnnounceReason =
  /** This node is elected: it holds the addresses. */
  | "owner"
  /** Another eligible node is elected. */
  | "otherNode"
  /** Its loadBalancerClass is another implementation's. */
  | "otherClass"
  /** No ingress IP with ipMode VIP (or unset) yet. */
  | "noAddress"
  | "invalidAddress"
  /** Its addresses are not all in one pool. */
  | "notInPool"
  /** No L2Advertisement announces its pool. */
  | "notAdvertised"
  | "noServingEndpoints"
  | "noEligibleNode";

/** The plan's verdict on one LoadBalancer service. */
export interface ServiceDecision {
  /** "namespace/name". */
  service: string;
  /** Its VIP addresses in canonical form, in ingress order. */
  addresses: string[];
  pool?: string;
  /** The eligible nodes in election order (the owner first). */
  candidates: string[];
  owner?: string;
  reason: AnnounceReason;
  /** One line for logs and test failures. */
  message: string;
}

/** An address the node must hold, and why. */
export interface OwnedAddress {
  /** Canonical text. */
  address: string;
  family: ParsedIP["family"];
  /** The services ("namespace/name") it is held for; several when they share the address. */
  services: string[];
  /** One line: the pool and the election that gave it to this node. */
  reason: string;
}

export interface AnnouncePlan {
  /** One entry per LoadBalancer service, sorted by key. */
  decisions: ServiceDecision[];
  /** What this node must hold, sorted (IPv4 first, then by value). */
  owned: OwnedAddress[];
}

/** Computes the plan. Objects are only read. */
export function announcePlan(input: AnnouncePlanInput): AnnouncePlan {
  const slices = slicesByService(input.endpointSlices);
  const decisions: ServiceDecision[] = [];
  const owned = new Map<string, { ip: ParsedIP; services: string[]; reasons: string[] }>();
  const services = input.services.filter((s) => s.spec?.type === "LoadBalancer");
  services.sort((a, b) => compare(serviceKey(a), serviceKey(b)));
  for (const svc of services) {
    const d = decide(svc, slices.get(serviceKey(svc)) ?? [], input);
    decisions.push(d.decision);
    if (d.decision.reason !== "owner") continue;
    for (const ip of d.ips) {
      const address = formatIP(ip);
      const entry = owned.get(address) ?? { ip, services: [], reasons: [] };
      entry.services.push(d.decision.service);
      entry.reasons.push(d.decision.message);
      owned.set(address, entry);
    }
  }
  const ownedList = [...owned.entries()]
    .sort(([, a], [, b]) => compareIP(a.ip, b.ip))
    .map(([address, e]) => ({ address, family: e.ip.family, services: e.services, reason: e.reasons.join("; ") }));
  return { decisions, owned: ownedList };
}

function decide(svc: Service, slices: readonly EndpointSlice[], input: AnnouncePlanInput): { decision: ServiceDecision; ips: ParsedIP[] } {
  const service = serviceKey(svc);
  const verdict = (reason: AnnounceReason, message: string, extra: Partial<ServiceDecision> = {}, ips: ParsedIP[] = []): { decision: ServiceDecision; ips: ParsedIP[] } => ({
    decision: { service, addresses: ips.map(formatIP), candidates: [], reason, message: `${service}: ${message}`, ...extra },
    ips,
  });
  const cls = svc.spec.loadBalancerClass;
  if (cls !== undefined && cls !== input.loadBalancerClass) return verdict("otherClass", `loadBalancerClass ${JSON.stringify(cls)} is not served here`);
  const texts = (svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ip && (i.ipMode === undefined || i.ipMode === "VIP")).map((i) => i.ip as string);
  if (texts.length === 0) return verdict("noAddress", "no ingress IP with ipMode VIP");
  const ips: ParsedIP[] = [];
  for (const text of texts) {
    const ip = parseIP(text);
    if (!ip) return verdict("invalidAddress", `ingress IP ${JSON.stringify(text)} is not an IP address`);
    ips.push(ip);
  }
  const addresses = ips.map(formatIP);
  const pool = poolHolding(input.pools, ips);
  if (!pool) return verdict("notInPool", `${addresses.join(", ")} not in any one IPAddressPool`, {}, ips);
  const poolName = pool.metadata.name ?? "";
  const ads = advertisementsFor(pool, input.advertisements);
  if (ads.length === 0) return verdict("notAdvertised", `no L2Advertisement announces pool ${poolName}`, { pool: poolName }, ips);
  const serving = servingNodes(slices);
  if (!serving.any) return verdict("noServingEndpoints", "no serving endpoint", { pool: poolName }, ips);
  const local = svc.spec.externalTrafficPolicy === "Local";
  const eligible = input.nodes
    .filter((n) => nodeCanAnnounce(n, input.liveSpeakers) && ads.some((ad) => admitsNode(ad, n)))
    .map((n) => n.metadata.name ?? "")
    .filter((name) => !local || serving.nodes.has(name));
  const candidates = electionOrder(addresses[0], eligible);
  const owner = candidates[0];
  const scope = `pool ${poolName}, ${candidates.length} eligible node${candidates.length === 1 ? "" : "s"}${local ? " with a local endpoint" : ""}`;
  if (owner === undefined) return verdict("noEligibleNode", `no eligible node (${scope})`, { pool: poolName }, ips);
  if (owner !== input.node) return verdict("otherNode", `announced by ${owner} (${scope})`, { pool: poolName, candidates, owner }, ips);
  return verdict("owner", `elected among ${scope}`, { pool: poolName, candidates, owner }, ips);
}

/** Live speaker, Ready, network available, not excluded from load balancers. */
function nodeCanAnnounce(node: Node, live: ReadonlySet<string>): boolean {
  const name = node.metadata.name ?? "";
  if (!live.has(name)) return false;
  if (node.metadata.labels && Object.hasOwn(node.metadata.labels, EXCLUDE_FROM_LB_LABEL)) return false;
  const conditions = node.status?.conditions ?? [];
  if (conditions.find((c) => c.type === "Ready")?.status !== "True") return false;
  return conditions.find((c) => c.type === "NetworkUnavailable")?.status !== "True";
}

/** Whether any endpoint can serve (ready, or serving while terminating), and on which nodes. */
function servingNodes(slices: readonly EndpointSlice[]): { any: boolean; nodes: Set<string> } {
  const nodes = new Set<string>();
  let any = false;
  for (const slice of slices) {
    for (const ep of slice.endpoints ?? []) {
      const c = ep.conditions ?? {};
      if (!(c.ready === undefined || c.ready || c.serving === true)) continue;
      any = true;
      if (ep.nodeName) nodes.add(ep.nodeName);
    }
  }
  return { any, nodes };
}

function slicesByService(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const name = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!name) continue;
    const key = `${s.metadata.namespace ?? ""}/${name}`;
    const list = out.get(key) ?? [];
    list.push(s);
    out.set(key, list);
  }
  return out;
}

function serviceKey(svc: Service): string {
  return `${svc.metadata.namespace ?? ""}/${svc.metadata.name ?? ""}`;
}

function compareIP(a: ParsedIP, b: ParsedIP): number {
  if (a.family !== b.family) return a.family === "IPv4" ? -1 : 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
