import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeFrame, FrameParser } from "./frame-codec.js";
import type { SpdyFrame, SpdyProtocolErrorCode } from "./frame-types.js";
import { SpdyProtocolError } from "./frame-types.js";

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");
const text = (s: string): Buffer => Buffer.from(s, "latin1");

// Each frame with its exact wire bytes (SPDY/3 draft, section 2.2 and 2.6).
const cases: { name: string; frame: SpdyFrame; wire: string }[] = [
  { name: "DATA", frame: { kind: "data", streamId: 1, fin: false, data: text("hi") }, wire: "00000001 00000002 6869" },
  { name: "DATA with FIN and no payload", frame: { kind: "data", streamId: 3, fin: true, data: Buffer.alloc(0) }, wire: "00000003 01000000" },
  {
    name: "SYN_STREAM",
    frame: { kind: "syn_stream", streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock: text("abc") },
    wire: "80030001 0000000d 00000001 00000000 00 00 616263",
  },
  {
    name: "SYN_STREAM with FIN, UNIDIRECTIONAL, priority 7, slot 2, associated stream",
    frame: { kind: "syn_stream", streamId: 7, associatedStreamId: 2, priority: 7, slot: 2, fin: true, unidirectional: true, headerBlock: Buffer.alloc(0) },
    wire: "80030001 0300000a 00000007 00000002 e0 02",
  },
  { name: "SYN_REPLY", frame: { kind: "syn_reply", streamId: 1, fin: false, headerBlock: text("x") }, wire: "80030002 00000005 00000001 78" },
  { name: "RST_STREAM (CANCEL)", frame: { kind: "rst_stream", streamId: 5, status: 5 }, wire: "80030003 00000008 00000005 00000005" },
  {
    name: "SETTINGS (clear; persist INITIAL_WINDOW_SIZE=65536)",
    frame: { kind: "settings", clearSettings: true, entries: [{ flags: 1, id: 7, value: 65536 }] },
    wire: "80030004 0100000c 00000001 01000007 00010000",
  },
  { name: "SETTINGS without entries", frame: { kind: "settings", clearSettings: false, entries: [] }, wire: "80030004 00000004 00000000" },
  { name: "PING", frame: { kind: "ping", id: 1 }, wire: "80030006 00000004 00000001" },
  { name: "GOAWAY", frame: { kind: "goaway", lastGoodStreamId: 3, status: 0 }, wire: "80030007 00000008 00000003 00000000" },
  { name: "HEADERS with FIN", frame: { kind: "headers", streamId: 1, fin: true, headerBlock: Buffer.alloc(0) }, wire: "80030008 01000004 00000001" },
  { name: "WINDOW_UPDATE", frame: { kind: "window_update", streamId: 1, delta: 65536 }, wire: "80030009 00000008 00000001 00010000" },
  { name: "an unknown control type (CREDENTIAL)", frame: { kind: "unknown", type: 10, flags: 0, payload: text("zz") }, wire: "8003000a 00000002 7a7a" },
  { name: "DATA on the highest stream id", frame: { kind: "data", streamId: 0x7fffffff, fin: false, data: text("z") }, wire: "7fffffff 00000001 7a" },
];

test("each frame type encodes to its wire bytes and decodes back", async (t) => {
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(encodeFrame(c.frame).toString("hex"), hex(c.wire).toString("hex"));
      assert.deepEqual(new FrameParser().push(hex(c.wire)), [c.frame]);
    });
  }
});

test("the parser reassembles frames fed one byte at a time, and several in one chunk", () => {
  const all = Buffer.concat(cases.map((c) => hex(c.wire)));
  const parser = new FrameParser();
  const got: SpdyFrame[] = [];
  for (const byte of all) got.push(...parser.push(Buffer.from([byte])));
  assert.deepEqual(got, cases.map((c) => c.frame));
  assert.equal(parser.buffered, 0);
  assert.deepEqual(new FrameParser().push(all), cases.map((c) => c.frame));
});

test("a partial frame waits for the rest", () => {
  const parser = new FrameParser();
  assert.deepEqual(parser.push(hex("00000001 00000004 6162")), []);
  assert.equal(parser.buffered, 10);
  assert.deepEqual(parser.push(hex("6364 80030006")), [{ kind: "data", streamId: 1, fin: false, data: text("abcd") }]);
  assert.equal(parser.buffered, 4);
});

test("bytes that are not SPDY/3 are refused with a stable code", async (t) => {
  const bad: { name: string; wire: string; code: SpdyProtocolErrorCode }[] = [
    { name: "SPDY/2 control frame", wire: "80020006 00000004 00000001", code: "UnsupportedVersion" },
    { name: "DATA on stream 0", wire: "00000000 00000000", code: "ZeroStreamId" },
    { name: "SYN_STREAM for stream 0", wire: "80030001 0000000a 00000000 00000000 0000", code: "ZeroStreamId" },
    { name: "SYN_STREAM shorter than its fixed fields", wire: "80030001 00000004 00000001", code: "InvalidFrame" },
    { name: "RST_STREAM of 4 bytes", wire: "80030003 00000004 00000001", code: "InvalidFrame" },
    { name: "RST_STREAM with status 0", wire: "80030003 00000008 00000001 00000000", code: "InvalidFrame" },
    { name: "PING with id 0", wire: "80030006 00000004 00000000", code: "InvalidFrame" },
    { name: "SETTINGS whose count does not match its length", wire: "80030004 00000004 00000001", code: "InvalidFrame" },
    { name: "GOAWAY of 4 bytes (SPDY/2 size)", wire: "80030007 00000004 00000001", code: "InvalidFrame" },
    { name: "WINDOW_UPDATE of 4 bytes", wire: "80030009 00000004 00000001", code: "InvalidFrame" },
  ];
  for (const c of bad) {
    await t.test(c.name, () => {
      assert.throws(
        () => new FrameParser().push(hex(c.wire)),
        (e: unknown) => e instanceof SpdyProtocolError && e.code === c.code,
      );
    });
  }
});

test("frames that cannot be encoded are refused", () => {
  assert.throws(() => encodeFrame({ kind: "data", streamId: 0, fin: false, data: Buffer.alloc(0) }), RangeError);
  assert.throws(() => encodeFrame({ kind: "rst_stream", streamId: 0x80000000, status: 5 }), RangeError);
  assert.throws(() => encodeFrame({ kind: "data", streamId: 1, fin: false, data: Buffer.alloc(0x1000000) }), RangeError);
});
