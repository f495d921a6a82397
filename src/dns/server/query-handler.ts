// From query bytes to response bytes, without sockets: parse, resolve against the cluster index,
// write, count. Responses are cached by everything they depend on (question, RD bit, EDNS,
// size limit, the index generation and sync state), so a repeated question costs a map lookup
// and a copy with the client's id and question bytes patched in — no resolver work, no records.
// Hostile input never throws: it is dropped or answered FORMERR/NOTIMP/BADVERS.

import { Rcode, RRType, typeName } from "../wire/dns-constants.js";
import type { Query } from "../wire/query-parse.js";
import { parseQuery } from "../wire/query-parse.js";
import { buildQuery } from "../wire/query-builder.js";
import { parseUpstreamAnswer } from "../wire/response-parse.js";
import type { ResponseFrame, Transport } from "../wire/response-write.js";
import { responseLimit, writeError, writeResponse } from "../wire/response-write.js";
import type { ClusterIndex } from "../zone/cluster-index.js";
import type { Resolution, ResolveOptions } from "../zone/resolve.js";
import { resolve, zoneOf } from "../zone/resolve.js";
import type { DnsMetrics } from "./dns-metrics.js";

export interface QueryHandlerOptions {
  index: ClusterIndex;
  resolve: Omit<ResolveOptions, "synced">;
  synced: () => boolean;
  metrics?: DnsMetrics;
  /** Most cached responses kept (default 50 000, a few MB); the cache empties when it is full. */
  cacheSize?: number;
  /**
   * Forwards a query for a name outside the cluster zones and resolves with the upstream's
   * response bytes (undefined: no upstream, the query is REFUSED — no open resolver).
   */
  forward?: (query: Uint8Array, transport: Transport) => Promise<Uint8Array | undefined>;
}

/** What to send back: bytes now, bytes later (upstream), or nothing (dropped). */
export type HandleResult = Buffer | Promise<Buffer | undefined> | undefined;

export class QueryHandler {
  readonly #o: QueryHandlerOptions;
  readonly #cache = new Map<string, Buffer>();
  #cacheGeneration = -1;

  constructor(o: QueryHandlerOptions) {
    this.#o = o;
  }

  get cacheEntries(): number {
    return this.#cache.size;
  }

  handle(packet: Uint8Array, transport: Transport): HandleResult {
    const started = process.hrtime.bigint();
    const parsed = parseQuery(packet);
    const m = this.#o.metrics;
    if (parsed.kind === "drop") {
      m?.dropped(parsed.reason);
      return undefined;
    }
    if (parsed.kind === "error") {
      const e = parsed.error;
      const frame: ResponseFrame = { id: e.id, recursionDesired: e.recursionDesired, opcode: e.opcode, query: packet, questionEnd: e.questionEnd, edns: e.edns };
      const out = writeError(frame, e.rcode);
      m?.observe(transport, undefined, e.rcode, started);
      return out;
    }
    const q = parsed.query;
    if (zoneOf(q.name, this.#o.resolve.zone) === undefined && this.#o.forward) return this.#forward(packet, q, transport, started);
    const out = this.#answer(packet, q, transport);
    if (out instanceof Promise) return out.then((r) => (m?.observe(transport, q.qtype, r[3] & 0xf, started), r));
    m?.observe(transport, q.qtype, out[3] & 0xf, started);
    return out;
  }

  #answer(packet: Uint8Array, q: Query, transport: Transport): Buffer | Promise<Buffer> {
    const limit = responseLimit(transport, q.edns);
    const synced = this.#o.synced();
    const generation = this.#o.index.generation;
    if (generation !== this.#cacheGeneration) {
      this.#cache.clear();
      this.#cacheGeneration = generation;
    }
    const key = `${q.name}|${q.qtype}|${q.qclass}|${q.recursionDesired ? 1 : 0}|${q.edns ? 1 : 0}|${limit}|${synced ? 1 : 0}|${q.questionEnd}`;
    const cached = this.#cache.get(key);
    if (cached) {
      const out = Buffer.allocUnsafe(cached.length);
      cached.copy(out);
      out[0] = q.id >> 8;
      out[1] = q.id & 0xff;
      // The question as the client wrote it (its case), same length by the key.
      out.set(packet.subarray(12, q.questionEnd), 12);
      return out;
    }
    const resolution: Resolution =
      q.qclass === 1 || q.qclass === 255
        ? resolve(this.#o.index, q.name, q.qtype, { ...this.#o.resolve, synced })
        : { rcode: Rcode.REFUSED, authoritative: false, answer: [], authority: [], additional: [] };
    const frame: ResponseFrame = { id: q.id, recursionDesired: q.recursionDesired, opcode: 0, query: packet, questionEnd: q.questionEnd, edns: q.edns };
    if (resolution.chase && this.#o.forward) return this.#chase(frame, resolution, limit);
    // A fresh buffer: sockets only read it, so it may be sent and kept as the cached copy.
    const out = writeResponse(frame, resolution, limit);
    if (this.#cache.size >= (this.#o.cacheSize ?? 50_000)) this.#cache.clear();
    this.#cache.set(key, out);
    return out;
  }

  /**
   * An ExternalName outside the cluster zone: asks the upstream for the CNAME's target and
   * appends its records (the CNAME alone when the upstream has none or does not answer).
   * Not cached: the upstream's TTLs are not ours to extend.
   */
  async #chase(frame: ResponseFrame, resolution: Resolution, limit: number): Promise<Buffer> {
    const chase = resolution.chase;
    const forward = this.#o.forward;
    if (chase && forward) {
      const reply = await forward(buildQuery({ id: frame.id, name: chase.target, qtype: chase.qtype, flags: 0x0100 }), "udp").catch(() => undefined);
      const upstream = reply ? parseUpstreamAnswer(reply) : undefined;
      if (upstream && upstream.rcode === Rcode.NOERROR) resolution = { ...resolution, answer: [...resolution.answer, ...upstream.answer] };
    }
    return writeResponse(frame, resolution, limit);
  }

  async #forward(packet: Uint8Array, q: Query, transport: Transport, started: bigint): Promise<Buffer | undefined> {
    const m = this.#o.metrics;
    try {
      const reply = await this.#o.forward?.(packet, transport);
      if (reply && reply.length >= 12) {
        m?.observe(transport, q.qtype, reply[3] & 0xf, started);
        return Buffer.from(reply);
      }
    } catch {
      // answered SERVFAIL below
    }
    const frame: ResponseFrame = { id: q.id, recursionDesired: q.recursionDesired, opcode: 0, query: packet, questionEnd: q.questionEnd, edns: q.edns };
    m?.observe(transport, q.qtype, Rcode.SERVFAIL, started);
    return writeError(frame, Rcode.SERVFAIL);
  }
}

/** The qtype label metrics use: the mnemonic for common types, "other" for the rest. */
export function metricType(qtype: number | undefined): string {
  if (qtype === undefined) return "other";
  const known: number[] = [RRType.A, RRType.AAAA, RRType.SRV, RRType.PTR, RRType.TXT, RRType.CNAME, RRType.SOA, RRType.NS, RRType.MX, RRType.AXFR, RRType.IXFR, RRType.ANY];
  return known.includes(qtype) ? typeName(qtype) : "other";
}
