// The cluster DNS on real sockets (loopback, a free port), asked by the real `dig`: every name of
// the reference's query list gives the resolver's records on the wire (rcode, AA, sections), over
// UDP and TCP; the client's case is echoed; large answers truncate over UDP and come whole over
// TCP; malformed packets get FORMERR or nothing; metrics count what was asked.

import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { rcodeName, RRType } from "../wire/dns-constants.js";
import { buildQuery } from "../wire/query-builder.js";
import { ClusterIndex } from "../zone/cluster-index.js";
import { matrixNamespaces, matrixServices, matrixSlices } from "../zone/matrix-fixtures.js";
import { presentRecord } from "../zone/records.js";
import type { ResolveOptions } from "../zone/resolve.js";
import { resolve } from "../zone/resolve.js";
import { dig } from "./dig.js";
import { DnsMetrics } from "./dns-metrics.js";
import type { DnsListener } from "./dns-listener.js";
import { listenDns } from "./dns-listener.js";
import { QueryHandler } from "./query-handler.js";

/** The reference's query list (dns-peer/queries.txt), the matrix names. */
const QUERIES = `dns-version.cluster.local TXT
nginx-service.default.svc.cluster.local A
nginx-service.default.svc.cluster.local AAAA
nginx-service.default.svc.cluster.local TXT
_http._tcp.nginx-service.default.svc.cluster.local SRV
_https._tcp.nginx-service.default.svc.cluster.local SRV
_http._udp.nginx-service.default.svc.cluster.local SRV
nginx-service.default.svc.cluster.local SRV
252.0.0.10.in-addr.arpa PTR
99.0.0.10.in-addr.arpa PTR
nginx-headless.default.svc.cluster.local A
nginx-headless.default.svc.cluster.local AAAA
web-0.nginx-headless.default.svc.cluster.local A
web-9.nginx-headless.default.svc.cluster.local A
_http._tcp.nginx-headless.default.svc.cluster.local SRV
2.13.1.10.in-addr.arpa PTR
my-db.default.svc.cluster.local CNAME
my-db.default.svc.cluster.local A
_http._tcp.my-db.default.svc.cluster.local SRV
nginx-v6.default.svc.cluster.local AAAA
nginx-v6.default.svc.cluster.local A
c.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa PTR
kubernetes.default.svc.cluster.local A
_https._tcp.kubernetes.default.svc.cluster.local SRV
nosuch.default.svc.cluster.local A
nginx-service.nosuchns.svc.cluster.local A
default.svc.cluster.local A
svc.cluster.local A
cluster.local SOA
cluster.local NS
cluster.local A
foo.cluster.local A
_tcp.nginx-service.default.svc.cluster.local A
10-1-13-2.default.pod.cluster.local A
hl-deploy.default.svc.cluster.local SRV
dual.default.svc.cluster.local AAAA
empty-headless.default.svc.cluster.local A
ns.dns.cluster.local A`
  .split("\n")
  .map((l) => l.split(" ") as [string, keyof typeof RRType]);

