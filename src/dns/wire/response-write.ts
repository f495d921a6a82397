// Writes DNS responses: the query's question echoed byte for byte (so the owner names, which
// point at it, keep the client's case), then the answer, authority and additional records with
// name compression, then an OPT record when the client used EDNS. Over UDP a response larger
// than the client accepts first loses its additional records (no TC, RFC 2181 §9), then all
// records with TC set so the client retries over TCP.

import { parseIP } from "../../allocators/ip.js";
import type { Answer, ResourceRecord } from "../zone/records.js";
import { CLASS_IN, CLASSIC_UDP_SIZE, Flag, MAX_EDNS_UDP_SIZE, RRType } from "./dns-constants.js";
import type { Edns } from "./query-parse.js";

/** The header fields and question a response echoes. */
export interface ResponseFrame {
  id: number;
  recursionDesired: boolean;
  opcode: number;
  /** The query packet; bytes 12…questionEnd (the question) are copied into the response. */
  query: Uint8Array;
  /** Absent when the question could not be read (then none is echoed). */
  questionEnd?: number;
  edns?: Edns;
}

/** Where the response goes: UDP limits its size, TCP does not (up to 65535 bytes). */
export type Transport = "udp" | "tcp";

/** The largest response a client accepts on `transport`. */
export function responseLimit(transport: Transport, edns: Edns | undefined): number {
  if (transport === "tcp") return 65_535;
  return edns ? Math.min(Math.max(edns.udpSize, CLASSIC_UDP_SIZE), MAX_EDNS_UDP_SIZE) : CLASSIC_UDP_SIZE;
}

class Overflow extends Error {}

/** A growing response buffer with a name-compression table. */
/** One scratch buffer for every response (writing is synchronous); results are copied out. */
const scratch = Buffer.allocUnsafe(65_535);

class MessageWriter {
  readonly buf: Buffer;
  pos = 0;
  readonly #names = new Map<string, number>();

  constructor(limit: number) {
    this.buf = scratch.subarray(0, Math.min(limit, scratch.length));
  }

  #room(n: number): void {
    if (this.pos + n > this.buf.length) throw new Overflow();
  }

  u8(v: number): void {
    this.#room(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.#room(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.#room(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /**
   * Makes the name written at `offset` (already in the buffer, uncompressed: the question) and
   * its suffixes available for compression. A label with bytes that presentation form would
   * escape ends the registration: such names are never written from records.
   */
  registerName(offset: number): void {
    const offsets: number[] = [];
    const labels: string[] = [];
    let at = offset;
    while (at < this.pos) {
      const len = this.buf[at];
      if (len === 0 || (len & 0xc0) !== 0) break;
      const label = this.buf.toString("latin1", at + 1, at + 1 + len).toLowerCase();
      if (!/^[\x21-\x7e]+$/.test(label) || label.includes(".") || label.includes("\\")) return;
      offsets.push(at);
      labels.push(label);
      at += 1 + len;
    }
    for (let i = 0; i < offsets.length; i++) {
      const key = labels.slice(i).join(".");
      if (offsets[i] < 0x4000 && !this.#names.has(key)) this.#names.set(key, offsets[i]);
    }
  }

  /** Writes `name` (lower-case presentation form, plain labels), compressed against earlier names. */
  name(name: string): void {
    let rest = name;
    while (rest !== "") {
      const known = this.#names.get(rest);
      if (known !== undefined) {
        this.u16(0xc000 | known);
        return;
      }
      const dot = rest.indexOf(".");
      const label = dot < 0 ? rest : rest.slice(0, dot);
      if (this.pos < 0x4000) this.#names.set(rest, this.pos);
      const len = Buffer.byteLength(label, "latin1");
      this.u8(len);
      this.#room(len);
      this.buf.write(label, this.pos, "latin1");
      this.pos += len;
      rest = dot < 0 ? "" : rest.slice(dot + 1);
    }
    this.u8(0);
  }

  record(r: ResourceRecord): void {
    this.name(r.name);
    this.u16(r.type);
    this.u16(CLASS_IN);
    this.u32(r.ttl);
    const lengthAt = this.pos;
    this.u16(0);
    const start = this.pos;
    switch (r.type) {
      case RRType.A:
        this.bytes(ipv4Bytes(r.address));
        break;
      case RRType.AAAA:
        this.bytes(ipv6Bytes(r.address));
        break;
      case RRType.CNAME:
      case RRType.PTR:
      case RRType.NS:
        this.name(r.target);
        break;
      case RRType.SRV:
        this.u16(r.srv.priority);
        this.u16(r.srv.weight);
        this.u16(r.srv.port);
        // RFC 2782: the target is not compressed.
        this.#plainName(r.srv.target);
        break;
      case RRType.TXT:
        for (const t of r.texts) {
          const b = Buffer.from(t, "utf8").subarray(0, 255);
          this.u8(b.length);
          this.bytes(b);
        }
        break;
      case RRType.SOA:
        this.name(r.soa.mname);
        this.name(r.soa.rname);
        this.u32(r.soa.serial);
        this.u32(r.soa.refresh);
        this.u32(r.soa.retry);
        this.u32(r.soa.expire);
        this.u32(r.soa.minimum);
        break;
    }
    this.buf.writeUInt16BE(this.pos - start, lengthAt);
  }

  #plainName(name: string): void {
    for (const label of name === "" ? [] : name.split(".")) {
      const len = Buffer.byteLength(label, "latin1");
      this.u8(len);
      this.#room(len);
      this.buf.write(label, this.pos, "latin1");
      this.pos += len;
    }
    this.u8(0);
  }
}

