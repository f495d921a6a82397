// The uncompressed SPDY/3 name/value header block: a 32-bit count, then per header a 32-bit
// length and the (lowercase) name, a 32-bit length and the value, where several values of one
// name are joined by NUL bytes. Pure: no I/O.

import { SpdyProtocolError } from "./frame-types.js";

/** Headers of a stream: lowercase names, each with one or more values. */
export type SpdyHeaders = Readonly<Record<string, readonly string[]>>;

/** The block for `headers`; names are lowercased. Throws RangeError for an empty name or a duplicate. */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const seen = new Set<string>();
  const word = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n, 0);
    return b;
  };
  for (const [rawName, values] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (name === "") throw new RangeError("a SPDY header name cannot be empty");
    if (seen.has(name)) throw new RangeError(`header ${JSON.stringify(name)} given twice`);
    seen.add(name);
    const n = Buffer.from(name, "utf8");
    const v = Buffer.from(values.join("\0"), "utf8");
    parts.push(word(n.length), n, word(v.length), v);
  }
  return Buffer.concat([word(seen.size), ...parts]);
}

/**
 * The headers in `block`. Throws SpdyProtocolError (InvalidHeaderBlock) for a truncated block,
 * bytes after the last header, an empty or uppercase name, or a name given twice.
 */
export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const bad = (why: string): SpdyProtocolError => new SpdyProtocolError("InvalidHeaderBlock", `header block ${why}`);
  let at = 0;
  const word = (): number => {
    if (at + 4 > block.length) throw bad("is truncated");
    const n = block.readUInt32BE(at);
    at += 4;
    return n;
  };
  const text = (): string => {
    const length = word();
    if (at + length > block.length) throw bad("is truncated");
    const s = block.toString("utf8", at, at + length);
    at += length;
    return s;
  };
  const count = word();
  const out: Record<string, string[]> = {};
  for (let i = 0; i < count; i++) {
    const name = text();
    if (name === "") throw bad("has an empty header name");
    if (name !== name.toLowerCase()) throw bad(`has the header name ${JSON.stringify(name)}, which is not lowercase`);
    if (Object.hasOwn(out, name)) throw bad(`has ${JSON.stringify(name)} twice`);
    out[name] = text().split("\0");
  }
  if (at !== block.length) throw bad(`has ${block.length - at} bytes after its ${count} headers`);
  return out;
}

/** The first value of header `name` (any case), or undefined. */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  return headers[name.toLowerCase()]?.[0];
}
