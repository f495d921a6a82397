import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ProtobufError } from "./protobuf-error.js";
import { WireReader, WireType } from "./wire-reader.js";
import { WireWriter } from "./wire-writer.js";

describe("WireReader", () => {
  const varints: { name: string; value: bigint; bytes: number[] }[] = [
    { name: "zero", value: 0n, bytes: [0x00] },
    { name: "one byte max", value: 127n, bytes: [0x7f] },
    { name: "two bytes", value: 300n, bytes: [0xac, 0x02] },
    { name: "negative one as Go writes int32 -1", value: BigInt.asUintN(64, -1n), bytes: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01] },
    { name: "2^63", value: 1n << 63n, bytes: [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01] },
  ];
  for (const c of varints) {
    it(`reads varint: ${c.name}`, () => {
      const r = new WireReader(Uint8Array.from(c.bytes));
      assert.equal(r.readVarint(), c.value);
      assert.ok(r.done);
    });
  }

  it("round-trips every wire type written by WireWriter", () => {
    const bytes = new WireWriter().varint(1, -5).string(2, "héllo").fixed32(3, 0xdeadbeef).fixed64(4, 1n << 40n).varint(5, true).finish();
    const r = new WireReader(bytes);
    assert.deepEqual(r.readTag(), { field: 1, wireType: WireType.varint });
    assert.equal(BigInt.asIntN(64, r.readVarint()), -5n);
    assert.deepEqual(r.readTag(), { field: 2, wireType: WireType.lengthDelimited });
    assert.equal(new TextDecoder().decode(r.readLengthDelimited()), "héllo");
    assert.deepEqual(r.readTag(), { field: 3, wireType: WireType.fixed32 });
    assert.equal(r.readFixed32(), 0xdeadbeef);
    assert.deepEqual(r.readTag(), { field: 4, wireType: WireType.fixed64 });
    assert.equal(r.readFixed64(), 1n << 40n);
    assert.deepEqual(r.readTag(), { field: 5, wireType: WireType.varint });
    assert.equal(r.readVarint(), 1n);
    assert.ok(r.done);
  });

  it("skips values of every supported wire type", () => {
    const bytes = new WireWriter().varint(1, 1n << 50n).string(2, "skip me").fixed32(3, 7).fixed64(4, 9n).varint(5, 42).finish();
    const r = new WireReader(bytes);
    for (let i = 0; i < 4; i++) r.skip(r.readTag().wireType);
    assert.deepEqual(r.readTag(), { field: 5, wireType: WireType.varint });
    assert.equal(r.readVarint(), 42n);
  });

  const malformed: { name: string; bytes: number[]; read: (r: WireReader) => unknown; error: RegExp }[] = [
    { name: "truncated varint", bytes: [0x80], read: (r) => r.readVarint(), error: /truncated varint/ },
    { name: "varint of 11 bytes", bytes: Array<number>(11).fill(0x80), read: (r) => r.readVarint(), error: /longer than 10 bytes/ },
    { name: "length beyond the end", bytes: [0x05, 0x61], read: (r) => r.readLengthDelimited(), error: /length 5 exceeds the 1 bytes left/ },
    { name: "truncated fixed32", bytes: [0x01, 0x02], read: (r) => r.readFixed32(), error: /truncated fixed32/ },
    { name: "truncated fixed64", bytes: [0x01, 0x02, 0x03, 0x04], read: (r) => r.readFixed64(), error: /truncated fixed64/ },
    { name: "field number zero", bytes: [0x02], read: (r) => r.readTag(), error: /invalid field number 0/ },
    { name: "start-group wire type", bytes: [0x0b], read: (r) => r.readTag(), error: /unsupported wire type 3 for field 1/ },
    { name: "wire type 7", bytes: [0x0f], read: (r) => r.readTag(), error: /unsupported wire type 7/ },
  ];
  for (const c of malformed) {
    it(`rejects ${c.name}`, () => {
      assert.throws(() => c.read(new WireReader(Uint8Array.from(c.bytes))), (e: unknown) => e instanceof ProtobufError && c.error.test(e.message));
    });
  }

  it("returns views that stay within the given slice", () => {
    const outer = Uint8Array.from([0xff, 0x03, 0x61, 0x62, 0x63, 0xff]);
    const r = new WireReader(outer.subarray(1, 5));
    assert.deepEqual([...r.readLengthDelimited()], [0x61, 0x62, 0x63]);
    assert.ok(r.done);
  });
});
