import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { encodeEnvelope } from "./encode-envelope.js";
import { hasProtobufMagic, readEnvelope } from "./envelope.js";
import { ProtobufError } from "./protobuf-error.js";
import { WireWriter } from "./wire-writer.js";

const magic = [0x6b, 0x38, 0x73, 0x00];

describe("readEnvelope", () => {
  it("round-trips what encodeEnvelope writes", () => {
    const raw = Uint8Array.from([1, 2, 3]);
    const env = readEnvelope(encodeEnvelope({ apiVersion: "apps/v1", kind: "Deployment" }, raw, { contentType: "application/vnd.kubernetes.protobuf" }));
    assert.deepEqual(
      { ...env, raw: [...env.raw] },
      { apiVersion: "apps/v1", kind: "Deployment", raw: [1, 2, 3], contentEncoding: "", contentType: "application/vnd.kubernetes.protobuf" },
    );
  });

  it("treats absent parts as empty", () => {
    const env = readEnvelope(Uint8Array.from(magic));
    assert.deepEqual({ ...env, raw: [...env.raw] }, { apiVersion: "", kind: "", raw: [], contentEncoding: "", contentType: "" });
  });

  const bad: { name: string; body: number[]; error: string }[] = [
    { name: "an empty body", body: [], error: 'protobuf: body does not start with the "k8s\\0" magic' },
    { name: "JSON text", body: [...Buffer.from('{"kind":"Service"}')], error: 'protobuf: body does not start with the "k8s\\0" magic' },
    { name: "a field Unknown does not have", body: [...magic, ...new WireWriter().string(9, "x").finish()], error: "protobuf: unsupported field 9 in k8s.io.apimachinery.pkg.runtime.Unknown" },
    {
      name: "a field TypeMeta does not have",
      body: [...magic, ...new WireWriter().message(1, (t) => t.string(3, "x")).finish()],
      error: "protobuf: unsupported field 3 in k8s.io.apimachinery.pkg.runtime.TypeMeta",
    },
    { name: "raw sent as a varint", body: [...magic, ...new WireWriter().varint(2, 1).finish()], error: "protobuf: field 2 in k8s.io.apimachinery.pkg.runtime.Unknown has wire type 0, expected 2" },
    { name: "a truncated Unknown", body: [...magic, 0x12, 0x10, 0x00], error: "protobuf: length 16 exceeds the 1 bytes left" },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}`, () => {
      assert.throws(() => readEnvelope(Uint8Array.from(c.body)), (e: unknown) => e instanceof ProtobufError && e.message === c.error);
    });
  }

  it("recognises the magic", () => {
    assert.equal(hasProtobufMagic(Uint8Array.from(magic)), true);
    assert.equal(hasProtobufMagic(Uint8Array.from(magic.slice(0, 3))), false);
    assert.equal(hasProtobufMagic(Buffer.from("k8s!")), false);
  });
});
