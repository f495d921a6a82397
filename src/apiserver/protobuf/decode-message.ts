// Decoding one table message into the JSON object Kubernetes' JSON encoding would produce for
// it. Table-driven: field numbers, JSON names and zero-value rules come from the tables; a field
// number no table knows is an error naming the message, never silently dropped.

import type { JsonObject, JsonValue } from "../../api/json.js";
import { isJsonObject } from "../../api/json.js";
import type { FieldSpec } from "./message-schema.js";
import { messages } from "./message-registry.js";
import { ProtobufError } from "./protobuf-error.js";
import { wellKnownDecoders } from "./well-known.js";
import { WireReader, WireType } from "./wire-reader.js";

const utf8 = new TextDecoder();

function isZero(v: JsonValue): boolean {
  return v === "" || v === 0 || v === false;
}

function wireTypeOf(f: FieldSpec): number {
  if (!f.scalar || f.type === "string" || f.type === "bytes") return WireType.lengthDelimited;
  return WireType.varint;
}

function checkWireType(f: FieldSpec, got: number, where: string): void {
  const want = wireTypeOf(f);
  if (got !== want) throw new ProtobufError(`field ${f.number} (${f.name}) in ${where} has wire type ${got}, expected ${want}`);
}

function toNumber(v: bigint, f: FieldSpec, where: string): number {
  if (f.type === "int32") return Number(BigInt.asIntN(32, v));
  const n = BigInt.asIntN(64, v);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtobufError(`field ${f.number} (${f.name}) in ${where}: ${n} is beyond JSON's safe integers`);
  }
  return Number(n);
}

/** A varint-encoded scalar (int32, int64, bool). */
function varintScalar(v: bigint, f: FieldSpec, where: string): JsonValue {
  return f.type === "bool" ? v !== 0n : toNumber(v, f, where);
}

/** A length-delimited scalar (string as text, bytes as base64, as Go's JSON writes []byte). */
function bytesScalar(b: Uint8Array, f: FieldSpec): JsonValue {
  return f.type === "string" ? utf8.decode(b) : Buffer.from(b).toString("base64");
}

/** The JSON of a length-delimited message value; undefined where Go's JSON would write null. */
function messageValue(b: Uint8Array, type: string): JsonValue | undefined {
  const special = wellKnownDecoders.get(type);
  return special ? special(b) : decodeMessage(b, type);
}

/** One value of field `f` (not a map), read from `r` after its tag. */
function readSingle(r: WireReader, f: FieldSpec, wireType: number, where: string): JsonValue | undefined {
  checkWireType(f, wireType, where);
  if (!f.scalar) return messageValue(r.readLengthDelimited(), f.type);
  if (wireType === WireType.varint) return varintScalar(r.readVarint(), f, where);
  return bytesScalar(r.readLengthDelimited(), f);
}

/** Elements of a repeated field: one per occurrence, or a packed run of varints. */
function readRepeated(r: WireReader, f: FieldSpec, wireType: number, where: string): JsonValue[] {
  if (f.scalar && wireTypeOf(f) === WireType.varint && wireType === WireType.lengthDelimited) {
    const packed = new WireReader(r.readLengthDelimited());
    const out: JsonValue[] = [];
    while (!packed.done) out.push(varintScalar(packed.readVarint(), f, where));
    return out;
  }
  const v = readSingle(r, f, wireType, where);
  // An element Go would render as null (a zero Time in a list) is kept as null, preserving order.
  return [v === undefined ? null : v];
}

/** The JSON of an absent value of f's type. */
function zeroOf(f: FieldSpec): JsonValue {
  if (!f.scalar) return messageValue(new Uint8Array(0), f.type) ?? null;
  if (f.type === "bool") return false;
  return f.type === "int32" || f.type === "int64" ? 0 : "";
}

/** One map entry (key 1: string, value 2: f.type). Missing parts take their zero value. */
function readMapEntry(r: WireReader, f: FieldSpec, wireType: number, where: string): [string, JsonValue] {
  const entryName = `${where}.${f.name[0].toUpperCase()}${f.name.slice(1)}Entry`;
  if (wireType !== WireType.lengthDelimited) {
    throw new ProtobufError(`field ${f.number} (${f.name}) in ${where} has wire type ${wireType}, expected ${WireType.lengthDelimited}`);
  }
  const entry = new WireReader(r.readLengthDelimited());
  let key = "";
  let value: JsonValue | undefined;
  const valueSpec: FieldSpec = { ...f, number: 2, name: "value", cardinality: "single", keepZero: true, inline: false };
  while (!entry.done) {
    const tag = entry.readTag();
    if (tag.field === 1) {
      if (tag.wireType !== WireType.lengthDelimited) throw new ProtobufError(`field 1 (key) in ${entryName} has wire type ${tag.wireType}, expected 2`);
      key = utf8.decode(entry.readLengthDelimited());
    } else if (tag.field === 2) {
      value = readSingle(entry, valueSpec, tag.wireType, entryName);
    } else {
      throw new ProtobufError(`unsupported field ${tag.field} in ${entryName}`);
    }
  }
  return [key, value === undefined ? zeroOf(f) : value];
}

/**
 * Decodes `bytes` as the table message `messageName` (full name, e.g. k8s.io.api.core.v1.Service)
 * into a fresh JSON object. Zero scalars are dropped unless the table keeps them; message fields
 * present on the wire are kept, even when empty (`resources: {}`), as Go's JSON keeps structs.
 * Throws ProtobufError on malformed input or a field number the table does not list.
 */
export function decodeMessage(bytes: Uint8Array, messageName: string): JsonObject {
  const spec = messages.get(messageName);
  if (!spec) throw new ProtobufError(`no table for message ${messageName}`);
  const out: JsonObject = {};
  const r = new WireReader(bytes);
  while (!r.done) {
    const { field, wireType } = r.readTag();
    const f = spec.fields.get(field);
    if (!f) throw new ProtobufError(`unsupported field ${field} in ${messageName}`);
    if (f.cardinality === "map") {
      const [k, v] = readMapEntry(r, f, wireType, messageName);
      const existing = out[f.name];
      const map: JsonObject = isJsonObject(existing) ? existing : {};
      // defineProperty, so that a key such as "__proto__" stays an ordinary own property.
      Object.defineProperty(map, k, { value: v, enumerable: true, writable: true, configurable: true });
      out[f.name] = map;
    } else if (f.cardinality === "repeated") {
      const list = out[f.name];
      const items = readRepeated(r, f, wireType, messageName);
      if (Array.isArray(list)) list.push(...items);
      else out[f.name] = items;
    } else if (f.inline) {
      checkWireType(f, wireType, messageName);
      Object.assign(out, decodeMessage(r.readLengthDelimited(), f.type));
    } else {
      const v = readSingle(r, f, wireType, messageName);
      if (v === undefined || (f.scalar && !f.keepZero && isZero(v))) delete out[f.name];
      else out[f.name] = v;
    }
  }
  return out;
}
