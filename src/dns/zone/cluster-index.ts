// What the cluster DNS knows of the cluster, indexed the way queries arrive: namespaces,
// services by namespace/name, each service's endpoints (from its EndpointSlices) and, for
// `pods verified`, pod IPs by namespace. Fed object by object from watches (set/delete),
// read by the resolver. Names are kept lower-case: every DNS comparison is case-insensitive.
// Every change bumps `generation` (response caches key on it) and `serial` (the SOA serial:
// the time of the last change, in seconds, as CoreDNS reports it).

import { formatIP, parseIP } from "../../allocators/ip.js";
import type { EndpointSlice, Namespace, Pod, Service } from "../../api/types.js";

/** An address in canonical text (IPv6 compressed, lower-case), as reverse lookups produce it. */
export function canonicalIP(text: string): string {
  const parsed = parseIP(text);
  return parsed ? formatIP(parsed) : text.toLowerCase();
}

/** A service port as DNS sees it (a name of "" is an unnamed port: no SRV of its own). */
export interface DnsPort {
  name: string;
  protocol: string;
  port: number;
}

export type DnsServiceKind = "clusterIP" | "headless" | "externalName";

/** A service as DNS sees it. */
export interface DnsService {
  namespace: string;
  name: string;
  kind: DnsServiceKind;
  /** ClusterIPs (both families when dual-stack); empty for headless and ExternalName. */
  clusterIPs: string[];
  ports: DnsPort[];
  /** The CNAME target of an ExternalName service, lower-case, without the final dot. */
  externalName?: string;
  publishNotReadyAddresses: boolean;
}

/** One endpoint of a service with the name DNS gives it (its hostname, else its dashed IP). */
export interface DnsEndpoint {
  addresses: string[];
  ready: boolean;
  /** spec'd hostname, or the dashed IP of its first address (CoreDNS' generated name). */
  hostname: string;
  /** Ports of the slice the endpoint came from. */
  ports: DnsPort[];
}

interface SliceEntry {
  serviceKey: string;
  endpoints: DnsEndpoint[];
}

/** The name CoreDNS gives an endpoint without a hostname: its IP with "." and ":" as "-". */
export function dashedIP(ip: string): string {
  const dashed = ip.replaceAll(".", "-").replaceAll(":", "-").toLowerCase();
  return dashed.endsWith("-") ? `${dashed}0` : dashed;
}

const keyOf = (namespace: string, name: string): string => `${namespace.toLowerCase()}/${name.toLowerCase()}`;

/** The DNS view of a Service object. */
export function dnsService(svc: Service): DnsService {
  const spec = svc.spec ?? {};
  const namespace = (svc.metadata.namespace ?? "default").toLowerCase();
  const name = (svc.metadata.name ?? "").toLowerCase();
  const ports = (spec.ports ?? []).map((p) => ({ name: (p.name ?? "").toLowerCase(), protocol: (p.protocol ?? "TCP").toLowerCase(), port: p.port }));
  const base = { namespace, name, ports, publishNotReadyAddresses: spec.publishNotReadyAddresses === true };
  if (spec.type === "ExternalName") {
    return { ...base, kind: "externalName", clusterIPs: [], externalName: (spec.externalName ?? "").toLowerCase().replace(/\.$/, "") };
  }
  const ips = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => ip !== "" && ip !== "None");
  return { ...base, kind: ips.length === 0 ? "headless" : "clusterIP", clusterIPs: ips.map(canonicalIP) };
}

/** The DNS view of an EndpointSlice's endpoints (FQDN slices carry no addresses DNS serves). */
export function dnsEndpoints(slice: EndpointSlice): DnsEndpoint[] {
  if (slice.addressType === "FQDN") return [];
  const ports = (slice.ports ?? []).map((p) => ({ name: (p.name ?? "").toLowerCase(), protocol: (p.protocol ?? "TCP").toLowerCase(), port: p.port ?? -1 }));
  return (slice.endpoints ?? [])
    .filter((e) => e.addresses.length > 0)
    .map((e) => ({
      addresses: e.addresses.map(canonicalIP),
      // A missing ready condition counts as ready (the EndpointSlice API's rule).
      ready: e.conditions?.ready !== false,
      hostname: e.hostname ? e.hostname.toLowerCase() : dashedIP(e.addresses[0]),
      ports,
    }));
}

