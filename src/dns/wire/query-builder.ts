// Builds query packets byte by byte, for tests, the fuzzer and the benchmark's own client:
// a well-formed query, or one with deliberately broken parts.

export interface QueryParts {
  id?: number;
  /** Header flags word (default: RD set). */
  flags?: number;
  qdcount?: number;
  ancount?: number;
  nscount?: number;
  arcount?: number;
  /** The question name's bytes (default: encodeName(name)). */
  nameBytes?: Uint8Array;
  name?: string;
  qtype?: number;
  qclass?: number;
  /** An OPT record: UDP size, version, DO bit. */
  edns?: { udpSize: number; version?: number; dnssecOk?: boolean };
  /** Bytes appended after the question (and OPT). */
  tail?: Uint8Array;
}

/** Uncompressed wire form of a dotted name ("" or "." is the root). */
export function encodeName(name: string): Uint8Array {
  const labels = name.replace(/\.$/, "").split(".").filter((l) => l !== "");
  const out: number[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, "latin1");
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return Uint8Array.from(out);
}

export function buildQuery(p: QueryParts): Buffer {
  const nameBytes = p.nameBytes ?? encodeName(p.name ?? "");
  const opt = p.edns
    ? Buffer.from([0, 0, 41, (p.edns.udpSize >> 8) & 0xff, p.edns.udpSize & 0xff, 0, p.edns.version ?? 0, p.edns.dnssecOk ? 0x80 : 0, 0, 0, 0])
    : Buffer.alloc(0);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(p.id ?? 0x1234, 0);
  header.writeUInt16BE(p.flags ?? 0x0100, 2);
  header.writeUInt16BE(p.qdcount ?? 1, 4);
  header.writeUInt16BE(p.ancount ?? 0, 6);
  header.writeUInt16BE(p.nscount ?? 0, 8);
  header.writeUInt16BE(p.arcount ?? (p.edns ? 1 : 0), 10);
  const question = Buffer.alloc(4);
  question.writeUInt16BE(p.qtype ?? 1, 0);
  question.writeUInt16BE(p.qclass ?? 1, 2);
  return Buffer.concat([header, nameBytes, question, opt, p.tail ?? Buffer.alloc(0)]);
}
