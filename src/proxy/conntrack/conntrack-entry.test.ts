import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConntrackLine, parseConntrackListing, type ConntrackEntry } from "./conntrack-entry.js";

test("parseConntrackLine", () => {
  const cases: { name: string; line: string; want: ConntrackEntry | undefined }[] = [
    {
      name: "unreplied UDP flow to a cluster IP",
      line: "udp      17 29 src=10.1.13.5 dst=10.0.0.10 sport=43211 dport=53 [UNREPLIED] src=10.1.13.7 dst=10.1.13.5 sport=53 dport=43211 mark=0 use=1",
      want: {
        protocol: "udp",
        timeoutSeconds: 29,
        orig: { src: "10.1.13.5", dst: "10.0.0.10", sport: 43211, dport: 53 },
        reply: { src: "10.1.13.7", dst: "10.1.13.5", sport: 53, dport: 43211 },
        unreplied: true,
        assured: false,
      },
    },
    {
      name: "assured UDP flow with zone",
      line: "udp      17 175 src=192.0.2.9 dst=192.168.1.4 sport=5000 dport=30053 src=10.1.2.3 dst=10.1.0.1 sport=53 dport=5000 [ASSURED] mark=0 zone=3 use=2",
      want: {
        protocol: "udp",
        timeoutSeconds: 175,
        orig: { src: "192.0.2.9", dst: "192.168.1.4", sport: 5000, dport: 30053 },
        reply: { src: "10.1.2.3", dst: "10.1.0.1", sport: 53, dport: 5000 },
        unreplied: false,
        assured: true,
      },
    },
    {
      name: "TCP with state, /proc/net/nf_conntrack prefix",
      line: "ipv4     2 tcp      6 431999 ESTABLISHED src=10.1.0.1 dst=10.0.0.1 sport=40000 dport=443 src=10.1.0.9 dst=10.1.0.1 sport=6443 dport=40000 [ASSURED] mark=0 use=1",
      want: {
        protocol: "tcp",
        timeoutSeconds: 431999,
        orig: { src: "10.1.0.1", dst: "10.0.0.1", sport: 40000, dport: 443 },
        reply: { src: "10.1.0.9", dst: "10.1.0.1", sport: 6443, dport: 40000 },
        unreplied: false,
        assured: true,
      },
    },
    { name: "ICMP has no ports", line: "icmp     1 29 src=10.1.0.1 dst=10.0.0.1 type=8 code=0 id=1 src=10.0.0.1 dst=10.1.0.1 type=0 code=0 id=1 mark=0 use=1", want: undefined },
    { name: "summary line", line: "conntrack v1.4.6 (conntrack-tools): 2 flow entries have been shown.", want: undefined },
    { name: "reply tuple missing", line: "udp      17 29 src=10.1.13.5 dst=10.0.0.10 sport=43211 dport=53", want: undefined },
    { name: "port out of range", line: "udp 17 29 src=a dst=b sport=70000 dport=53 src=c dst=a sport=53 dport=1", want: undefined },
    { name: "empty", line: "", want: undefined },
  ];
  for (const c of cases) assert.deepEqual(parseConntrackLine(c.line), c.want, c.name);
});

test("parseConntrackListing keeps what it cannot read", () => {
  const text = [
    "udp      17 29 src=10.1.13.5 dst=10.0.0.10 sport=43211 dport=53 [UNREPLIED] src=10.1.13.7 dst=10.1.13.5 sport=53 dport=43211 mark=0 use=1",
    "",
    "garbage here",
    "udp      17 12 src=10.1.13.6 dst=10.0.0.10 sport=40000 dport=53 src=10.1.13.8 dst=10.1.13.6 sport=53 dport=40000 mark=0 use=1",
    "conntrack v1.4.6 (conntrack-tools): 2 flow entries have been shown.",
    "",
  ].join("\n");
  const got = parseConntrackListing(text);
  assert.deepEqual(got.entries.map((e) => e.orig.src), ["10.1.13.5", "10.1.13.6"]);
  assert.deepEqual(got.unparsed, ["garbage here"]);
});