describe("svcnet dns on loopback, asked by dig", () => {
  const options: Omit<ResolveOptions, "synced"> = { zone: "cluster.local", ttl: 5, pods: "disabled", dnsService: { namespace: "kube-system", name: "kube-dns" } };
  const index = new ClusterIndex();
  let listener: DnsListener;
  let metrics: DnsMetrics;
  let handler: QueryHandler;
  const at = (extra: Partial<Parameters<typeof dig>[2]> = {}): Parameters<typeof dig>[2] => ({ server: "127.0.0.1", port: listener.port, ...extra });

  before(async () => {
    for (const n of matrixNamespaces) index.setNamespace(n);
    for (const s of matrixServices) index.setService(s);
    for (const s of matrixSlices) index.setSlice(s);
    // A headless service with 100 ready endpoints: its A answer does not fit in 512 or 1232 bytes.
    index.setService({ apiVersion: "v1", kind: "Service", metadata: { namespace: "default", name: "big" }, spec: { clusterIP: "None", ports: [{ name: "http", port: 80 }] } });
    index.setSlice({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { namespace: "default", name: "big-1", labels: { "kubernetes.io/service-name": "big" } },
      addressType: "IPv4",
      endpoints: Array.from({ length: 100 }, (_, i) => ({ addresses: [`10.1.20.${i + 1}`], conditions: { ready: true } })),
      ports: [{ name: "http", port: 80, protocol: "TCP" }],
    });
    metrics = new DnsMetrics({ zone: "cluster.local", cacheEntries: () => handler.cacheEntries, indexSize: () => index.size() });
    handler = new QueryHandler({ index, resolve: options, synced: () => true, metrics });
    listener = await listenDns({ handler, host: "127.0.0.1", port: 0 });
  });
  after(() => listener?.close());

  for (const [name, type] of QUERIES) {
    it(`${name} ${type}: dig sees the resolver's answer (UDP and TCP)`, async () => {
      const want = resolve(index, name, RRType[type], { ...options, synced: true });
      for (const tcp of [false, true]) {
        const got = await dig(name, type, at({ tcp }));
        assert.equal(got.rcode, rcodeName(want.rcode), got.text);
        assert.equal(got.flags.includes("aa"), want.authoritative, `AA bit: ${got.text}`);
        assert.deepEqual(got.answer.sort(), want.answer.map(presentRecord).sort(), got.text);
        assert.deepEqual(got.authority, want.authority.map(presentRecord), got.text);
        assert.deepEqual(got.additional.sort(), want.additional.map(presentRecord).sort(), got.text);
      }
    });
  }

  it("row 3: the answer's owner name keeps the query's case", async () => {
    const got = await dig("NGINX-Service.Default.SVC.cluster.local", "A", at());
    assert.deepEqual(got.answer, ["NGINX-Service.Default.SVC.cluster.local. 5 IN A 10.0.0.252"]);
    const again = await dig("nginx-SERVICE.default.svc.cluster.local", "A", at());
    assert.deepEqual(again.answer, ["nginx-SERVICE.default.svc.cluster.local. 5 IN A 10.0.0.252"], "a cached answer too");
  });

  it("a large answer is truncated over UDP (TC, no records) and whole over TCP", async () => {
    for (const bufsize of [0, 1232]) {
      const udp = await dig("big.default.svc.cluster.local", "A", at({ bufsize, ignoreTruncation: true }));
      assert.ok(udp.flags.includes("tc"), udp.text);
      assert.deepEqual(udp.answer, []);
    }
    const retried = await dig("big.default.svc.cluster.local", "A", at());
    assert.equal(retried.answer.length, 100, "dig retried over TCP after TC");
    const tcp = await dig("big.default.svc.cluster.local", "A", at({ tcp: true }));
    assert.equal(tcp.answer.length, 100);
  });

  it("a large EDNS buffer is honoured up to 1232 bytes; SRV additional records go first when space runs out", async () => {
    const srv = await dig("_http._tcp.big.default.svc.cluster.local", "SRV", at({ bufsize: 4096, ignoreTruncation: true }));
    // 100 SRV records do not fit in 1232 bytes even without their additional records.
    assert.ok(srv.flags.includes("tc"), srv.text);
  });

  it("malformed packets: FORMERR with the id, or nothing for what cannot be answered", async () => {
    const socket = createSocket("udp4");
    try {
      const ask = (packet: Buffer): Promise<Buffer | undefined> =>
        new Promise((resolveReply) => {
          const timer = setTimeout(() => {
            socket.off("message", onMessage);
            resolveReply(undefined);
          }, 300);
          const onMessage = (msg: Buffer): void => {
            clearTimeout(timer);
            socket.off("message", onMessage);
            resolveReply(msg);
          };
          socket.on("message", onMessage);
          socket.send(packet, listener.port, "127.0.0.1");
        });
      const loop = await ask(buildQuery({ id: 0x4242, nameBytes: Uint8Array.from([0xc0, 12]) }));
      assert.ok(loop);
      assert.equal(loop.readUInt16BE(0), 0x4242);
      assert.equal(loop[3] & 0xf, 1, "FORMERR");
      assert.equal(await ask(Buffer.from([1, 2, 3])), undefined, "too short: dropped");
      assert.equal(await ask(buildQuery({ name: "x.cluster.local", flags: 0x8000 })), undefined, "a response: dropped");
    } finally {
      socket.close();
    }
  });

  it("metrics count requests by type and responses by rcode", () => {
    const text = metrics.registry.render();
    const series = (name: string, labels: string[]): number[] =>
      text
        .split("\n")
        .filter((l) => l.startsWith(`${name}{`) && labels.every((x) => l.includes(x)))
        .map((l) => Number(l.slice(l.lastIndexOf(" ") + 1)));
    assert.ok(series("coredns_dns_requests_total", ['proto="udp"', 'type="A"', 'zone="cluster.local."'])[0] > 10);
    assert.ok(series("coredns_dns_requests_total", ['proto="tcp"', 'type="SRV"'])[0] > 0);
    assert.ok(series("coredns_dns_responses_total", ['rcode="NXDOMAIN"'])[0] > 0);
    assert.ok(series("coredns_dns_responses_total", ['rcode="FORMERR"'])[0] > 0);
    assert.ok(series("coredns_dns_request_duration_seconds_count", ['type="SRV"'])[0] > 0);
    assert.ok(series("coredns_cache_entries", ['type="response"'])[0] > 0);
    assert.ok(series("svcnet_dns_dropped_packets_total", ['reason="short"'])[0] > 0);
  });
});
