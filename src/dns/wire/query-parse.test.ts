import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildQuery, encodeName } from "./query-builder.js";
import { BADVERS, parseQuery, readName } from "./query-parse.js";

const NAME = "nginx-service.default.svc.cluster.local";

describe("parseQuery: queries it answers", () => {
  it("a plain query, name lower-cased, RD kept", () => {
    const r = parseQuery(buildQuery({ id: 0xbeef, name: "NGINX-Service.Default.svc.cluster.local", qtype: 1 }));
    assert.equal(r.kind, "query");
    if (r.kind !== "query") return;
    assert.deepEqual(r.query, { id: 0xbeef, recursionDesired: true, name: NAME, qtype: 1, qclass: 1, questionEnd: 12 + encodeName(NAME).length + 4 });
  });
  it("EDNS: size (at least 512), version, DO bit", () => {
    const r = parseQuery(buildQuery({ name: NAME, edns: { udpSize: 100, dnssecOk: true } }));
    assert.equal(r.kind, "query");
    if (r.kind === "query") assert.deepEqual(r.query.edns, { udpSize: 512, version: 0, dnssecOk: true });
  });
  it("the root name", () => {
    const r = parseQuery(buildQuery({ name: "", qtype: 2 }));
    assert.ok(r.kind === "query" && r.query.name === "");
  });
  it("odd bytes in a label are escaped, never read as a dot", () => {
    const bytes = Uint8Array.from([3, 0x61, 0x2e, 0x62, 5, ...Buffer.from("local"), 0]);
    assert.equal(readName(bytes, 0).name, "a\\.b.local");
    assert.equal(readName(Uint8Array.from([2, 0x00, 0x41, 0]), 0).name, "\\000a");
  });
});

describe("parseQuery: what it refuses", () => {
  const long = Array.from({ length: 5 }, () => "a".repeat(60)).join(".");
  const cases: { name: string; packet: Buffer; want: { kind: string; rcode?: number; reason?: RegExp } }[] = [
    { name: "shorter than a header", packet: Buffer.alloc(11), want: { kind: "drop", reason: /shorter/ } },
    { name: "a response", packet: buildQuery({ name: NAME, flags: 0x8100 }), want: { kind: "drop", reason: /response/ } },
    { name: "opcode NOTIFY", packet: buildQuery({ name: NAME, flags: 4 << 11 }), want: { kind: "error", rcode: 4 } },
    { name: "no question", packet: buildQuery({ name: NAME, qdcount: 0 }), want: { kind: "error", rcode: 1, reason: /0 questions/ } },
    { name: "two questions", packet: buildQuery({ name: NAME, qdcount: 2 }), want: { kind: "error", rcode: 1 } },
    { name: "name cut short", packet: buildQuery({ nameBytes: Uint8Array.from([7, 0x61, 0x62]) }).subarray(0, 15), want: { kind: "error", rcode: 1, reason: /past the end/ } },
    { name: "label longer than 63", packet: buildQuery({ nameBytes: Uint8Array.from([64, ...Buffer.alloc(64, 0x61), 0]) }), want: { kind: "error", rcode: 1 } },
    { name: "name longer than 255", packet: buildQuery({ name: long }), want: { kind: "error", rcode: 1, reason: /255/ } },
    { name: "pointer to itself", packet: buildQuery({ nameBytes: Uint8Array.from([0xc0, 12]) }), want: { kind: "error", rcode: 1, reason: /backwards/ } },
    { name: "pointer into the header", packet: buildQuery({ nameBytes: Uint8Array.from([0xc0, 2]) }), want: { kind: "error", rcode: 1, reason: /header/ } },
    { name: "reserved label type", packet: buildQuery({ nameBytes: Uint8Array.from([0x40, 0]) }), want: { kind: "error", rcode: 1 } },
    { name: "absurd additional count", packet: buildQuery({ name: NAME, arcount: 65535 }), want: { kind: "error", rcode: 1 } },
    {
      name: "two OPT records",
      packet: buildQuery({ name: NAME, edns: { udpSize: 1232 }, arcount: 2, tail: Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]) }),
      want: { kind: "error", rcode: 1, reason: /OPT/ },
    },
    { name: "EDNS version 1", packet: buildQuery({ name: NAME, edns: { udpSize: 1232, version: 1 } }), want: { kind: "error", rcode: BADVERS } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = parseQuery(c.packet);
      assert.equal(r.kind, c.want.kind);
      if (r.kind === "error") {
        assert.equal(r.error.rcode, c.want.rcode);
        if (c.want.reason) assert.match(r.error.reason, c.want.reason);
      }
      if (r.kind === "drop" && c.want.reason) assert.match(r.reason, c.want.reason);
    });
  }
});
