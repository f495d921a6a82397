import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../../api/types.js";
import { etcHosts, InvalidHostnameError, podHostnameAndDomain, type EtcHostsOptions } from "./etc-hosts.js";
import { makePod } from "./fixtures.js";

const LOCAL =
  "# Kubernetes-managed hosts file.\n" +
  "127.0.0.1\tlocalhost\n" +
  "::1\tlocalhost ip6-localhost ip6-loopback\n" +
  "fe00::0\tip6-localnet\n" +
  "fe00::0\tip6-mcastprefix\n" +
  "fe00::1\tip6-allnodes\n" +
  "fe00::2\tip6-allrouters\n";
const spec = (fields: Record<string, unknown>) => (p: Pod) => Object.assign(p.spec, fields);

describe("etcHosts", () => {
  const cases: { name: string; pod: Pod; opts: EtcHostsOptions; want: string }[] = [
    { name: "plain pod: IP and pod name", pod: makePod("default", "nginx-abc"), opts: { podIPs: ["10.1.0.5"] }, want: LOCAL + "10.1.0.5\tnginx-abc\n" },
    {
      name: "dual-stack: one line per IP",
      pod: makePod("default", "p"),
      opts: { podIPs: ["10.1.0.5", "fd00::5"] },
      want: LOCAL + "10.1.0.5\tp\nfd00::5\tp\n",
    },
    {
      name: "hostname + subdomain: FQDN then short name",
      pod: makePod("default", "web-0", spec({ hostname: "web-0", subdomain: "nginx-headless" })),
      opts: { podIPs: ["10.1.13.2"] },
      want: LOCAL + "10.1.13.2\tweb-0.nginx-headless.default.svc.cluster.local\tweb-0\n",
    },
    {
      name: "subdomain without hostname uses the pod name",
      pod: makePod("ns1", "busybox-1", spec({ subdomain: "sub" })),
      opts: { podIPs: ["10.1.0.6"], clusterDomain: "corp.local" },
      want: LOCAL + "10.1.0.6\tbusybox-1.sub.ns1.svc.corp.local\tbusybox-1\n",
    },
    {
      name: "hostname without subdomain",
      pod: makePod("default", "p", spec({ hostname: "custom" })),
      opts: { podIPs: ["10.1.0.7"] },
      want: LOCAL + "10.1.0.7\tcustom\n",
    },
    {
      name: "hostname override option",
      pod: makePod("default", "p", spec({ subdomain: "s" })),
      opts: { podIPs: ["10.1.0.7"], hostname: "h" },
      want: LOCAL + "10.1.0.7\th.s.default.svc.cluster.local\th\n",
    },
    { name: "no IPs known yet", pod: makePod("default", "p"), opts: {}, want: LOCAL },
    {
      name: "IPs from pod status",
      pod: makePod("default", "p", (p) => (p.status = { podIP: "10.1.0.8", podIPs: [{ ip: "10.1.0.8" }] })),
      opts: {},
      want: LOCAL + "10.1.0.8\tp\n",
    },
    {
      name: "hostAliases",
      pod: makePod("default", "p", spec({ hostAliases: [{ ip: "127.0.0.1", hostnames: ["foo.local", "bar.local"] }, { ip: "10.1.2.3", hostnames: ["foo.remote"] }] })),
      opts: { podIPs: ["10.1.0.5"] },
      want: LOCAL + "10.1.0.5\tp\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\n",
    },
    {
      name: "hostNetwork: node file under its own header, then aliases",
      pod: makePod("default", "p", spec({ hostNetwork: true, hostAliases: [{ ip: "1.2.3.4", hostnames: ["x"] }] })),
      opts: { podIPs: ["192.168.1.5"], nodeHosts: "127.0.0.1 localhost\n192.168.1.5 node-a\n" },
      want: "# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n192.168.1.5 node-a\n\n# Entries added by HostAliases.\n1.2.3.4\tx\n",
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(etcHosts(c.pod, c.opts), c.want));
});

describe("podHostnameAndDomain", () => {
  const long = "a".repeat(60) + "-b.c" + "d".repeat(10); // cut at 63 ends in "."
  const cases = [
    { name: "short pod name", pod: makePod("ns", "p"), want: { hostname: "p", domain: "" } },
    { name: "63-char name untouched", pod: makePod("ns", "x".repeat(63)), want: { hostname: "x".repeat(63), domain: "" } },
    { name: "long name cut to 63", pod: makePod("ns", "x".repeat(70)), want: { hostname: "x".repeat(63), domain: "" } },
    { name: "cut leaves trailing '-' and '.' trimmed", pod: makePod("ns", "a".repeat(61) + "-.zzz"), want: { hostname: "a".repeat(61), domain: "" } },
    { name: "cut ending in '.' is trimmed to the label before", pod: makePod("ns", long), want: { hostname: "a".repeat(60) + "-b", domain: "" } },
    { name: "cut keeps inner punctuation", pod: makePod("ns", "a".repeat(59) + "-b.cd" + "e".repeat(9)), want: { hostname: "a".repeat(59) + "-b.c", domain: "" } },
    { name: "spec.hostname wins", pod: makePod("ns", "p", spec({ hostname: "h", subdomain: "s" })), want: { hostname: "h", domain: "s.ns.svc.cluster.local" } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(podHostnameAndDomain(c.pod), c.want));

  it("nothing left after trimming is an error", () => {
    assert.throws(() => podHostnameAndDomain(makePod("ns", "-".repeat(70))), InvalidHostnameError);
  });
});
