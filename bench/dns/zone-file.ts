// The static zones equivalent to a dataset, for the peers (NSD, Unbound): every record svcnet's
// resolver gives for the names the dataset defines, written with absolute names and explicit
// TTLs (Unbound's reader otherwise carries the previous record's TTL). Names only svcnet
// synthesises on the fly (pod IPs, the CoreDNS bare-name SRV) are written too where they exist.

import { RRType } from "../../src/dns/wire/dns-constants.js";
import type { ClusterIndex } from "../../src/dns/zone/cluster-index.js";
import { presentRecord } from "../../src/dns/zone/records.js";
import type { ResolveOptions } from "../../src/dns/zone/resolve.js";
import { resolve } from "../../src/dns/zone/resolve.js";
import type { Dataset } from "./datasets.js";

export interface StaticZone {
  /** Zone apex without the final dot. */
  origin: string;
  text: string;
}

/** The zones cluster.local, 10.in-addr.arpa and 8.b.d.0.1.0.0.2.ip6.arpa for `dataset`. */
export function staticZones(index: ClusterIndex, dataset: Dataset, o: Omit<ResolveOptions, "synced">): StaticZone[] {
  const names = new Set<string>([o.zone, `dns-version.${o.zone}`]);
  const z = o.zone;
  for (const s of dataset.services) {
    const fqdn = `${s.metadata.name}.${s.metadata.namespace}.svc.${z}`;
    names.add(fqdn);
    for (const p of s.spec.ports ?? []) if (p.name) names.add(`_${p.name}._${(p.protocol ?? "TCP").toLowerCase()}.${fqdn}`);
  }
  for (const sl of dataset.slices) {
    const owner = sl.metadata.labels?.["kubernetes.io/service-name"];
    for (const e of sl.endpoints ?? []) {
      const host = e.hostname ?? e.addresses[0].replaceAll(".", "-").replaceAll(":", "-");
      names.add(`${host}.${owner}.${sl.metadata.namespace}.svc.${z}`);
      for (const a of e.addresses) if (!a.includes(":")) names.add(`${a.split(".").reverse().join(".")}.in-addr.arpa`);
    }
  }
  for (const s of dataset.services) {
    for (const ip of s.spec.clusterIPs ?? []) {
      if (ip === "None") continue;
      if (ip.includes(":")) {
        const full = ip.split("::");
        const head = full[0] ? full[0].split(":") : [];
        const tail = full.length > 1 && full[1] ? full[1].split(":") : [];
        const groups = [...head, ...Array<string>(8 - head.length - tail.length).fill("0"), ...tail].map((g) => g.padStart(4, "0"));
        names.add(`${groups.join("").split("").reverse().join(".")}.ip6.arpa`);
      } else names.add(`${ip.split(".").reverse().join(".")}.in-addr.arpa`);
    }
  }
  const types = [RRType.SOA, RRType.NS, RRType.A, RRType.AAAA, RRType.SRV, RRType.PTR, RRType.TXT, RRType.CNAME];
  const zones: Record<string, Set<string>> = { [z]: new Set(), "10.in-addr.arpa": new Set(), "8.b.d.0.1.0.0.2.ip6.arpa": new Set() };
  const zoneFor = (owner: string): string | undefined => Object.keys(zones).find((apex) => owner === apex || owner.endsWith(`.${apex}`));
  for (const name of names) {
    for (const t of types) {
      const r = resolve(index, name, t, { ...o, synced: true });
      for (const rec of [...r.answer, ...(t === RRType.NS || t === RRType.SRV ? r.additional : [])]) {
        const apex = zoneFor(rec.name);
        if (apex) zones[apex].add(presentRecord(rec));
      }
    }
  }
  for (const apex of ["10.in-addr.arpa", "8.b.d.0.1.0.0.2.ip6.arpa"]) {
    zones[apex].add(`${apex}. 5 IN SOA ns.dns.${z}. hostmaster.${z}. 1 7200 1800 86400 5`);
    zones[apex].add(`${apex}. 5 IN NS ns.dns.${z}.`);
  }
  zones[z].add(`ns.dns.${z}. 5 IN A 10.0.0.10`);
  return Object.entries(zones).map(([origin, lines]) => {
    const sorted = [...lines].sort((a, b) => (a.includes(" SOA ") ? -1 : b.includes(" SOA ") ? 1 : a.localeCompare(b)));
    return { origin, text: `$TTL 5\n${sorted.join("\n")}\n` };
  });
}
