// A bounded fuzz of the query path (about two seconds): random bytes, mutations of good queries
// (bit flips, cuts, splices, count fields set high) and pointer-heavy names. The handler must
// never throw, and what it sends back must be a response to that query: QR set, the same id,
// within the UDP size the client allows.

import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { describe, it } from "node:test";
import { buildQuery } from "../wire/query-builder.js";
import { ClusterIndex } from "../zone/cluster-index.js";
import { matrixNamespaces, matrixServices, matrixSlices } from "../zone/matrix-fixtures.js";
import { QueryHandler } from "./query-handler.js";

const seeds = [
  buildQuery({ name: "nginx-service.default.svc.cluster.local", qtype: 1 }),
  buildQuery({ name: "_http._tcp.nginx-headless.default.svc.cluster.local", qtype: 33, edns: { udpSize: 4096 } }),
  buildQuery({ name: "252.0.0.10.in-addr.arpa", qtype: 12 }),
  buildQuery({ name: "nosuch.default.svc.cluster.local", qtype: 28, edns: { udpSize: 512 } }),
];

function mutate(seed: Buffer): Buffer {
  const b = Buffer.from(seed);
  switch (randomInt(0, 6)) {
    case 0:
      for (let i = randomInt(1, 8); i > 0; i--) b[randomInt(0, b.length)] ^= 1 << randomInt(0, 8);
      return b;
    case 1:
      return b.subarray(0, randomInt(0, b.length));
    case 2:
      return Buffer.concat([b.subarray(0, randomInt(12, b.length)), randomBytes(randomInt(0, 64))]);
    case 3:
      b.writeUInt16BE(randomInt(0, 65_536), 4 + 2 * randomInt(0, 4));
      return b;
    case 4: {
      // A name made of pointers and labels pointing anywhere.
      const name = Array.from({ length: randomInt(1, 20) }, () => (randomInt(0, 2) ? [0xc0 | randomInt(0, 4), randomInt(0, 256)] : [randomInt(0, 70), randomInt(0, 256)])).flat();
      return buildQuery({ nameBytes: Uint8Array.from(name) });
    }
    default:
      return randomBytes(randomInt(0, 600));
  }
}

describe("fuzzing the query path", () => {
  it("never throws and always answers the query it was given", () => {
    const index = new ClusterIndex();
    for (const n of matrixNamespaces) index.setNamespace(n);
    for (const s of matrixServices) index.setService(s);
    for (const s of matrixSlices) index.setSlice(s);
    const handler = new QueryHandler({ index, resolve: { zone: "cluster.local", ttl: 5, pods: "insecure" }, synced: () => true });
    const until = Date.now() + 2000;
    let packets = 0;
    let answered = 0;
    while (Date.now() < until) {
      for (let i = 0; i < 200; i++) {
        const packet = mutate(seeds[randomInt(0, seeds.length)]);
        packets++;
        for (const transport of ["udp", "tcp"] as const) {
          const reply = handler.handle(packet, transport);
          assert.ok(!(reply instanceof Promise), "no upstream: never asynchronous");
          if (reply === undefined) continue;
          answered++;
          assert.ok(reply.length >= 12, "at least a header");
          assert.equal(reply.readUInt16BE(0), packet.readUInt16BE(0), "the query's id");
          assert.ok(reply[2] & 0x80, "QR set");
          if (transport === "udp") assert.ok(reply.length <= 1232, `UDP reply of ${reply.length} bytes`);
        }
      }
    }
    assert.ok(packets > 10_000, `only ${packets} packets in 2 s`);
    assert.ok(answered > packets / 2, "most packets are answered (FORMERR at least)");
  });
});