export class ClusterIndex {
  readonly #namespaces = new Set<string>();
  readonly #services = new Map<string, DnsService>();
  readonly #slices = new Map<string, SliceEntry>();
  readonly #slicesByService = new Map<string, Set<string>>();
  readonly #podIPs = new Map<string, Set<string>>();
  #reverse: Map<string, string[]> | undefined;
  /** Bumped on every change. */
  generation = 0;
  /** Seconds since the epoch of the last change (the SOA serial). */
  serial: number;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.serial = Math.floor(now() / 1000);
  }

  #changed(): void {
    this.generation++;
    this.serial = Math.floor(this.#now() / 1000);
    this.#reverse = undefined;
  }

  setNamespace(ns: Namespace): void {
    const name = (ns.metadata.name ?? "").toLowerCase();
    if (this.#namespaces.has(name)) return;
    this.#namespaces.add(name);
    this.#changed();
  }

  deleteNamespace(name: string): void {
    if (this.#namespaces.delete(name.toLowerCase())) this.#changed();
  }

  setService(svc: Service): void {
    const s = dnsService(svc);
    this.#services.set(keyOf(s.namespace, s.name), s);
    this.#changed();
  }

  deleteService(namespace: string, name: string): void {
    if (this.#services.delete(keyOf(namespace, name))) this.#changed();
  }

  setSlice(slice: EndpointSlice): void {
    const namespace = slice.metadata.namespace ?? "default";
    const sliceKey = keyOf(namespace, slice.metadata.name ?? "");
    const owner = slice.metadata.labels?.["kubernetes.io/service-name"];
    this.#dropSlice(sliceKey);
    if (owner) {
      const serviceKey = keyOf(namespace, owner);
      this.#slices.set(sliceKey, { serviceKey, endpoints: dnsEndpoints(slice) });
      let set = this.#slicesByService.get(serviceKey);
      if (!set) this.#slicesByService.set(serviceKey, (set = new Set()));
      set.add(sliceKey);
    }
    this.#changed();
  }

  deleteSlice(namespace: string, name: string): void {
    if (this.#dropSlice(keyOf(namespace, name))) this.#changed();
  }

  #dropSlice(sliceKey: string): boolean {
    const old = this.#slices.get(sliceKey);
    if (!old) return false;
    this.#slices.delete(sliceKey);
    const set = this.#slicesByService.get(old.serviceKey);
    set?.delete(sliceKey);
    if (set?.size === 0) this.#slicesByService.delete(old.serviceKey);
    return true;
  }

  /** Records a pod's IPs (for `pods verified`); call with the pod gone to forget it. */
  setPod(pod: Pod, gone = false): void {
    const namespace = (pod.metadata.namespace ?? "default").toLowerCase();
    const ips = (pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : [])).map(canonicalIP);
    let changed = false;
    for (const ip of ips) {
      let set = this.#podIPs.get(ip);
      if (gone) {
        changed = set?.delete(namespace) === true || changed;
        if (set?.size === 0) this.#podIPs.delete(ip);
      } else if (!set?.has(namespace)) {
        if (!set) this.#podIPs.set(ip, (set = new Set()));
        set.add(namespace);
        changed = true;
      }
    }
    if (changed) this.#changed();
  }

  hasNamespace(name: string): boolean {
    return this.#namespaces.has(name);
  }

  service(namespace: string, name: string): DnsService | undefined {
    return this.#services.get(`${namespace}/${name}`);
  }

  /** The service's endpoints from all its slices (a dual-stack pod appears once per family). */
  endpoints(svc: DnsService): DnsEndpoint[] {
    const keys = this.#slicesByService.get(`${svc.namespace}/${svc.name}`);
    if (!keys) return [];
    const out: DnsEndpoint[] = [];
    for (const k of keys) {
      const entry = this.#slices.get(k);
      if (entry) out.push(...entry.endpoints);
    }
    return out;
  }

  /** Is there a pod with `ip` in `namespace` (for `pods verified`)? */
  hasPodIP(namespace: string, ip: string): boolean {
    return this.#podIPs.get(ip)?.has(namespace) === true;
  }

  /**
   * The PTR targets of `ip` (canonical lower-case text): the FQDN labels (without the zone) of
   * the first service with that cluster IP, else one per (service, endpoint) holding it.
   */
  reverse(ip: string): string[] {
    this.#reverse ??= this.#buildReverse();
    return this.#reverse.get(ip) ?? [];
  }

  #buildReverse(): Map<string, string[]> {
    const byClusterIP = new Map<string, string[]>();
    const byEndpoint = new Map<string, string[]>();
    const services = [...this.#services.values()].sort((a, b) => (a.namespace === b.namespace ? a.name.localeCompare(b.name) : a.namespace.localeCompare(b.namespace)));
    for (const svc of services) {
      for (const ip of svc.clusterIPs) if (!byClusterIP.has(ip)) byClusterIP.set(ip, [`${svc.name}.${svc.namespace}.svc`]);
      for (const e of this.endpoints(svc)) {
        if (!e.ready && !svc.publishNotReadyAddresses) continue;
        for (const ip of e.addresses) {
          const target = `${e.hostname}.${svc.name}.${svc.namespace}.svc`;
          const list = byEndpoint.get(ip) ?? [];
          if (!list.includes(target)) list.push(target);
          byEndpoint.set(ip, list);
        }
      }
    }
    for (const [ip, targets] of byEndpoint) if (!byClusterIP.has(ip)) byClusterIP.set(ip, targets);
    return byClusterIP;
  }

  /** How many services and endpoints are indexed (for the metrics endpoint). */
  size(): { namespaces: number; services: number; slices: number; podIPs: number } {
    return { namespaces: this.#namespaces.size, services: this.#services.size, slices: this.#slices.size, podIPs: this.#podIPs.size };
  }
}
