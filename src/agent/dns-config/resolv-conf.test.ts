import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../api/types.js";
import { podDns, type PodDnsOptions } from "./pod-dns.js";
import { renderResolvConf, resolvConf } from "./resolv-conf.js";
import { makePod } from "./fixtures.js";

const HOST = "nameserver 192.168.1.1\nnameserver 192.168.1.2\nsearch example.internal corp.example.\noptions edns0 timeout:2\n";
const base: PodDnsOptions = { clusterDNS: ["10.0.0.10"], clusterDomain: "cluster.local", hostResolvConf: HOST };
const spec = (fields: Record<string, unknown>) => (p: Pod) => Object.assign(p.spec, fields);

describe("resolvConf", () => {
  const cases: { name: string; pod: Pod; opts?: PodDnsOptions; want: string }[] = [
    {
      name: "reference §4.1 example (ClusterFirst, node search example.internal)",
      pod: makePod("default", "p"),
      opts: { clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local", hostResolvConf: "nameserver 1.1.1.1\nsearch example.internal\n" },
      want: "search default.svc.cluster.local svc.cluster.local cluster.local example.internal\nnameserver 10.96.0.10\noptions ndots:5\n",
    },
    {
      name: "ClusterFirst (unset policy): cluster DNS only, host search appended, host options dropped",
      pod: makePod("web", "p"),
      want: "search web.svc.cluster.local svc.cluster.local cluster.local example.internal corp.example\nnameserver 10.0.0.10\noptions ndots:5\n",
    },
    {
      name: "ClusterFirst explicit, no host resolv.conf",
      pod: makePod("web", "p", spec({ dnsPolicy: "ClusterFirst" })),
      opts: { clusterDNS: ["10.0.0.10"], clusterDomain: "cluster.local" },
      want: "search web.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.0.0.10\noptions ndots:5\n",
    },
    {
      name: "host search duplicates of cluster domains removed",
      pod: makePod("web", "p"),
      opts: { ...base, hostResolvConf: "search cluster.local web.svc.cluster.local other\n" },
      want: "search web.svc.cluster.local svc.cluster.local cluster.local other\nnameserver 10.0.0.10\noptions ndots:5\n",
    },
    {
      name: "several cluster DNS servers",
      pod: makePod("web", "p"),
      opts: { ...base, clusterDNS: ["10.0.0.10", "fd00::10"], hostResolvConf: "" },
      want: "search web.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.0.0.10\nnameserver fd00::10\noptions ndots:5\n",
    },
    {
      name: "empty cluster domain: host searches only",
      pod: makePod("web", "p"),
      opts: { ...base, clusterDomain: "" },
      want: "search example.internal corp.example\nnameserver 10.0.0.10\noptions ndots:5\n",
    },
    {
      name: "ClusterFirst with hostNetwork behaves as Default",
      pod: makePod("web", "p", spec({ hostNetwork: true, dnsPolicy: "ClusterFirst" })),
      want: "search example.internal corp.example\nnameserver 192.168.1.1\nnameserver 192.168.1.2\noptions edns0 timeout:2\n",
    },
    {
      name: "ClusterFirstWithHostNet with hostNetwork uses cluster DNS",
      pod: makePod("web", "p", spec({ hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" })),
      want: "search web.svc.cluster.local svc.cluster.local cluster.local example.internal corp.example\nnameserver 10.0.0.10\noptions ndots:5\n",
    },
    {
      name: "ClusterFirstWithHostNet without hostNetwork uses cluster DNS",
      pod: makePod("web", "p", spec({ dnsPolicy: "ClusterFirstWithHostNet" })),
      want: "search web.svc.cluster.local svc.cluster.local cluster.local example.internal corp.example\nnameserver 10.0.0.10\noptions ndots:5\n",
    },
    {
      name: "Default: the node's resolv.conf (as parsed)",
      pod: makePod("web", "p", spec({ dnsPolicy: "Default" })),
      want: "search example.internal corp.example\nnameserver 192.168.1.1\nnameserver 192.168.1.2\noptions edns0 timeout:2\n",
    },
    {
      name: "Default without --resolv-conf: localhost and search .",
      pod: makePod("web", "p", spec({ dnsPolicy: "Default" })),
      opts: { clusterDNS: ["10.0.0.10"], clusterDomain: "cluster.local" },
      want: "search .\nnameserver 127.0.0.1\n",
    },
    {
      name: "Default without --resolv-conf on a dual-stack node",
      pod: makePod("web", "p", spec({ dnsPolicy: "Default" })),
      opts: { nodeIPs: ["192.168.1.5", "fd00::5"] },
      want: "search .\nnameserver 127.0.0.1\nnameserver ::1\n",
    },
    {
      name: "ClusterFirst without cluster DNS falls back to Default",
      pod: makePod("web", "p"),
      opts: { ...base, clusterDNS: [] },
      want: "search example.internal corp.example\nnameserver 192.168.1.1\nnameserver 192.168.1.2\noptions edns0 timeout:2\n",
    },
    {
      name: "None with dnsConfig",
      pod: makePod("web", "p", spec({
        dnsPolicy: "None",
        dnsConfig: { nameservers: ["1.2.3.4"], searches: ["ns1.svc.cluster-domain.example", "my.dns.search.suffix"], options: [{ name: "ndots", value: "2" }, { name: "edns0" }] },
      })),
      want: "search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 1.2.3.4\noptions ndots:2 edns0\n",
    },
    {
      name: "None without dnsConfig renders empty",
      pod: makePod("web", "p", spec({ dnsPolicy: "None" })),
      want: "",
    },
    {
      name: "ClusterFirst + dnsConfig: appended without duplicates, ndots overridden in place",
      pod: makePod("web", "p", spec({
        dnsConfig: {
          nameservers: ["10.0.0.10", "1.1.1.1"],
          searches: ["svc.cluster.local", "extra.example"],
          options: [{ name: "single-request-reopen" }, { name: "ndots", value: "2" }],
        },
      })),
      want:
        "search web.svc.cluster.local svc.cluster.local cluster.local example.internal corp.example extra.example\n" +
        "nameserver 10.0.0.10\nnameserver 1.1.1.1\noptions ndots:2 single-request-reopen\n",
    },
    {
      name: "dnsConfig option with empty value drops the value",
      pod: makePod("web", "p", spec({ dnsPolicy: "Default", dnsConfig: { options: [{ name: "timeout", value: "" }] } })),
      want: "search example.internal corp.example\nnameserver 192.168.1.1\nnameserver 192.168.1.2\noptions edns0 timeout\n",
    },
    {
      name: "more than 3 nameservers: first 3 kept",
      pod: makePod("web", "p", spec({ dnsPolicy: "Default", dnsConfig: { nameservers: ["1.1.1.1", "8.8.8.8"] } })),
      want: "search example.internal corp.example\nnameserver 192.168.1.1\nnameserver 192.168.1.2\nnameserver 1.1.1.1\noptions edns0 timeout:2\n",
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(resolvConf(c.pod, c.opts ?? base), c.want));
});

describe("podDns limits and warnings", () => {
  const exact2048 = [...Array.from({ length: 8 }, (_, i) => `${i}`.repeat(253)), "z".repeat(16)];
  const manyDomains = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
  const none = (dnsConfig: Record<string, unknown>) => makePod("web", "p", spec({ dnsPolicy: "None", dnsConfig }));
  const cases: { name: string; pod: Pod; opts?: PodDnsOptions; searches: string[]; servers?: string[]; reasons: string[] }[] = [
    { name: "within limits: no warnings", pod: makePod("web", "p"), searches: ["web.svc.cluster.local", "svc.cluster.local", "cluster.local", "example.internal", "corp.example"], servers: ["10.0.0.10"], reasons: [] },
    { name: "more than 32 search domains cut to 32", pod: none({ searches: manyDomains }), searches: manyDomains.slice(0, 32), reasons: ["DNSConfigForming"] },
    { name: "exactly 32 domains kept", pod: none({ searches: manyDomains.slice(0, 32) }), searches: manyDomains.slice(0, 32), reasons: [] },
    {
      name: "search entry over 253 chars dropped",
      pod: none({ searches: ["a.example", "x".repeat(254), "y".repeat(253)] }),
      searches: ["a.example", "y".repeat(253)],
      reasons: ["DNSConfigForming"],
    },
    {
      name: "joined line over 2048 chars: trailing entries cut",
      // 9 × 250 chars + 8 spaces = 2258 > 2048; cutting one (251) gives 2007.
      pod: none({ searches: Array.from({ length: 9 }, (_, i) => `${i}`.repeat(250)) }),
      searches: Array.from({ length: 8 }, (_, i) => `${i}`.repeat(250)),
      reasons: ["DNSConfigForming"],
    },
    {
      name: "joined line exactly 2048 chars kept",
      // 8 × 253 + 16 chars + 8 spaces = 2048.
      pod: none({ searches: exact2048 }),
      searches: exact2048,
      reasons: [],
    },
    {
      name: "too many nameservers",
      pod: none({ nameservers: ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"] }),
      searches: [],
      servers: ["1.1.1.1", "2.2.2.2", "3.3.3.3"],
      reasons: ["DNSConfigForming"],
    },
    { name: "missing cluster DNS", pod: makePod("web", "p"), opts: { ...base, clusterDNS: [] }, searches: ["example.internal", "corp.example"], reasons: ["MissingClusterDNS"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = podDns(c.pod, c.opts ?? base);
      assert.deepEqual(got.config.searches, c.searches);
      if (c.servers) assert.deepEqual(got.config.servers, c.servers);
      assert.deepEqual(got.warnings.map((w) => w.reason), c.reasons);
    });
  }

  it("search warning names the applied line", () => {
    const got = podDns(none({ searches: ["a.example", "x".repeat(254)] }), base);
    assert.equal(got.warnings[0].message, "Search Line limits were exceeded, some search paths have been omitted, the applied search line is: a.example");
  });
});

describe("renderResolvConf", () => {
  it("orders search, nameservers, options", () => {
    assert.equal(
      renderResolvConf({ servers: ["a", "b"], searches: ["s1", "s2"], options: ["o1", "o2:3"] }),
      "search s1 s2\nnameserver a\nnameserver b\noptions o1 o2:3\n",
    );
  });
  it("omits empty sections", () => assert.equal(renderResolvConf({ servers: ["a"], searches: [], options: [] }), "nameserver a\n"));
});
