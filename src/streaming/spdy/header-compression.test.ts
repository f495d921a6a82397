import { test } from "node:test";
import assert from "node:assert/strict";
import { FrameParser } from "./frame-codec.js";
import { SpdyProtocolError } from "./frame-types.js";
import type { SpdyHeaders } from "./header-block.js";
import { decodeHeaderBlock, encodeHeaderBlock } from "./header-block.js";
import { HeaderDeflater, HeaderInflater } from "./header-compression.js";
import { SPDY3_DICTIONARY } from "./header-dictionary.js";

function adler32(bytes: Buffer): number {
  let a = 1;
  let b = 0;
  for (const x of bytes) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

// The start of what kubectl 1.32 sent over `Upgrade: SPDY/3.1` for one local connection to
// port 80: SYN_STREAM 1 (error stream), its empty DATA+FIN, SYN_STREAM 3 (data stream), whose
// header block only makes sense after the first one's.
const KUBECTL_STREAMS =
  "800300010000003d0000000100000000000078f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45a024cc6461c0c0c0c0590489c44c50e2663400000000ffff" +
  "0000000101000000" +
  "800300010000001800000003000000000000c2aa15540a2512d209000000ffff";

test("the dictionary is the one kubectl's zlib streams name (DICTID e3c6a7c2, 1423 bytes)", () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(adler32(SPDY3_DICTIONARY).toString(16), "e3c6a7c2");
});

test("kubectl's SYN_STREAMs decode, in order, to its port-forward headers", async () => {
  const frames = new FrameParser().push(Buffer.from(KUBECTL_STREAMS, "hex"));
  assert.deepEqual(frames.map((f) => f.kind), ["syn_stream", "data", "syn_stream"]);
  const inflater = new HeaderInflater();
  try {
    const blocks = frames.flatMap((f) => (f.kind === "syn_stream" ? [f.headerBlock] : []));
    const headers = [];
    for (const block of blocks) headers.push(decodeHeaderBlock(await inflater.inflate(block)));
    assert.deepEqual(headers, [
      { streamtype: ["error"], port: ["80"], requestid: ["0"] },
      { streamtype: ["data"], port: ["80"], requestid: ["0"] },
    ]);
  } finally {
    inflater.close();
  }
});

test("blocks compressed in one context decompress in one context, and only in order", async () => {
  const deflater = new HeaderDeflater();
  const inflater = new HeaderInflater();
  const fresh = new HeaderInflater();
  try {
    const sent: SpdyHeaders[] = [{ streamtype: ["error"], port: ["8080"], requestid: ["7"] }, { streamtype: ["data"], port: ["8080"], requestid: ["7"] }, {}];
    const compressed = await Promise.all(sent.map((h) => deflater.deflate(encodeHeaderBlock(h))));
    // A zlib header naming the SPDY dictionary opens the stream: FDICT set, DICTID e3c6a7c2.
    assert.equal(compressed[0][1] & 0x20, 0x20);
    assert.equal(compressed[0].subarray(2, 6).toString("hex"), "e3c6a7c2");
    // Each block ends with a sync flush, so it can be read before the next arrives.
    for (const block of compressed) assert.equal(block.subarray(-4).toString("hex"), "0000ffff");
    const got = await Promise.all(compressed.map(async (c) => decodeHeaderBlock(await inflater.inflate(c))));
    assert.deepEqual(got, sent);
    // The second block alone is not a zlib stream.
    await assert.rejects(fresh.inflate(compressed[1]), (e: unknown) => e instanceof SpdyProtocolError && e.code === "InvalidHeaderBlock");
  } finally {
    deflater.close();
    inflater.close();
    fresh.close();
  }
});

test("bytes that are not a zlib stream with the SPDY dictionary are refused", async () => {
  const inflater = new HeaderInflater();
  try {
    // A zlib stream whose DICTID names another dictionary.
    await assert.rejects(inflater.inflate(Buffer.from("78f901020304", "hex")), SpdyProtocolError);
  } finally {
    inflater.close();
  }
});