function ipv4Bytes(address: string): Uint8Array {
  const parts = address.split(".");
  return Uint8Array.from(parts, (p) => Number(p));
}

function ipv6Bytes(address: string): Uint8Array {
  const parsed = parseIP(address);
  const out = new Uint8Array(16);
  if (!parsed) return out;
  let v = parsed.value;
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

interface Sections {
  answer: readonly ResourceRecord[];
  authority: readonly ResourceRecord[];
  additional: readonly ResourceRecord[];
}

function write(frame: ResponseFrame, rcode: number, authoritative: boolean, sections: Sections, truncated: boolean, limit: number): Buffer {
  const w = new MessageWriter(limit);
  w.u16(frame.id);
  let flags = Flag.QR | ((frame.opcode & 0xf) << 11) | (rcode & 0xf);
  if (authoritative) flags |= Flag.AA;
  if (truncated) flags |= Flag.TC;
  if (frame.recursionDesired) flags |= Flag.RD;
  w.u16(flags);
  const hasQuestion = frame.questionEnd !== undefined;
  w.u16(hasQuestion ? 1 : 0);
  w.u16(sections.answer.length);
  w.u16(sections.authority.length);
  w.u16(sections.additional.length + (frame.edns ? 1 : 0));
  if (hasQuestion) {
    w.bytes(frame.query.subarray(12, frame.questionEnd));
    w.registerName(12);
  }
  for (const r of sections.answer) w.record(r);
  for (const r of sections.authority) w.record(r);
  for (const r of sections.additional) w.record(r);
  if (frame.edns) {
    w.u8(0);
    w.u16(RRType.OPT);
    w.u16(MAX_EDNS_UDP_SIZE);
    // Extended rcode (upper 8 bits of 12), version 0, no flags (no DNSSEC here).
    w.u32(((rcode >> 4) & 0xff) << 24);
    w.u16(0);
  }
  return Buffer.from(w.buf.subarray(0, w.pos));
}

/**
 * The response to `frame` carrying `answer`, at most `limit` bytes: complete if it fits; else
 * without the additional records; else with no records and TC set.
 */
export function writeResponse(frame: ResponseFrame, answer: Answer, limit: number): Buffer {
  const attempts: { sections: Sections; truncated: boolean }[] = [
    { sections: answer, truncated: false },
    { sections: { ...answer, additional: [] }, truncated: false },
    { sections: { answer: [], authority: [], additional: [] }, truncated: true },
  ];
  for (const a of attempts) {
    try {
      return write(frame, answer.rcode, answer.authoritative, a.sections, a.truncated, limit);
    } catch (e) {
      if (!(e instanceof Overflow)) throw e;
    }
  }
  // Even the bare header and question do not fit: nothing sensible fits in `limit`.
  return write({ ...frame, questionEnd: undefined, edns: undefined }, answer.rcode, answer.authoritative, { answer: [], authority: [], additional: [] }, true, Math.max(limit, 12));
}

/** An error response (FORMERR, NOTIMP, REFUSED, SERVFAIL, BADVERS) with no records. */
export function writeError(frame: ResponseFrame, rcode: number): Buffer {
  return writeResponse(frame, { rcode, authoritative: false, answer: [], authority: [], additional: [] }, responseLimit("tcp", undefined));
}
