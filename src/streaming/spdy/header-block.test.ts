import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeHeaderBlock, encodeHeaderBlock, headerValue } from "./header-block.js";
import { SpdyProtocolError } from "./frame-types.js";

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

test("a header block: count, then length-prefixed names and NUL-joined values", async (t) => {
  const cases: { name: string; headers: Record<string, string[]>; wire: string }[] = [
    { name: "no headers (an empty SYN_REPLY)", headers: {}, wire: "00000000" },
    { name: "one header", headers: { port: ["80"] }, wire: "00000001 00000004 706f7274 00000002 3830" },
    { name: "two values of one name", headers: { a: ["x", "y"] }, wire: "00000001 00000001 61 00000003 780079" },
    { name: "an empty value", headers: { a: [""] }, wire: "00000001 00000001 61 00000000" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(encodeHeaderBlock(c.headers).toString("hex"), hex(c.wire).toString("hex"));
      assert.deepEqual(decodeHeaderBlock(hex(c.wire)), c.headers);
    });
  }
});

test("names are sent lowercase, as kubectl's streamType/requestID arrive", () => {
  const block = encodeHeaderBlock({ streamType: ["data"], requestID: ["0"], port: ["80"] });
  const headers = decodeHeaderBlock(block);
  assert.deepEqual(Object.keys(headers), ["streamtype", "requestid", "port"]);
  assert.equal(headerValue(headers, "streamType"), "data");
  assert.equal(headerValue(headers, "requestID"), "0");
  assert.equal(headerValue(headers, "missing"), undefined);
});

test("malformed blocks are refused", async (t) => {
  const cases: { name: string; wire: string }[] = [
    { name: "truncated count", wire: "0000" },
    { name: "more headers announced than present", wire: "00000002 00000001 61 00000001 62" },
    { name: "name longer than the block", wire: "00000001 000000ff 61" },
    { name: "empty name", wire: "00000001 00000000 00000000" },
    { name: "uppercase name", wire: "00000001 00000001 41 00000000" },
    { name: "a name twice", wire: "00000002 00000001 61 00000000 00000001 61 00000000" },
    { name: "bytes after the last header", wire: "00000000 00" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.throws(
        () => decodeHeaderBlock(hex(c.wire)),
        (e: unknown) => e instanceof SpdyProtocolError && e.code === "InvalidHeaderBlock",
      );
    });
  }
  assert.throws(() => encodeHeaderBlock({ A: ["1"], a: ["2"] }), RangeError);
  assert.throws(() => encodeHeaderBlock({ "": ["1"] }), RangeError);
});
