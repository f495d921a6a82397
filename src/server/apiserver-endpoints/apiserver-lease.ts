// The Lease each API server holds for its advertised address, and which servers are alive
// according to those Leases. Pure.
//
// kube-apiserver's default endpoint reconciler ("lease") keeps one etcd key per server,
// /masterleases/<ip>, with an etcd TTL of 15 s, rewritten every 10 s. svcnet's Store has no
// TTLs (SQLite has none), so each server instead keeps a coordination.k8s.io/v1 Lease in
// kube-system — named and labelled like Kubernetes' API server identity Leases
// (`apiserver-<hash of the server's identity>`, label apiserver.kubernetes.io/identity=
// kube-apiserver) — whose holderIdentity is its advertised "ip:port". The identity should
// outlive restarts (svcnet: host name and data dir), so that a server restarted on another
// port replaces its own entry at once instead of leaving the old one until it expires; by
// default it is the "ip:port" itself. A Lease keeps its server in the `kubernetes`
// endpoints while renewTime + leaseDurationSeconds lies in the future by the reader's clock
// (as Kubernetes' apiserver lease garbage collector judges them): servers must keep their
// clocks in step to well under the 5 s between renewal and expiry.

import { createHash } from "node:crypto";
import { isIPv6 } from "node:net";
import { microTime, parseTime } from "../../api/time.js";
import type { Lease } from "../../api/types.js";

/** Where the API servers' Leases live. */
export const APISERVER_LEASE_NAMESPACE = "kube-system";
/** The label (and value) every API server Lease carries. */
export const APISERVER_IDENTITY_LABEL = "apiserver.kubernetes.io/identity";
export const APISERVER_IDENTITY_VALUE = "kube-apiserver";
/** How long a Lease keeps its server listed after its last renewal (kube-apiserver: 15 s). */
export const APISERVER_LEASE_DURATION_SECONDS = 15;
/** How often a server renews its Lease and reconciles the endpoints (kube-apiserver: 10 s). */
export const APISERVER_RENEW_INTERVAL_MS = 10_000;

/** Where one API server answers: its advertised address and secure port. */
export interface ApiServerEndpoint {
  ip: string;
  port: number;
}

/** "10.0.0.5:6443", "[fd00::5]:6443": the holderIdentity of a server's Lease. */
export function formatEndpoint(ep: ApiServerEndpoint): string {
  return isIPv6(ep.ip) ? `[${ep.ip}]:${ep.port}` : `${ep.ip}:${ep.port}`;
}

/** The inverse of formatEndpoint; undefined for anything else. */
export function parseEndpoint(s: string | undefined): ApiServerEndpoint | undefined {
  const m = s === undefined ? null : /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const ip = m[1] ?? m[2];
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  if (m[1] !== undefined ? !isIPv6(ip) : !/^(\d{1,3})(\.\d{1,3}){3}$/.test(ip) || ip.split(".").some((o) => Number(o) > 255)) return undefined;
  return { ip, port };
}

/** The name of the Lease of the server with `identity`: "apiserver-" and 16 hex digits of a SHA-256. */
export function apiServerLeaseName(identity: string): string {
  return `apiserver-${createHash("sha256").update(identity).digest("hex").slice(0, 16)}`;
}

const leaseNamePattern = /^apiserver-[0-9a-f]{16}$/;

/** Options of apiServerLease. */
export interface ApiServerLeaseOptions {
  /** Names the Lease; default formatEndpoint(ep). */
  identity?: string;
  /** Default APISERVER_LEASE_DURATION_SECONDS. */
  durationSeconds?: number;
}

/** The Lease of the server at `ep`, renewed at `now` (epoch ms). */
export function apiServerLease(ep: ApiServerEndpoint, now: number, options: ApiServerLeaseOptions = {}): Lease {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name: apiServerLeaseName(options.identity ?? formatEndpoint(ep)),
      namespace: APISERVER_LEASE_NAMESPACE,
      labels: { [APISERVER_IDENTITY_LABEL]: APISERVER_IDENTITY_VALUE },
    },
    spec: { holderIdentity: formatEndpoint(ep), leaseDurationSeconds: options.durationSeconds ?? APISERVER_LEASE_DURATION_SECONDS, renewTime: microTime(now) },
  };
}

/**
 * The server a Lease keeps listed and until when (epoch ms, exclusive); undefined when it is
 * not an API server Lease: wrong namespace or label, a name not made by apiServerLeaseName, a
 * holder that is not "ip:port", no renewTime or no positive duration.
 */
export function apiServerLeaseExpiry(lease: Lease): { endpoint: ApiServerEndpoint; expiresAt: number } | undefined {
  if (lease.metadata.namespace !== APISERVER_LEASE_NAMESPACE) return undefined;
  if (lease.metadata.labels?.[APISERVER_IDENTITY_LABEL] !== APISERVER_IDENTITY_VALUE) return undefined;
  const endpoint = parseEndpoint(lease.spec?.holderIdentity);
  if (!endpoint || !leaseNamePattern.test(lease.metadata.name ?? "")) return undefined;
  const renewed = parseTime(lease.spec?.renewTime);
  const seconds = lease.spec?.leaseDurationSeconds;
  if (renewed === undefined || seconds === undefined || !(seconds > 0)) return undefined;
  return { endpoint, expiresAt: renewed + seconds * 1000 };
}

/** Orders endpoints by family (IPv4 first), then address bytes, then port. */
export function compareEndpoints(a: ApiServerEndpoint, b: ApiServerEndpoint): number {
  const fa = isIPv6(a.ip) ? 1 : 0;
  const fb = isIPv6(b.ip) ? 1 : 0;
  if (fa !== fb) return fa - fb;
  const ka = addressKey(a.ip);
  const kb = addressKey(b.ip);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.port - b.port;
}

/** A string that sorts like the address's bytes. */
function addressKey(ip: string): string {
  if (!isIPv6(ip)) return ip.split(".").map((o) => o.padStart(3, "0")).join(".");
  const [head, tail = ""] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return groups.map((g) => g.toLowerCase().padStart(4, "0")).join(":");
}

/**
 * The Leases to delete at `now`: API server Leases that expired at least one further lease
 * duration ago (as Kubernetes' apiserver lease garbage collector does for identity Leases; the
 * extra duration tolerates some clock skew — a server whose Lease was deleted by mistake
 * recreates it at its next renewal).
 */
export function staleApiServerLeases(leases: Iterable<Lease>, now: number): Lease[] {
  return [...leases].filter((lease) => {
    const e = apiServerLeaseExpiry(lease);
    const seconds = lease.spec?.leaseDurationSeconds ?? 0;
    return e !== undefined && e.expiresAt + seconds * 1000 <= now;
  });
}

/** The servers alive at `now` (epoch ms) according to `leases`, sorted and without repeats. */
export function liveApiServers(leases: Iterable<Lease>, now: number): ApiServerEndpoint[] {
  const live = new Map<string, ApiServerEndpoint>();
  for (const lease of leases) {
    const e = apiServerLeaseExpiry(lease);
    if (e && e.expiresAt > now) live.set(formatEndpoint(e.endpoint), e.endpoint);
  }
  return [...live.values()].sort(compareEndpoints);
}
