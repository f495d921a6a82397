// Shapes shared by the pod DNS modules. PodSpec in api/types.ts does not spell out the
// DNS fields, so they are narrowed from the raw spec here.

import type { Pod } from "../../api/types.js";

/** A resolver configuration as kubelet hands it to the runtime (CRI DNSConfig). */
export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

/** `pod.spec.dnsConfig`. */
export interface PodDnsConfig {
  nameservers?: string[];
  searches?: string[];
  options?: { name: string; value?: string }[];
}

/** `pod.spec.hostAliases[]`. */
export interface HostAlias {
  ip: string;
  hostnames?: string[];
}

/** `pod.spec.dnsPolicy`; the API server defaults it to ClusterFirst. */
export type DnsPolicy = "ClusterFirst" | "ClusterFirstWithHostNet" | "Default" | "None";

/** The pod's dnsPolicy, `ClusterFirst` when unset or not a known value. */
export function dnsPolicyOf(pod: Pod): DnsPolicy {
  const p = pod.spec["dnsPolicy"];
  return p === "ClusterFirstWithHostNet" || p === "Default" || p === "None" ? p : "ClusterFirst";
}

/** True for `spec.hostNetwork: true`. */
export function isHostNetwork(pod: Pod): boolean {
  return pod.spec["hostNetwork"] === true;
}

/** The pod's dnsConfig with malformed parts dropped, or undefined when absent. */
export function podDnsConfigOf(pod: Pod): PodDnsConfig | undefined {
  const raw = pod.spec["dnsConfig"];
  if (!isRecord(raw)) return undefined;
  const options: { name: string; value?: string }[] = [];
  for (const o of Array.isArray(raw["options"]) ? raw["options"] : []) {
    if (!isRecord(o) || typeof o["name"] !== "string") continue;
    options.push(typeof o["value"] === "string" ? { name: o["name"], value: o["value"] } : { name: o["name"] });
  }
  return { nameservers: strings(raw["nameservers"]), searches: strings(raw["searches"]), options };
}

/** The pod's hostAliases with malformed entries dropped. */
export function hostAliasesOf(pod: Pod): HostAlias[] {
  const raw = pod.spec["hostAliases"];
  if (!Array.isArray(raw)) return [];
  const out: HostAlias[] = [];
  for (const a of raw) {
    if (isRecord(a) && typeof a["ip"] === "string") out.push({ ip: a["ip"], hostnames: strings(a["hostnames"]) });
  }
  return out;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
