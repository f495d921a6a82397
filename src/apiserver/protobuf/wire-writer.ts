// A small protobuf encoder, the mirror of wire-reader.ts. It exists for tests: building bodies
// field by field, including malformed and unknown ones, to prove what the decoder does with them.
// Nothing in the server encodes protobuf.

import { WireType } from "./wire-reader.js";

function varintBytes(v: bigint): number[] {
  let x = BigInt.asUintN(64, v);
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

/**
 * Appends fields in the order they are written. Negative integers are written as Go writes int32
 * and int64 fields: sign-extended to ten bytes. `finish()` returns the bytes written so far.
 */
export class WireWriter {
  readonly #out: number[] = [];

  #tag(field: number, wireType: number): void {
    this.#out.push(...varintBytes(BigInt((field << 3) | wireType)));
  }

  /** A varint field (int32, int64, bool, enum). */
  varint(field: number, value: number | bigint | boolean): this {
    const v = typeof value === "boolean" ? (value ? 1n : 0n) : BigInt(value);
    this.#tag(field, WireType.varint);
    this.#out.push(...varintBytes(v));
    return this;
  }

  /** A length-delimited field holding raw bytes. */
  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, WireType.lengthDelimited);
    this.#out.push(...varintBytes(BigInt(value.length)), ...value);
    return this;
  }

  /** A length-delimited field holding UTF-8 text. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A nested message, built by `build` on a fresh writer. */
  message(field: number, build: (w: WireWriter) => void): this {
    const inner = new WireWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** A map entry (key 1, value 2) with string key and string value. */
  mapEntry(field: number, key: string, value: string): this {
    return this.message(field, (e) => e.string(1, key).string(2, value));
  }

  /** A fixed32 field, little-endian. */
  fixed32(field: number, value: number): this {
    this.#tag(field, WireType.fixed32);
    for (let i = 0; i < 4; i++) this.#out.push((value >>> (8 * i)) & 0xff);
    return this;
  }

  /** A fixed64 field, little-endian. */
  fixed64(field: number, value: bigint): this {
    this.#tag(field, WireType.fixed64);
    const v = BigInt.asUintN(64, value);
    for (let i = 0n; i < 8n; i++) this.#out.push(Number((v >> (8n * i)) & 0xffn));
    return this;
  }

  /** Raw bytes appended as they are, for hand-made malformed input. */
  raw(bytes: readonly number[]): this {
    this.#out.push(...bytes);
    return this;
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return Uint8Array.from(this.#out);
  }
}
