// What a LoadBalancer service's status should say about its addresses, and the Events that go
// with a change: `status.loadBalancer.ingress` ([{ip, ipMode: "VIP"}]), the condition
// CONDITION_ADDRESS_ASSIGNED, and MetalLB's `metallb.io/ip-allocated-from-pool` annotation, which
// also tells a restarted allocator that the ingress addresses are pool addresses (node-IP mode
// addresses are not). Pure: builds a copy to write, never changes the cached object.

import { deepCopy } from "../../api/json.js";
import type { PendingReason } from "../../api/metallb-types.js";
import { CONDITION_ADDRESS_ASSIGNED, METALLB_NAMESPACE } from "../../api/metallb-types.js";
import { rfc3339 } from "../../api/time.js";
import type { Condition, LoadBalancerIngress, Service } from "../../api/types.js";
import { lbAnnotation } from "./lb-service.js";

/** The annotation name (after a MetalLB prefix) naming the pool the ingress addresses came from. */
export const ANNOTATION_ALLOCATED_FROM_POOL = "ip-allocated-from-pool";
/** The key svcnet writes it under (MetalLB's current prefix). */
export const ALLOCATED_FROM_POOL_KEY = `metallb.io/${ANNOTATION_ALLOCATED_FROM_POOL}`;

/** Where the service stands once the allocator has decided. */
export type LoadBalancerOutcome =
  | { kind: "pool"; pool: string; ips: string[] }
  | { kind: "nodes"; ips: string[] }
  | { kind: "pending"; reason: PendingReason; message: string }
  /** Not (or no longer) the allocator's: its ingress, condition and annotation are removed. */
  | { kind: "released" };

export interface PlannedEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

export interface StatusPlan {
  /** The service to write through services/status; undefined when the status already says it. */
  next?: Service;
  /** Events to record once `next` is written. */
  events: PlannedEvent[];
}

/** The addresses as MetalLB's events print them (Go's %q of a list): ["a" "b"]. */
export function quotedList(ips: readonly string[]): string {
  return `[${ips.map((ip) => JSON.stringify(ip)).join(" ")}]`;
}

/** True when the allocator has written this service (its condition or its annotation is there). */
export function carriesAllocatorState(svc: Service): boolean {
  return (svc.status?.conditions ?? []).some((c) => c.type === CONDITION_ADDRESS_ASSIGNED) || lbAnnotation(svc, ANNOTATION_ALLOCATED_FROM_POOL) !== undefined;
}

/** The ingress addresses of a service in pool mode (the annotation names the pool); undefined otherwise. */
export function poolAddressesInStatus(svc: Service): { ips: string[]; pool: string } | undefined {
  const pool = lbAnnotation(svc, ANNOTATION_ALLOCATED_FROM_POOL);
  if (!pool) return undefined;
  const ips = ingressIPs(svc);
  return ips.length > 0 ? { ips, pool: pool.value } : undefined;
}

/** The `ip` of every ingress entry. */
export function ingressIPs(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? "").filter((ip) => ip !== "");
}

function desiredCondition(outcome: LoadBalancerOutcome): Omit<Condition, "lastTransitionTime"> | undefined {
  switch (outcome.kind) {
    case "pool":
      return { type: CONDITION_ADDRESS_ASSIGNED, status: "True", reason: "Assigned", message: `assigned ${outcome.ips.join(", ")} from IPAddressPool "${outcome.pool}"` };
    case "nodes":
      return {
        type: CONDITION_ADDRESS_ASSIGNED,
        status: "True",
        reason: "Assigned",
        message: `no IPAddressPool in ${METALLB_NAMESPACE} admits this service: it is reachable at its nodes' InternalIPs (node-IP mode)`,
      };
    case "pending":
      return { type: CONDITION_ADDRESS_ASSIGNED, status: "False", reason: outcome.reason, message: outcome.message };
    case "released":
      return undefined;
  }
}

function desiredIngress(outcome: LoadBalancerOutcome): LoadBalancerIngress[] {
  return outcome.kind === "pool" || outcome.kind === "nodes" ? outcome.ips.map((ip) => ({ ip, ipMode: "VIP" })) : [];
}

function sameIngress(a: readonly LoadBalancerIngress[], b: readonly LoadBalancerIngress[]): boolean {
  return a.length === b.length && a.every((x, i) => x.ip === b[i].ip && (x.ipMode ?? "VIP") === (b[i].ipMode ?? "VIP") && !x.hostname && !x.ports);
}

/**
 * The status write (if any) and the Events that make `svc` say `outcome`. The condition's
 * lastTransitionTime moves only when its status changes; other conditions are kept; the
 * annotation is set in pool mode and removed otherwise.
 */
export function planStatus(svc: Service, outcome: LoadBalancerOutcome, o: { key: string; now: number }): StatusPlan {
  const ingress = desiredIngress(outcome);
  const cond = desiredCondition(outcome);
  const conditions = svc.status?.conditions ?? [];
  const old = conditions.find((c) => c.type === CONDITION_ADDRESS_ASSIGNED);
  const oldIngress = svc.status?.loadBalancer?.ingress ?? [];
  const poolAnnotation = lbAnnotation(svc, ANNOTATION_ALLOCATED_FROM_POOL);
  const wantPool = outcome.kind === "pool" ? outcome.pool : undefined;

  const ingressSame = sameIngress(oldIngress, ingress);
  const condSame = cond === undefined ? old === undefined : old !== undefined && old.status === cond.status && old.reason === cond.reason && old.message === cond.message;
  const annotationSame = wantPool === undefined ? poolAnnotation === undefined : poolAnnotation?.key === ALLOCATED_FROM_POOL_KEY && poolAnnotation.value === wantPool;
  if (ingressSame && condSame && annotationSame) return { events: [] };

  const next = deepCopy(svc);
  const others = conditions.filter((c) => c.type !== CONDITION_ADDRESS_ASSIGNED).map((c) => deepCopy(c));
  const written: Condition[] = cond ? [{ ...cond, lastTransitionTime: old && old.status === cond.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(o.now) }] : [];
  next.status = { ...next.status, loadBalancer: ingress.length > 0 ? { ingress } : {} };
  if (others.length + written.length > 0) next.status.conditions = [...others, ...written];
  else delete next.status.conditions;
  const annotations = { ...(next.metadata.annotations ?? {}) };
  if (poolAnnotation) delete annotations[poolAnnotation.key];
  if (wantPool !== undefined) annotations[ALLOCATED_FROM_POOL_KEY] = wantPool;
  if (Object.keys(annotations).length > 0) next.metadata.annotations = annotations;
  else delete next.metadata.annotations;

  const events: PlannedEvent[] = [];
  const oldIPs = oldIngress.map((i) => i.ip ?? "");
  const ipsChanged = !(oldIPs.length === ingress.length && ingress.every((i) => oldIPs.includes(i.ip ?? "")));
  if (outcome.kind === "pool" && ipsChanged) events.push({ type: "Normal", reason: "IPAllocated", message: `Assigned IP ${quotedList(outcome.ips)}` });
  if (outcome.kind === "nodes" && ipsChanged) {
    events.push({ type: "Normal", reason: "UpdatedIngressIP", message: `LoadBalancer Ingress IP addresses updated: ${outcome.ips.join(", ")}` });
  }
  if (outcome.kind === "pending" && !condSame) events.push({ type: "Warning", reason: "AllocationFailed", message: `Failed to allocate IP for "${o.key}": ${outcome.message}` });
  return { next, events };
}
