// The Kubernetes protobuf envelope: the four bytes "k8s\0", then a runtime.Unknown message whose
// typeMeta names the object's apiVersion and kind and whose raw field holds the object's bytes.

import { ProtobufError } from "./protobuf-error.js";
import { WireReader, WireType } from "./wire-reader.js";

/** The magic prefix of every Kubernetes protobuf body. */
export const protobufMagic: Uint8Array = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

/** The parts of runtime.Unknown; absent fields are empty. */
export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

const unknownName = "k8s.io.apimachinery.pkg.runtime.Unknown";
const typeMetaName = "k8s.io.apimachinery.pkg.runtime.TypeMeta";
const utf8 = new TextDecoder();

/** A string field's value (UTF-8); `where` names the message for the error when the field is not length-delimited. */
export function readString(r: WireReader, field: number, wireType: number, where: string): string {
  if (wireType !== WireType.lengthDelimited) throw new ProtobufError(`field ${field} in ${where} has wire type ${wireType}, expected 2`);
  return utf8.decode(r.readLengthDelimited());
}

function readTypeMeta(bytes: Uint8Array, env: Envelope): void {
  const r = new WireReader(bytes);
  while (!r.done) {
    const { field, wireType } = r.readTag();
    if (field === 1) env.apiVersion = readString(r, field, wireType, typeMetaName);
    else if (field === 2) env.kind = readString(r, field, wireType, typeMetaName);
    else throw new ProtobufError(`unsupported field ${field} in ${typeMetaName}`);
  }
}

/** True when `body` starts with the protobuf magic. */
export function hasProtobufMagic(body: Uint8Array): boolean {
  return body.length >= protobufMagic.length && protobufMagic.every((b, i) => body[i] === b);
}

/**
 * Splits a protobuf body into its envelope parts. Throws ProtobufError when the magic is missing,
 * the Unknown message is malformed, or it carries a field Unknown does not have.
 */
export function readEnvelope(body: Uint8Array): Envelope {
  if (!hasProtobufMagic(body)) throw new ProtobufError('body does not start with the "k8s\\0" magic');
  const env: Envelope = { apiVersion: "", kind: "", raw: new Uint8Array(0), contentEncoding: "", contentType: "" };
  const r = new WireReader(body.subarray(protobufMagic.length));
  while (!r.done) {
    const { field, wireType } = r.readTag();
    if (field === 1) {
      if (wireType !== WireType.lengthDelimited) throw new ProtobufError(`field 1 in ${unknownName} has wire type ${wireType}, expected 2`);
      readTypeMeta(r.readLengthDelimited(), env);
    } else if (field === 2) {
      if (wireType !== WireType.lengthDelimited) throw new ProtobufError(`field 2 in ${unknownName} has wire type ${wireType}, expected 2`);
      env.raw = r.readLengthDelimited();
    } else if (field === 3) env.contentEncoding = readString(r, field, wireType, unknownName);
    else if (field === 4) env.contentType = readString(r, field, wireType, unknownName);
    else throw new ProtobufError(`unsupported field ${field} in ${unknownName}`);
  }
  return env;
}
