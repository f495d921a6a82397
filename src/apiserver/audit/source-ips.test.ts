import { test } from "node:test";
import assert from "node:assert/strict";
import { sourceIPs } from "./source-ips.js";

const cases: { name: string; headers?: Record<string, string>; remote?: string; want: string[] }[] = [
  { name: "the connection only", remote: "192.0.2.7", want: ["192.0.2.7"] },
  { name: "an IPv4 peer on a dual-stack socket", remote: "::ffff:127.0.0.1", want: ["127.0.0.1"] },
  { name: "IPv6 peer", remote: "2001:db8::1", want: ["2001:db8::1"] },
  { name: "in-process: no address at all", want: [] },
  { name: "a proxy chain, then the connection", headers: { "x-forwarded-for": "198.51.100.1, 203.0.113.9" }, remote: "192.0.2.7", want: ["198.51.100.1", "203.0.113.9", "192.0.2.7"] },
  { name: "the connection is the chain's last hop", headers: { "x-forwarded-for": "198.51.100.1, 192.0.2.7" }, remote: "192.0.2.7", want: ["198.51.100.1", "192.0.2.7"] },
  { name: "X-Real-Ip after the chain", headers: { "x-forwarded-for": "198.51.100.1", "x-real-ip": "203.0.113.9" }, remote: "192.0.2.7", want: ["198.51.100.1", "203.0.113.9", "192.0.2.7"] },
  { name: "X-Real-Ip already in the chain", headers: { "x-forwarded-for": "198.51.100.1, 203.0.113.9", "x-real-ip": "198.51.100.1" }, remote: "192.0.2.7", want: ["198.51.100.1", "203.0.113.9", "192.0.2.7"] },
  { name: "entries that are not IPs are skipped", headers: { "x-forwarded-for": "unknown, 198.51.100.1:8080, 198.51.100.2", "x-real-ip": "<script>" }, remote: "192.0.2.7", want: ["198.51.100.2", "192.0.2.7"] },
];

for (const c of cases) {
  test(`sourceIPs: ${c.name}`, () => {
    assert.deepEqual(sourceIPs(c.headers ?? {}, c.remote), c.want);
  });
}
