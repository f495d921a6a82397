// Building whole protobuf request bodies (magic + runtime.Unknown) for tests. The server never
// encodes protobuf; this is the mirror of envelope.ts so tests can round-trip.

import { protobufMagic } from "./envelope.js";
import { WireWriter } from "./wire-writer.js";

/** Optional envelope parts; absent ones are written empty, as Go's client writes them. */
export interface EnvelopeOptions {
  contentEncoding?: string;
  contentType?: string;
}

/** A complete body: magic, then Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding, contentType}. */
export function encodeEnvelope(typeMeta: { apiVersion: string; kind: string }, raw: Uint8Array, opts: EnvelopeOptions = {}): Uint8Array {
  const unknown = new WireWriter()
    .message(1, (t) => t.string(1, typeMeta.apiVersion).string(2, typeMeta.kind))
    .bytes(2, raw)
    .string(3, opts.contentEncoding ?? "")
    .string(4, opts.contentType ?? "")
    .finish();
  const out = new Uint8Array(protobufMagic.length + unknown.length);
  out.set(protobufMagic, 0);
  out.set(unknown, protobufMagic.length);
  return out;
}
