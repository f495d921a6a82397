// The DNS test matrix of ../shared/reference/dns-env.md §2.2, row by row, against the resolver.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rcodeName, RRType } from "../wire/dns-constants.js";
import { ClusterIndex, dashedIP } from "./cluster-index.js";
import { matrixNamespaces, matrixServices, matrixSlices } from "./matrix-fixtures.js";
import { presentRecord } from "./records.js";
import type { ResolveOptions } from "./resolve.js";
import { podNameIP, resolve, reverseNameIP } from "./resolve.js";

const SERIAL = 1_790_000_000;

function matrixIndex(): ClusterIndex {
  const index = new ClusterIndex(() => SERIAL * 1000);
  for (const n of matrixNamespaces) index.setNamespace(n);
  for (const s of matrixServices) index.setService(s);
  for (const s of matrixSlices) index.setSlice(s);
  index.setPod({ apiVersion: "v1", kind: "Pod", metadata: { namespace: "default", name: "web-0" }, spec: { containers: [] }, status: { podIP: "10.1.13.2" } });
  return index;
}

const base: ResolveOptions = { zone: "cluster.local", ttl: 5, pods: "disabled", synced: true, dnsService: { namespace: "kube-system", name: "kube-dns" } };
const SOA = `cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ${SERIAL} 7200 1800 86400 5`;
const REV_SOA = `in-addr.arpa. 5 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. ${SERIAL} 7200 1800 86400 5`;

interface Row {
  row: string;
  name: string;
  type: keyof typeof RRType;
  rcode: string;
  answer?: string[];
  authority?: string[];
  additional?: string[];
  aa?: boolean;
  chase?: boolean;
  options?: Partial<ResolveOptions>;
}

const nx = (row: string, name: string, type: keyof typeof RRType = "A", authority = [SOA]): Row => ({ row, name, type, rcode: "NXDOMAIN", answer: [], authority });
const nodata = (row: string, name: string, type: keyof typeof RRType, authority = [SOA]): Row => ({ row, name, type, rcode: "NOERROR", answer: [], authority });

