// Reading the protobuf wire format: tags, varints, length-delimited runs and fixed-width values.
// Only the encoding; what a field means is the message decoder's business.

import { ProtobufError } from "./protobuf-error.js";

/** Wire types as they appear in the low three bits of a tag. Groups (3, 4) are not supported. */
export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

/** A field tag: its number and how its value is encoded. */
export interface Tag {
  field: number;
  wireType: number;
}

const maxVarintBytes = 10;

/**
 * A cursor over one message's bytes. Every read checks bounds and throws ProtobufError on a
 * truncated or malformed value; the reader never reads past the slice it was given.
 */
export class WireReader {
  readonly #bytes: Uint8Array;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** True once every byte has been consumed. */
  get done(): boolean {
    return this.#pos >= this.#bytes.length;
  }

  /** The next tag. Field number 0 and the group wire types are rejected. */
  readTag(): Tag {
    const key = this.readVarint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0 || field > 0x1fffffff) throw new ProtobufError(`invalid field number ${field}`);
    if (wireType === 3 || wireType === 4 || wireType > 5) throw new ProtobufError(`unsupported wire type ${wireType} for field ${field}`);
    return { field, wireType };
  }

  /** An unsigned varint of up to 64 bits. */
  readVarint(): bigint {
    let result = 0n;
    for (let i = 0; i < maxVarintBytes; i++) {
      if (this.#pos >= this.#bytes.length) throw new ProtobufError("truncated varint");
      const b = this.#bytes[this.#pos++];
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw new ProtobufError("varint longer than 10 bytes");
  }

  /** The payload of a length-delimited value (a view into the underlying bytes, not a copy). */
  readLengthDelimited(): Uint8Array {
    const len = this.readVarint();
    const remaining = this.#bytes.length - this.#pos;
    if (len > BigInt(remaining)) throw new ProtobufError(`length ${len} exceeds the ${remaining} bytes left`);
    const start = this.#pos;
    this.#pos += Number(len);
    return this.#bytes.subarray(start, this.#pos);
  }

  /** A little-endian fixed-width value of `n` bytes (4 or 8). */
  #readFixed(n: number): bigint {
    if (this.#pos + n > this.#bytes.length) throw new ProtobufError(`truncated fixed${n * 8} value`);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.#bytes[this.#pos + i]);
    this.#pos += n;
    return v;
  }

  /** An unsigned 32-bit little-endian value (wire type fixed32). */
  readFixed32(): number {
    return Number(this.#readFixed(4));
  }

  /** An unsigned 64-bit little-endian value (wire type fixed64). */
  readFixed64(): bigint {
    return this.#readFixed(8);
  }

  /** Consumes a value of the given wire type without interpreting it. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.varint:
        this.readVarint();
        return;
      case WireType.fixed64:
        this.readFixed64();
        return;
      case WireType.lengthDelimited:
        this.readLengthDelimited();
        return;
      case WireType.fixed32:
        this.readFixed32();
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }
}
