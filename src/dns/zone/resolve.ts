// The cluster DNS answer to one question, decided from the ClusterIndex: the Kubernetes DNS
// specification (schema 1.1.0) plus the CoreDNS `kubernetes` plugin's rules where the
// specification is silent (../shared/reference/dns-env.md §2-3). Pure: no I/O, no clock.
//
// Names under the cluster zone read right to left: `[extra…].<service>.<namespace>.svc.<zone>`
// or `<dashed-ip>.<namespace>.pod.<zone>`; one extra label is an endpoint's hostname, two are
// `_port._protocol`. The reverse zones answer PTR for service and endpoint addresses.
// NXDOMAIN when the name does not exist, NOERROR with no records (NODATA) when it exists without
// records of the asked type; both carry the zone's SOA. Before the first sync a would-be
// NXDOMAIN is SERVFAIL, so clients do not cache a negative answer that may be wrong.

import { formatIP } from "../../allocators/ip.js";
import { Rcode, RRType } from "../wire/dns-constants.js";
import type { ClusterIndex, DnsEndpoint, DnsService } from "./cluster-index.js";
import type { Answer, ResourceRecord } from "./records.js";

export type PodsMode = "disabled" | "insecure" | "verified";

export interface ResolveOptions {
  /** The cluster domain, lower-case, without the final dot. */
  zone: string;
  /** TTL of positive answers, seconds (CoreDNS default 5). */
  ttl: number;
  pods: PodsMode;
  /** Have the watches delivered their first lists? */
  synced: boolean;
  /** The DNS service (`kube-system/kube-dns`): the NS of the zones and `ns.dns.<zone>`. */
  dnsService?: { namespace: string; name: string };
}

/** A CNAME whose target lies outside the cluster zones: the server may look it up upstream. */
export interface Chase {
  target: string;
  qtype: number;
}

export interface Resolution extends Answer {
  chase?: Chase;
}

/** The schema version the `dns-version` TXT record reports. */
export const SCHEMA_VERSION = "1.1.0";
const DNS_VERSION_TTL = 28_800;
const REVERSE_ZONES = ["in-addr.arpa", "ip6.arpa"] as const;

/** Which authoritative zone holds `name`, if any (longest match). */
export function zoneOf(name: string, zone: string): string | undefined {
  for (const z of [zone, ...REVERSE_ZONES]) if (name === z || name.endsWith(`.${z}`)) return z;
  return undefined;
}

export function resolve(index: ClusterIndex, name: string, qtype: number, o: ResolveOptions): Resolution {
  const zone = zoneOf(name, o.zone);
  if (zone === undefined) return { rcode: Rcode.REFUSED, authoritative: false, answer: [], authority: [], additional: [] };
  if (qtype === RRType.AXFR || qtype === RRType.IXFR) return { rcode: Rcode.REFUSED, authoritative: false, answer: [], authority: [], additional: [] };
  const r = new Responder(index, name, qtype, zone, o);
  return zone === o.zone ? r.forward() : r.reverse();
}

class Responder {
  readonly #index: ClusterIndex;
  readonly #name: string;
  readonly #qtype: number;
  readonly #zone: string;
  readonly #o: ResolveOptions;

  constructor(index: ClusterIndex, name: string, qtype: number, zone: string, o: ResolveOptions) {
    this.#index = index;
    this.#name = name;
    this.#qtype = qtype;
    this.#zone = zone;
    this.#o = o;
  }

  // ---- outcomes ----

  #soa(): ResourceRecord {
    const ttl = this.#o.ttl;
    return {
      name: this.#zone,
      ttl: Math.min(ttl, 300),
      type: RRType.SOA,
      soa: { mname: `ns.dns.${this.#zone}`, rname: `hostmaster.${this.#zone}`, serial: this.#index.serial, refresh: 7200, retry: 1800, expire: 86_400, minimum: ttl },
    };
  }