const rows: Row[] = [
  { row: "1", name: "dns-version.cluster.local", type: "TXT", rcode: "NOERROR", answer: ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'] },
  { row: "2", name: "nginx-service.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["nginx-service.default.svc.cluster.local. 5 IN A 10.0.0.252"] },
  nodata("4", "nginx-service.default.svc.cluster.local", "AAAA"),
  nodata("5 TXT", "nginx-service.default.svc.cluster.local", "TXT"),
  nodata("5 MX", "nginx-service.default.svc.cluster.local", "MX"),
  nodata("5 SOA", "nginx-service.default.svc.cluster.local", "SOA"),
  nodata("5 NS", "nginx-service.default.svc.cluster.local", "NS"),
  {
    row: "6",
    name: "_http._tcp.nginx-service.default.svc.cluster.local",
    type: "SRV",
    rcode: "NOERROR",
    answer: ["_http._tcp.nginx-service.default.svc.cluster.local. 5 IN SRV 0 100 8000 nginx-service.default.svc.cluster.local."],
    additional: ["nginx-service.default.svc.cluster.local. 5 IN A 10.0.0.252"],
  },
  nx("7", "_https._tcp.nginx-service.default.svc.cluster.local", "SRV"),
  nx("8", "_http._udp.nginx-service.default.svc.cluster.local", "SRV"),
  {
    row: "9",
    name: "nginx-service.default.svc.cluster.local",
    type: "SRV",
    rcode: "NOERROR",
    answer: ["nginx-service.default.svc.cluster.local. 5 IN SRV 0 100 8000 nginx-service.default.svc.cluster.local."],
    additional: ["nginx-service.default.svc.cluster.local. 5 IN A 10.0.0.252"],
  },
  { row: "10", name: "252.0.0.10.in-addr.arpa", type: "PTR", rcode: "NOERROR", answer: ["252.0.0.10.in-addr.arpa. 5 IN PTR nginx-service.default.svc.cluster.local."] },
  { row: "10b endpoint of a ClusterIP service", name: "7.12.1.10.in-addr.arpa", type: "PTR", rcode: "NOERROR", answer: ["7.12.1.10.in-addr.arpa. 5 IN PTR 10-1-12-7.nginx-service.default.svc.cluster.local."] },
  { row: "11", name: "10-1-12-7.nginx-service.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["10-1-12-7.nginx-service.default.svc.cluster.local. 5 IN A 10.1.12.7"] },
  {
    row: "12",
    name: "nginx-headless.default.svc.cluster.local",
    type: "A",
    rcode: "NOERROR",
    answer: ["nginx-headless.default.svc.cluster.local. 5 IN A 10.1.13.2", "nginx-headless.default.svc.cluster.local. 5 IN A 10.1.13.3", "nginx-headless.default.svc.cluster.local. 5 IN A 10.1.13.4"],
  },
  nodata("13", "nginx-headless.default.svc.cluster.local", "AAAA"),
  { row: "14", name: "web-1.nginx-headless.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["web-1.nginx-headless.default.svc.cluster.local. 5 IN A 10.1.13.3"] },
  nx("15", "web-9.nginx-headless.default.svc.cluster.local"),
  {
    row: "16",
    name: "_http._tcp.nginx-headless.default.svc.cluster.local",
    type: "SRV",
    rcode: "NOERROR",
    answer: [0, 1, 2].map((i) => `_http._tcp.nginx-headless.default.svc.cluster.local. 5 IN SRV 0 33 8000 web-${i}.nginx-headless.default.svc.cluster.local.`),
    additional: [0, 1, 2].map((i) => `web-${i}.nginx-headless.default.svc.cluster.local. 5 IN A 10.1.13.${i + 2}`),
  },
  { row: "17", name: "3.13.1.10.in-addr.arpa", type: "PTR", rcode: "NOERROR", answer: ["3.13.1.10.in-addr.arpa. 5 IN PTR web-1.nginx-headless.default.svc.cluster.local."] },
  { row: "18", name: "hl-deploy.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["hl-deploy.default.svc.cluster.local. 5 IN A 10.1.14.5"] },
  { row: "19", name: "10-1-14-5.hl-deploy.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["10-1-14-5.hl-deploy.default.svc.cluster.local. 5 IN A 10.1.14.5"] },
  nx("20", "_http._tcp.hl-deploy.default.svc.cluster.local", "SRV"),
  {
    row: "21",
    name: "hl-deploy.default.svc.cluster.local",
    type: "SRV",
    rcode: "NOERROR",
    answer: ["hl-deploy.default.svc.cluster.local. 5 IN SRV 0 100 9000 10-1-14-5.hl-deploy.default.svc.cluster.local."],
    additional: ["10-1-14-5.hl-deploy.default.svc.cluster.local. 5 IN A 10.1.14.5"],
  },
  { row: "22", name: "5.14.1.10.in-addr.arpa", type: "PTR", rcode: "NOERROR", answer: ["5.14.1.10.in-addr.arpa. 5 IN PTR 10-1-14-5.hl-deploy.default.svc.cluster.local."] },
  nx("23", "empty-headless.default.svc.cluster.local"),
  { row: "24", name: "empty-svc.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["empty-svc.default.svc.cluster.local. 5 IN A 10.0.0.77"] },
  { row: "25", name: "my-db.default.svc.cluster.local", type: "CNAME", rcode: "NOERROR", answer: ["my-db.default.svc.cluster.local. 5 IN CNAME db.example.com."] },
  { row: "26", name: "my-db.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["my-db.default.svc.cluster.local. 5 IN CNAME db.example.com."], chase: true },
  nx("27 SRV", "_http._tcp.my-db.default.svc.cluster.local", "SRV"),
  nx("27 A", "x.my-db.default.svc.cluster.local"),
  { row: "28 AAAA", name: "nginx-v6.default.svc.cluster.local", type: "AAAA", rcode: "NOERROR", answer: ["nginx-v6.default.svc.cluster.local. 5 IN AAAA 2001:db8::fc"] },
  nodata("28 A", "nginx-v6.default.svc.cluster.local", "A"),
  {
    row: "29",
    name: "c.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
    type: "PTR",
    rcode: "NOERROR",
    answer: ["c.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 5 IN PTR nginx-v6.default.svc.cluster.local."],
  },
  { row: "30 A", name: "dual.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["dual.default.svc.cluster.local. 5 IN A 10.0.0.88"] },
  { row: "30 AAAA", name: "dual.default.svc.cluster.local", type: "AAAA", rcode: "NOERROR", answer: ["dual.default.svc.cluster.local. 5 IN AAAA 2001:db8::88"] },
  nx("31", "nosuch.default.svc.cluster.local"),
  nx("32", "nginx-service.nosuchns.svc.cluster.local"),
  nodata("33 existing namespace", "staging.svc.cluster.local", "A"),
  nx("33 missing namespace", "nosuchns.svc.cluster.local"),
  nodata("34 svc", "svc.cluster.local", "A"),
  nodata("34 pod", "pod.cluster.local", "A"),
  nodata("34 apex", "cluster.local", "A"),
  { row: "35 SOA", name: "cluster.local", type: "SOA", rcode: "NOERROR", answer: [SOA] },
  {
    row: "35 NS",
    name: "cluster.local",
    type: "NS",
    rcode: "NOERROR",
    answer: ["cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local."],
    additional: ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.0.0.10"],
  },
  nx("36", "foo.cluster.local"),
  nx("37 disabled", "10-1-13-2.default.pod.cluster.local"),
  { row: "37 insecure", name: "10-1-13-2.default.pod.cluster.local", type: "A", rcode: "NOERROR", answer: ["10-1-13-2.default.pod.cluster.local. 5 IN A 10.1.13.2"], options: { pods: "insecure" } },
  { row: "37 verified, pod exists", name: "10-1-13-2.default.pod.cluster.local", type: "A", rcode: "NOERROR", answer: ["10-1-13-2.default.pod.cluster.local. 5 IN A 10.1.13.2"], options: { pods: "verified" } },
  { ...nx("37 verified, no such pod", "10-1-13-9.default.pod.cluster.local"), options: { pods: "verified" } },
  { ...nx("38 namespace", "10-1-13-2.nosuchns.pod.cluster.local"), options: { pods: "insecure" } },
  { ...nx("38 not an IP", "blah.default.pod.cluster.local"), options: { pods: "insecure" } },
  nx("39", "99.0.0.10.in-addr.arpa", "PTR", [REV_SOA]),
  {
    row: "40",
    name: "_dns._udp.kube-dns.kube-system.svc.cluster.local",
    type: "SRV",
    rcode: "NOERROR",
    answer: ["_dns._udp.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local."],
    additional: ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.0.0.10"],
  },
  { row: "41 not synced", name: "nosuch.default.svc.cluster.local", type: "A", rcode: "SERVFAIL", answer: [], authority: [], aa: false, options: { synced: false } },
  { row: "41 not synced, positive", name: "nginx-service.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["nginx-service.default.svc.cluster.local. 5 IN A 10.0.0.252"], options: { synced: false } },
  { row: "42", name: "cluster.local", type: "AXFR", rcode: "REFUSED", answer: [], authority: [], aa: false },
  nx("43", "_tcp.nginx-service.default.svc.cluster.local"),
  { row: "out of zone", name: "example.com", type: "A", rcode: "REFUSED", answer: [], authority: [], aa: false },
  { row: "ns.dns", name: "ns.dns.cluster.local", type: "A", rcode: "NOERROR", answer: ["ns.dns.cluster.local. 5 IN A 10.0.0.10"] },
  { row: "ttl 30", name: "nginx-service.default.svc.cluster.local", type: "A", rcode: "NOERROR", answer: ["nginx-service.default.svc.cluster.local. 30 IN A 10.0.0.252"], options: { ttl: 30 } },
];

describe("the DNS test matrix (dns-env.md §2.2)", () => {
  const index = matrixIndex();
  for (const r of rows) {
    it(`row ${r.row}: ${r.name} ${r.type}`, () => {
      const got = resolve(index, r.name, RRType[r.type], { ...base, ...r.options });
      assert.equal(rcodeName(got.rcode), r.rcode);
      assert.equal(got.authoritative, r.aa ?? true, "AA bit");
      if (r.answer) assert.deepEqual(got.answer.map(presentRecord).sort(), [...r.answer].sort());
      assert.deepEqual(got.authority.map(presentRecord), r.authority ?? (got.answer.length === 0 ? [SOA] : []));
      if (r.additional) assert.deepEqual(got.additional.map(presentRecord).sort(), [...r.additional].sort());
      assert.equal(got.chase !== undefined, r.chase === true, "upstream chase");
    });
  }
});

describe("index changes", () => {
  it("row 23 with publishNotReadyAddresses: the unready endpoint answers", () => {
    const index = matrixIndex();
    const s = matrixServices.find((x) => x.metadata.name === "empty-headless");
    assert.ok(s);
    index.setService({ ...s, spec: { ...s.spec, publishNotReadyAddresses: true } });
    const got = resolve(index, "empty-headless.default.svc.cluster.local", RRType.A, base);
    assert.deepEqual(got.answer.map(presentRecord), ["empty-headless.default.svc.cluster.local. 5 IN A 10.1.15.9"]);
  });

  it("a deleted service and slice stop answering; the generation moves on every change", () => {
    const index = matrixIndex();
    const g = index.generation;
    index.deleteService("default", "nginx-service");
    index.deleteSlice("default", "nginx-service-abcde");
    assert.ok(index.generation >= g + 2);
    assert.equal(rcodeName(resolve(index, "nginx-service.default.svc.cluster.local", RRType.A, base).rcode), "NXDOMAIN");
    assert.equal(rcodeName(resolve(index, "7.12.1.10.in-addr.arpa", RRType.PTR, base).rcode), "NXDOMAIN");
  });

  it("an ExternalName pointing into the cluster zone is followed there", () => {
    const index = matrixIndex();
    index.setService({ apiVersion: "v1", kind: "Service", metadata: { namespace: "default", name: "alias" }, spec: { type: "ExternalName", externalName: "nginx-service.default.svc.cluster.local." } });
    const got = resolve(index, "alias.default.svc.cluster.local", RRType.A, base);
    assert.deepEqual(got.answer.map(presentRecord), [
      "alias.default.svc.cluster.local. 5 IN CNAME nginx-service.default.svc.cluster.local.",
      "nginx-service.default.svc.cluster.local. 5 IN A 10.0.0.252",
    ]);
    assert.equal(got.chase, undefined);
  });
});

describe("name helpers", () => {
  const pods: { label: string; want: string | undefined }[] = [
    { label: "10-1-13-2", want: "10.1.13.2" },
    { label: "10-1-13-256", want: undefined },
    { label: "10-01-13-2", want: undefined },
    { label: "2001-db8--1", want: "2001:db8::1" },
    { label: "blah", want: undefined },
    { label: "1-2-3", want: undefined },
  ];
  for (const p of pods) it(`pod name ${p.label}`, () => assert.equal(podNameIP(p.label), p.want));
  const reverse: { name: string; want: string | undefined }[] = [
    { name: "4.3.2.1.in-addr.arpa", want: "1.2.3.4" },
    { name: "3.2.1.in-addr.arpa", want: undefined },
    { name: "300.3.2.1.in-addr.arpa", want: undefined },
    { name: "c.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", want: "2001:db8::fc" },
    { name: "f.0.0.2.ip6.arpa", want: undefined },
  ];
  for (const r of reverse) it(`reverse ${r.name}`, () => assert.equal(reverseNameIP(r.name), r.want));
  const dashed: { ip: string; want: string }[] = [
    { ip: "10.1.12.7", want: "10-1-12-7" },
    { ip: "2001:db8::", want: "2001-db8--0" },
    { ip: "2001:db8::1", want: "2001-db8--1" },
  ];
  for (const d of dashed) it(`dashed ${d.ip}`, () => assert.equal(dashedIP(d.ip), d.want));
});
