// --upstream: names outside the cluster zones are forwarded (UDP and TCP), an ExternalName's
// target is followed there (matrix row 26), and a silent upstream means SERVFAIL (or the CNAME
// alone for a chase). The upstream is a tiny responder on loopback answering A 192.0.2.7.

import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import type { Socket } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { parseQuery } from "../wire/query-parse.js";
import { writeResponse } from "../wire/response-write.js";
import { ClusterIndex } from "../zone/cluster-index.js";
import { matrixNamespaces, matrixServices } from "../zone/matrix-fixtures.js";
import { dig } from "./dig.js";
import type { DnsListener } from "./dns-listener.js";
import { listenDns } from "./dns-listener.js";
import { QueryHandler } from "./query-handler.js";
import { udpForwarder } from "./upstream.js";

describe("forwarding to an upstream", () => {
  let upstream: Socket;
  let upstreamPort = 0;
  let withUpstream: DnsListener;
  let silent: DnsListener;
  const forwarders: { close(): void }[] = [];

  before(async () => {
    upstream = createSocket("udp4");
    upstream.on("message", (msg, rinfo) => {
      const p = parseQuery(msg);
      if (p.kind !== "query") return;
      const q = p.query;
      const frame = { id: q.id, recursionDesired: q.recursionDesired, opcode: 0, query: msg, questionEnd: q.questionEnd };
      upstream.send(writeResponse(frame, { rcode: 0, authoritative: false, answer: q.qtype === 1 ? [{ name: q.name, ttl: 60, type: 1, address: "192.0.2.7" }] : [], authority: [], additional: [] }, 512), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => upstream.bind(0, "127.0.0.1", () => r()));
    upstreamPort = upstream.address().port;
    const index = new ClusterIndex();
    for (const n of matrixNamespaces) index.setNamespace(n);
    for (const s of matrixServices) index.setService(s);
    const start = async (port: number): Promise<DnsListener> => {
      const f = udpForwarder({ host: "127.0.0.1", port }, 300);
      forwarders.push(f);
      const handler = new QueryHandler({ index, resolve: { zone: "cluster.local", ttl: 5, pods: "disabled" }, synced: () => true, forward: f.forward });
      return listenDns({ handler, host: "127.0.0.1", port: 0 });
    };
    withUpstream = await start(upstreamPort);
    // A port where nothing answers: the forwarder times out.
    silent = await start(9);
  });
  after(async () => {
    await withUpstream?.close();
    await silent?.close();
    for (const f of forwarders) f.close();
    upstream?.close();
  });

  it("forwards names outside the cluster zones", async () => {
    const got = await dig("www.example.com", "A", { server: "127.0.0.1", port: withUpstream.port });
    assert.deepEqual([got.rcode, got.answer], ["NOERROR", ["www.example.com. 60 IN A 192.0.2.7"]], got.text);
  });

  it("row 26: an ExternalName's target is followed upstream", async () => {
    const got = await dig("my-db.default.svc.cluster.local", "A", { server: "127.0.0.1", port: withUpstream.port });
    assert.deepEqual(got.answer, ["my-db.default.svc.cluster.local. 5 IN CNAME db.example.com.", "db.example.com. 60 IN A 192.0.2.7"], got.text);
    assert.ok(got.flags.includes("aa"));
  });

  it("a silent upstream: SERVFAIL for forwarded names, the CNAME alone for a chase", async () => {
    const forwarded = await dig("www.example.com", "A", { server: "127.0.0.1", port: silent.port });
    assert.equal(forwarded.rcode, "SERVFAIL");
    const chased = await dig("my-db.default.svc.cluster.local", "A", { server: "127.0.0.1", port: silent.port });
    assert.deepEqual([chased.rcode, chased.answer], ["NOERROR", ["my-db.default.svc.cluster.local. 5 IN CNAME db.example.com."]]);
  });
});
