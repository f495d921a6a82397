// Messages whose JSON form is not an object: meta/v1 Time (an RFC 3339 string), IntOrString
// (a number or a string), resource Quantity (a string), FieldsV1 (embedded JSON) and the
// ExtraValue of user info (a list of strings). Each decoder
// returns undefined where Go's JSON would write null (a zero Time, empty FieldsV1), so the field
// is left out.

import { rfc3339 } from "../../api/time.js";
import type { JsonValue } from "../../api/json.js";
import { readString } from "./envelope.js";
import { ProtobufError } from "./protobuf-error.js";
import { WireReader, WireType } from "./wire-reader.js";

type Decoder = (bytes: Uint8Array) => JsonValue | undefined;

/** The fields of a well-known message, by number; anything else is an error. */
function readFields(bytes: Uint8Array, message: string, expected: Readonly<Record<number, number>>): Map<number, bigint | Uint8Array> {
  const r = new WireReader(bytes);
  const out = new Map<number, bigint | Uint8Array>();
  while (!r.done) {
    const { field, wireType } = r.readTag();
    const want = expected[field];
    if (want === undefined) throw new ProtobufError(`unsupported field ${field} in ${message}`);
    if (wireType !== want) throw new ProtobufError(`field ${field} in ${message} has wire type ${wireType}, expected ${want}`);
    out.set(field, wireType === WireType.varint ? r.readVarint() : r.readLengthDelimited());
  }
  return out;
}

function varintField(fields: Map<number, bigint | Uint8Array>, n: number): bigint {
  const v = fields.get(n);
  return typeof v === "bigint" ? v : 0n;
}

function textField(fields: Map<number, bigint | Uint8Array>, n: number): string {
  const v = fields.get(n);
  return v instanceof Uint8Array ? new TextDecoder().decode(v) : "";
}

const timeName = "k8s.io.apimachinery.pkg.apis.meta.v1.Time";
/** Seconds of Go's zero time (0001-01-01T00:00:00Z) since the Unix epoch. */
const goZeroSeconds = -62135596800n;
/** Seconds of 9999-12-31T23:59:59Z, the last time Go's JSON can write. */
const maxSeconds = 253402300799n;

/**
 * A Time as Go's JSON writes it: UTC, whole seconds. Go sends the zero time as an empty message;
 * the epoch itself arrives with explicit zero fields and is kept.
 */
function decodeTime(bytes: Uint8Array): JsonValue | undefined {
  const f = readFields(bytes, timeName, { 1: WireType.varint, 2: WireType.varint });
  if (f.size === 0) return undefined;
  const seconds = BigInt.asIntN(64, varintField(f, 1));
  if (seconds === goZeroSeconds && varintField(f, 2) === 0n) return undefined;
  if (seconds < goZeroSeconds || seconds > maxSeconds) throw new ProtobufError(`${timeName} seconds ${seconds} outside years 1 to 9999`);
  return rfc3339(Number(seconds) * 1000);
}

const intOrStringName = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";

/** IntOrString: type 0 is the int32 intVal, type 1 the string strVal. */
function decodeIntOrString(bytes: Uint8Array): JsonValue {
  const f = readFields(bytes, intOrStringName, { 1: WireType.varint, 2: WireType.varint, 3: WireType.lengthDelimited });
  const type = varintField(f, 1);
  if (type === 0n) return Number(BigInt.asIntN(32, varintField(f, 2)));
  if (type === 1n) return textField(f, 3);
  throw new ProtobufError(`${intOrStringName} has impossible type ${type}`);
}

/** Quantity: its canonical text; an empty Quantity is zero. */
function decodeQuantity(bytes: Uint8Array): JsonValue {
  const f = readFields(bytes, "k8s.io.apimachinery.pkg.api.resource.Quantity", { 1: WireType.lengthDelimited });
  return textField(f, 1) || "0";
}

const fieldsV1Name = "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1";

/** FieldsV1: raw JSON bytes, parsed. */
function decodeFieldsV1(bytes: Uint8Array): JsonValue | undefined {
  const f = readFields(bytes, fieldsV1Name, { 1: WireType.lengthDelimited });
  const text = textField(f, 1);
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new ProtobufError(`${fieldsV1Name} does not hold valid JSON`);
  }
}

/**
 * ExtraValue (authentication, authorization and certificates keep one each): a message wrapping `repeated
 * string items = 1` that Go's JSON writes as the bare list.
 */
function extraValueDecoder(message: string): Decoder {
  return (bytes) => {
    const r = new WireReader(bytes);
    const items: string[] = [];
    while (!r.done) {
      const { field, wireType } = r.readTag();
      if (field !== 1) throw new ProtobufError(`unsupported field ${field} in ${message}`);
      items.push(readString(r, field, wireType, message));
    }
    return items;
  };
}

const extraValueNames = ["k8s.io.api.authentication.v1.ExtraValue", "k8s.io.api.authorization.v1.ExtraValue", "k8s.io.api.certificates.v1.ExtraValue"];

/** Decoders for the messages whose JSON is not an object, by full message name. */
export const wellKnownDecoders: ReadonlyMap<string, Decoder> = new Map<string, Decoder>([
  [timeName, decodeTime],
  [intOrStringName, decodeIntOrString],
  ["k8s.io.apimachinery.pkg.api.resource.Quantity", decodeQuantity],
  [fieldsV1Name, decodeFieldsV1],
  ...extraValueNames.map((name): [string, Decoder] => [name, extraValueDecoder(name)]),
]);
