// The records this server answers with, as plain data: owner name (lower-case, without the final
// dot), type, TTL and type-specific data. The wire writer encodes them; the resolver makes them.

import { RRType } from "../wire/dns-constants.js";

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export type ResourceRecord =
  | { name: string; ttl: number; type: typeof RRType.A; address: string }
  | { name: string; ttl: number; type: typeof RRType.AAAA; address: string }
  | { name: string; ttl: number; type: typeof RRType.CNAME; target: string }
  | { name: string; ttl: number; type: typeof RRType.PTR; target: string }
  | { name: string; ttl: number; type: typeof RRType.NS; target: string }
  | { name: string; ttl: number; type: typeof RRType.SRV; srv: SrvData }
  | { name: string; ttl: number; type: typeof RRType.TXT; texts: string[] }
  | { name: string; ttl: number; type: typeof RRType.SOA; soa: SoaData };

/** What the resolver decided for one question. */
export interface Answer {
  rcode: number;
  /** Authoritative (every answer from the cluster zones). */
  authoritative: boolean;
  answer: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

/** A record in zone-file presentation form (`name. ttl IN TYPE data`), for tests and logs. */
export function presentRecord(r: ResourceRecord): string {
  const owner = `${r.name}.`;
  const head = `${owner} ${r.ttl} IN`;
  switch (r.type) {
    case RRType.A:
      return `${head} A ${r.address}`;
    case RRType.AAAA:
      return `${head} AAAA ${r.address}`;
    case RRType.CNAME:
      return `${head} CNAME ${r.target}.`;
    case RRType.PTR:
      return `${head} PTR ${r.target}.`;
    case RRType.NS:
      return `${head} NS ${r.target}.`;
    case RRType.SRV:
      return `${head} SRV ${r.srv.priority} ${r.srv.weight} ${r.srv.port} ${r.srv.target}.`;
    case RRType.TXT:
      return `${head} TXT ${r.texts.map((t) => JSON.stringify(t)).join(" ")}`;
    case RRType.SOA: {
      const s = r.soa;
      return `${head} SOA ${s.mname}. ${s.rname}. ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
    }
  }
}