  #nxdomain(): Resolution {
    // Not yet synced: the name may well exist; say so instead of a cacheable "no".
    if (!this.#o.synced) return { rcode: Rcode.SERVFAIL, authoritative: false, answer: [], authority: [], additional: [] };
    return { rcode: Rcode.NXDOMAIN, authoritative: true, answer: [], authority: [this.#soa()], additional: [] };
  }

  #nodata(): Resolution {
    return { rcode: Rcode.NOERROR, authoritative: true, answer: [], authority: [this.#soa()], additional: [] };
  }

  #records(answer: ResourceRecord[], additional: ResourceRecord[] = []): Resolution {
    if (answer.length === 0) return this.#nodata();
    return { rcode: Rcode.NOERROR, authoritative: true, answer, authority: [], additional };
  }

  /** A/AAAA records of `ips` of the family the question asks for, owned by `owner`. */
  #addresses(owner: string, ips: readonly string[], ttl = this.#o.ttl): ResourceRecord[] {
    const out: ResourceRecord[] = [];
    for (const ip of ips) {
      const v6 = ip.includes(":");
      if (this.#qtype === RRType.A && !v6) out.push({ name: owner, ttl, type: RRType.A, address: ip });
      if (this.#qtype === RRType.AAAA && v6) out.push({ name: owner, ttl, type: RRType.AAAA, address: ip });
    }
    return out;
  }

  #glue(owner: string, ips: readonly string[]): ResourceRecord[] {
    return ips.map((ip): ResourceRecord => (ip.includes(":") ? { name: owner, ttl: this.#o.ttl, type: RRType.AAAA, address: ip } : { name: owner, ttl: this.#o.ttl, type: RRType.A, address: ip }));
  }

  // ---- the forward zone ----

  forward(): Resolution {
    const zone = this.#o.zone;
    const rest = this.#name === zone ? [] : this.#name.slice(0, -(zone.length + 1)).split(".");
    if (rest.length === 0) return this.#apex();
    if (rest.length === 1 && rest[0] === "dns-version") {
      if (this.#qtype !== RRType.TXT) return this.#nodata();
      return this.#records([{ name: this.#name, ttl: DNS_VERSION_TTL, type: RRType.TXT, texts: [SCHEMA_VERSION] }]);
    }
    if (rest.length === 2 && rest[0] === "ns" && rest[1] === "dns") return this.#records(this.#addresses(this.#name, this.#dnsServiceIPs()));
    const kind = rest[rest.length - 1];
    if (kind !== "svc" && kind !== "pod") return this.#nxdomain();
    // `svc.<zone>` and `pod.<zone>` exist (they own the namespaces): NODATA.
    if (rest.length === 1) return this.#nodata();
    const namespace = rest[rest.length - 2];
    if (!this.#index.hasNamespace(namespace)) return this.#nxdomain();
    if (rest.length === 2) return this.#nodata();
    return kind === "pod" ? this.#pod(rest.slice(0, -2), namespace) : this.#service(rest.slice(0, -2), namespace);
  }

  #dnsServiceIPs(): string[] {
    const d = this.#o.dnsService;
    const svc = d ? this.#index.service(d.namespace, d.name) : undefined;
    return svc?.clusterIPs ?? [];
  }

  #apex(): Resolution {
    if (this.#qtype === RRType.SOA) return this.#records([this.#soa()]);
    if (this.#qtype === RRType.NS) {
      const d = this.#o.dnsService;
      const ips = this.#dnsServiceIPs();
      // The DNS service's own name when it exists, else CoreDNS' fallback ns.dns.<zone>.
      const target = d && ips.length > 0 ? `${d.name}.${d.namespace}.svc.${this.#o.zone}` : `ns.dns.${this.#o.zone}`;
      return this.#records([{ name: this.#name, ttl: this.#o.ttl, type: RRType.NS, target }], this.#glue(target, ips));
    }
    return this.#nodata();
  }

  #service(extra: string[], namespace: string): Resolution {
    const svcName = extra[extra.length - 1];
    const svc = this.#index.service(namespace, svcName);
    if (!svc) return this.#nxdomain();
    const labels = extra.slice(0, -1);
    const fqdn = `${svc.name}.${svc.namespace}.svc.${this.#o.zone}`;
    if (svc.kind === "externalName") return labels.length === 0 ? this.#externalName(svc) : this.#nxdomain();
    if (labels.length === 0) return this.#serviceName(svc, fqdn);
    if (labels.length === 1) return this.#endpointName(svc, labels[0]);
    if (labels.length === 2) return this.#portName(svc, labels[0], labels[1], fqdn);
    return this.#nxdomain();
  }

  #visible(svc: DnsService): DnsEndpoint[] {
    return this.#index.endpoints(svc).filter((e) => e.ready || svc.publishNotReadyAddresses);
  }

  #serviceName(svc: DnsService, fqdn: string): Resolution {
    if (svc.kind === "headless") {
      const endpoints = this.#visible(svc);
      // The specification's one rcode rule: a headless service without ready endpoints does not exist.
      if (endpoints.length === 0) return this.#nxdomain();
      if (this.#qtype === RRType.SRV) return this.#srv(svc, endpoints, undefined, undefined, fqdn);
      const ips = [...new Set(endpoints.flatMap((e) => e.addresses))];
      return this.#records(this.#addresses(this.#name, ips));
    }
    if (this.#qtype === RRType.SRV) return this.#srv(svc, [], undefined, undefined, fqdn);
    return this.#records(this.#addresses(this.#name, svc.clusterIPs));
  }

  #endpointName(svc: DnsService, label: string): Resolution {
    const matches = this.#visible(svc).filter((e) => e.hostname === label);
    if (matches.length === 0) return this.#nxdomain();
    if (this.#qtype !== RRType.A && this.#qtype !== RRType.AAAA) return this.#nodata();
    return this.#records(this.#addresses(this.#name, [...new Set(matches.flatMap((e) => e.addresses))]));
  }

  #portName(svc: DnsService, portLabel: string, protoLabel: string, fqdn: string): Resolution {
    const port = portLabel.startsWith("_") ? portLabel.slice(1) : portLabel;
    const proto = protoLabel.startsWith("_") ? protoLabel.slice(1) : protoLabel;
    const endpoints = svc.kind === "headless" ? this.#visible(svc) : [];
    const ports = svc.kind === "headless" ? endpoints.flatMap((e) => e.ports) : svc.ports;
    // Only named ports have SRV records; a port of -1 (a slice without ports) has none.
    if (!ports.some((p) => p.name !== "" && p.name === port && p.protocol === proto && p.port >= 0)) return this.#nxdomain();
    if (this.#qtype !== RRType.SRV) return this.#nodata();
    return this.#srv(svc, endpoints, port, proto, fqdn);
  }

  /**
   * SRV records: for a ClusterIP service one per matching port with the service as target; for
   * a headless one one per (ready endpoint × matching port) with the endpoint as target. A bare
   * service name matches every port, named or not. Priority 0, weight ⌊100/n⌋ (at least 1), and
   * the targets' addresses in the additional section.
   */
  #srv(svc: DnsService, endpoints: DnsEndpoint[], port: string | undefined, proto: string | undefined, fqdn: string): Resolution {
    const matches = (p: { name: string; protocol: string; port: number }): boolean =>
      p.port >= 0 && (port === undefined || (p.name !== "" && p.name === port)) && (proto === undefined || p.protocol === proto);
    const entries: { port: number; target: string; ips: string[] }[] = [];
    if (svc.kind === "headless") {
      for (const e of endpoints) {
        for (const p of e.ports) if (matches(p)) entries.push({ port: p.port, target: `${e.hostname}.${fqdn}`, ips: e.addresses });
      }
    } else {
      for (const p of svc.ports) if (matches(p)) entries.push({ port: p.port, target: fqdn, ips: svc.clusterIPs });
    }
    const seen = new Set<string>();
    const unique = entries.filter((e) => {
      const key = `${e.port} ${e.target}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const weight = Math.max(1, Math.floor(100 / Math.max(1, unique.length)));
    const answer: ResourceRecord[] = unique.map((e) => ({ name: this.#name, ttl: this.#o.ttl, type: RRType.SRV, srv: { priority: 0, weight, port: e.port, target: e.target } }));
    const glued = new Set<string>();
    const additional: ResourceRecord[] = [];
    for (const e of unique) {
      if (glued.has(e.target)) continue;
      glued.add(e.target);
      additional.push(...this.#glue(e.target, e.ips));
    }
    return this.#records(answer, additional);
  }

  /**
   * An ExternalName service is a CNAME. For A/AAAA/TXT questions the target's records follow
   * when the target is in the cluster zone; outside it the server may chase it upstream.
   */
  #externalName(svc: DnsService): Resolution {
    const target = svc.externalName ?? "";
    if (this.#qtype === RRType.SRV || target === "") return this.#nodata();
    const cname: ResourceRecord = { name: this.#name, ttl: this.#o.ttl, type: RRType.CNAME, target };
    const result: Resolution = { rcode: Rcode.NOERROR, authoritative: true, answer: [cname], authority: [], additional: [] };
    const chaseable = this.#qtype === RRType.A || this.#qtype === RRType.AAAA || this.#qtype === RRType.TXT;
    if (!chaseable) return result;
    if (zoneOf(target, this.#o.zone) === this.#o.zone) {
      if (target === this.#name) return result;
      const inner = resolve(this.#index, target, this.#qtype, this.#o);
      // A chain stops at the first CNAME: no loops, no long chains.
      result.answer.push(...inner.answer.filter((r) => r.type !== RRType.CNAME));
      return result;
    }
    return { ...result, chase: { target, qtype: this.#qtype } };
  }

  #pod(extra: string[], namespace: string): Resolution {
    if (this.#o.pods === "disabled" || extra.length !== 1) return this.#nxdomain();
    const ip = podNameIP(extra[0]);
    if (ip === undefined) return this.#nxdomain();
    if (this.#o.pods === "verified" && !this.#index.hasPodIP(namespace, ip)) return this.#nxdomain();
    return this.#records(this.#addresses(this.#name, [ip]));
  }

  // ---- the reverse zones ----

  reverse(): Resolution {
    if (this.#name === this.#zone) return this.#qtype === RRType.SOA ? this.#records([this.#soa()]) : this.#nodata();
    const ip = reverseNameIP(this.#name);
    if (ip === undefined) return this.#nxdomain();
    const targets = this.#index.reverse(ip);
    if (targets.length === 0) return this.#nxdomain();
    if (this.#qtype !== RRType.PTR) return this.#nodata();
    return this.#records(targets.map((t) => ({ name: this.#name, ttl: this.#o.ttl, type: RRType.PTR, target: `${t}.${this.#o.zone}` })));
  }
}

/**
 * The address in a pod name: `10-1-13-2` (exactly three dashes) is IPv4, otherwise dashes are
 * colons of an IPv6 address (`2001-db8--1`). Undefined when it is not an address.
 */
export function podNameIP(label: string): string | undefined {
  const dashes = label.split("-").length - 1;
  if (dashes === 3 && !label.includes("--")) {
    const parts = label.split("-");
    if (parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && String(Number(p)) === p)) return parts.join(".");
    return undefined;
  }
  const text = label.replaceAll("-", ":");
  if (!/^[0-9a-f:]+$/.test(text)) return undefined;
  const parsed = parseV6(text);
  return parsed;
}

function parseV6(text: string): string | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const tail = halves.length === 2 ? (halves[1] === "" ? [] : halves[1].split(":")) : [];
  const groups = halves.length === 2 ? [...head, ...Array<string>(8 - head.length - tail.length).fill("0"), ...tail] : head;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(Number.parseInt(g, 16));
  return formatIP({ family: "IPv6", value });
}

/** The address a reverse name stands for (`4.3.2.1.in-addr.arpa` → 1.2.3.4), if it is a whole one. */
export function reverseNameIP(name: string): string | undefined {
  if (name.endsWith(".in-addr.arpa")) {
    const labels = name.slice(0, -".in-addr.arpa".length).split(".");
    if (labels.length !== 4 || !labels.every((l) => /^\d{1,3}$/.test(l) && Number(l) <= 255 && String(Number(l)) === l)) return undefined;
    return labels.reverse().join(".");
  }
  if (name.endsWith(".ip6.arpa")) {
    const nibbles = name.slice(0, -".ip6.arpa".length).split(".");
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    let value = 0n;
    for (const n of nibbles.reverse()) value = (value << 4n) | BigInt(Number.parseInt(n, 16));
    return formatIP({ family: "IPv6", value });
  }
  return undefined;
}
