// Reads a DNS query off the wire, defensively: every length is checked against the packet,
// compression pointers must point backwards (so a name cannot loop) and names stay within 255
// bytes. The result is either a query to answer, a reason to answer FORMERR/NOTIMP/BADVERS
// with what could be read, or a packet to drop silently (too short to answer, or a response).

import { MAX_LABEL_LENGTH, MAX_NAME_LENGTH, OPCODE_QUERY, RRType } from "./dns-constants.js";

/** EDNS(0) as the client sent it in its OPT record. */
export interface Edns {
  /** The client's UDP payload size (values below 512 count as 512). */
  udpSize: number;
  version: number;
  /** The DNSSEC OK bit. */
  dnssecOk: boolean;
}

/** A query this server can answer. */
export interface Query {
  id: number;
  /** The client's RD bit, echoed in the response. */
  recursionDesired: boolean;
  /** The question name, lower-case, dot-separated, without the final dot ("" is the root). */
  name: string;
  qtype: number;
  qclass: number;
  /** Byte offset just past the question: the question's bytes are echoed verbatim (its case too). */
  questionEnd: number;
  edns?: Edns;
}

/** A packet that gets an error response: the header fields to echo and, when readable, the question. */
export interface QueryError {
  id: number;
  recursionDesired: boolean;
  opcode: number;
  /** FORMERR, NOTIMP or BADVERS (16, sent through EDNS). */
  rcode: number;
  /** The question, echoed when it could be read (NOTIMP, BADVERS). */
  questionEnd?: number;
  edns?: Edns;
  reason: string;
}

/** What parseQuery found. */
export type ParseResult = { kind: "query"; query: Query } | { kind: "error"; error: QueryError } | { kind: "drop"; reason: string };

export const BADVERS = 16;

/** Thrown inside the parser for malformed data; parseQuery turns it into FORMERR. */
class Malformed extends Error {}

/**
 * Reads the name at `offset`. Returns the lower-case presentation text (labels joined by ".";
 * a "." or "\" inside a label is escaped so that it cannot pose as a separator) and the offset
 * just past the name where it started (not where a pointer led).
 */
export function readName(buf: Uint8Array, offset: number): { name: string; end: number } {
  let pos = offset;
  let end = -1;
  let length = 0;
  let lowestJump = offset;
  const labels: string[] = [];
  for (;;) {
    if (pos >= buf.length) throw new Malformed("name runs past the end of the packet");
    const len = buf[pos];
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new Malformed("name pointer runs past the end of the packet");
      const target = ((len & 0x3f) << 8) | buf[pos + 1];
      // Only backwards, and each jump further back than the last: no pointer can loop.
      if (target >= lowestJump) throw new Malformed("name pointer does not point backwards");
      if (target < 12) throw new Malformed("name pointer into the header");
      if (end < 0) end = pos + 2;
      lowestJump = target;
      pos = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new Malformed("unknown label type");
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    if (len > MAX_LABEL_LENGTH) throw new Malformed("label longer than 63 bytes");
    if (pos + 1 + len > buf.length) throw new Malformed("label runs past the end of the packet");
    length += len + 1;
    if (length + 1 > MAX_NAME_LENGTH) throw new Malformed("name longer than 255 bytes");
    labels.push(labelText(buf, pos + 1, len));
    pos += 1 + len;
  }
  return { name: labels.join("."), end };
}

const PLAIN_LABEL = /^[\x21-\x2d\x2f-\x5b\x5d-\x7e]*$/;

function labelText(buf: Uint8Array, start: number, len: number): string {
  // Fast path: printable ASCII without "." or "\" (every name a cluster serves).
  const raw = String.fromCharCode.apply(null, buf.subarray(start, start + len) as unknown as number[]);
  if (PLAIN_LABEL.test(raw)) return raw.toLowerCase();
  let text = "";
  for (let i = start; i < start + len; i++) {
    let c = buf[i];
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c === 0x2e || c === 0x5c) text += "\\" + String.fromCharCode(c);
    else if (c < 0x21 || c > 0x7e) text += `\\${String(c).padStart(3, "0")}`;
    else text += String.fromCharCode(c);
  }
  return text;
}

function u16(buf: Uint8Array, at: number): number {
  if (at + 2 > buf.length) throw new Malformed("field runs past the end of the packet");
  return (buf[at] << 8) | buf[at + 1];
}

/** Skips one resource record starting at `at`; returns its type, class, TTL, rdata span and the offset after it. */
function readRecordHeader(buf: Uint8Array, at: number): { type: number; klass: number; ttl: number; rdataStart: number; end: number } {
  const { end: nameEnd } = readName(buf, at);
  const type = u16(buf, nameEnd);
  const klass = u16(buf, nameEnd + 2);
  if (nameEnd + 10 > buf.length) throw new Malformed("record header runs past the end of the packet");
  const ttl = ((buf[nameEnd + 4] << 24) >>> 0) + ((buf[nameEnd + 5] << 16) | (buf[nameEnd + 6] << 8) | buf[nameEnd + 7]);
  const rdlength = u16(buf, nameEnd + 8);
  const rdataStart = nameEnd + 10;
  if (rdataStart + rdlength > buf.length) throw new Malformed("record data runs past the end of the packet");
  return { type, klass, ttl, rdataStart, end: rdataStart + rdlength };
}

/** Parses one query packet. Never throws. */
export function parseQuery(buf: Uint8Array): ParseResult {
  if (buf.length < 12) return { kind: "drop", reason: "shorter than a DNS header" };
  const id = (buf[0] << 8) | buf[1];
  const flags = (buf[2] << 8) | buf[3];
  if (flags & 0x8000) return { kind: "drop", reason: "a response, not a query" };
  const opcode = (flags >> 11) & 0xf;
  const recursionDesired = (flags & 0x0100) !== 0;
  const qdcount = (buf[4] << 8) | buf[5];
  const ancount = (buf[6] << 8) | buf[7];
  const nscount = (buf[8] << 8) | buf[9];
  const arcount = (buf[10] << 8) | buf[11];
  const fail = (rcode: number, reason: string, extra: Partial<QueryError> = {}): ParseResult => ({
    kind: "error",
    error: { id, recursionDesired, opcode, rcode, reason, ...extra },
  });
  if (opcode !== OPCODE_QUERY) return fail(4, `opcode ${opcode} is not QUERY`);
  if (qdcount !== 1) return fail(1, `${qdcount} questions; exactly one is answered`);
  let name: string;
  let questionEnd: number;
  let qtype: number;
  let qclass: number;
  try {
    const read = readName(buf, 12);
    name = read.name;
    qtype = u16(buf, read.end);
    qclass = u16(buf, read.end + 2);
    questionEnd = read.end + 4;
  } catch (e) {
    return fail(1, e instanceof Error ? e.message : "bad question");
  }
  let edns: Edns | undefined;
  try {
    let at = questionEnd;
    for (let i = 0; i < ancount + nscount; i++) at = readRecordHeader(buf, at).end;
    for (let i = 0; i < arcount; i++) {
      const rr = readRecordHeader(buf, at);
      if (rr.type === RRType.OPT) {
        if (edns) return fail(1, "more than one OPT record", { questionEnd });
        if (buf[at] !== 0) return fail(1, "OPT record not owned by the root", { questionEnd });
        edns = { udpSize: Math.max(512, rr.klass), version: (rr.ttl >>> 16) & 0xff, dnssecOk: (rr.ttl & 0x8000) !== 0 };
      }
      at = rr.end;
    }
  } catch (e) {
    return fail(1, e instanceof Error ? e.message : "bad record", { questionEnd });
  }
  if (edns && edns.version !== 0) return fail(BADVERS, `EDNS version ${edns.version} is not supported`, { questionEnd, edns });
  return { kind: "query", query: { id, recursionDesired, name, qtype, qclass, questionEnd, ...(edns && { edns }) } };
}
