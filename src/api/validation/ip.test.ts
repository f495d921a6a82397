import { test } from "node:test";
import assert from "node:assert/strict";
import { fieldErrorMessage, path } from "../field-errors.js";
import { isDualStack, parseCIDR, parseIP, validateNonSpecialIP } from "./ip.js";

test("parseIP accepts what Kubernetes' sloppy parser accepts", async (t) => {
  const cases: { name: string; text: string; family: "IPv4" | "IPv6" | null }[] = [
    { name: "dotted quad", text: "10.0.0.1", family: "IPv4" },
    { name: "leading zeros", text: "010.000.000.001", family: "IPv4" },
    { name: "octet too big", text: "10.0.0.256", family: null },
    { name: "three octets", text: "10.0.0", family: null },
    { name: "ipv6 compressed", text: "fd00::10", family: "IPv6" },
    { name: "ipv6 full", text: "2001:db8:0:0:0:0:0:1", family: "IPv6" },
    { name: "ipv6 unspecified", text: "::", family: "IPv6" },
    { name: "ipv4-mapped counts as ipv4", text: "::ffff:10.0.0.1", family: "IPv4" },
    { name: "two double colons", text: "1::2::3", family: null },
    { name: "zone not allowed", text: "fe80::1%eth0", family: null },
    { name: "too many groups", text: "1:2:3:4:5:6:7:8:9", family: null },
    { name: "hostname", text: "example.com", family: null },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(parseIP(c.text)?.family ?? null, c.family));
});

test("CIDRs and dual stack", () => {
  assert.equal(parseCIDR("10.0.0.0/24")?.prefix, 24);
  assert.equal(parseCIDR("10.0.0.0/33"), null);
  assert.equal(parseCIDR("fd00::/64")?.prefix, 64);
  assert.equal(parseCIDR("10.0.0.0"), null);
  assert.equal(isDualStack(["10.0.0.1", "fd00::1"]), true);
  assert.equal(isDualStack(["10.0.0.1", "10.0.0.2"]), false);
});

test("special addresses are refused with Kubernetes' wording", async (t) => {
  const p = path("subsets").index(0).child("addresses").index(0).child("ip");
  const cases: { name: string; ip: string; want: string[] }[] = [
    { name: "ordinary", ip: "10.1.13.5", want: [] },
    { name: "unspecified v4", ip: "0.0.0.0", want: [`${p}: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)`] },
    { name: "loopback v6", ip: "::1", want: [`${p}: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)`] },
    { name: "link-local", ip: "169.254.1.1", want: [`${p}: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)`] },
    { name: "link-local multicast", ip: "224.0.0.5", want: [`${p}: Invalid value: "224.0.0.5": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)`] },
    { name: "v6 link-local", ip: "fe80::1", want: [`${p}: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)`] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(validateNonSpecialIP(p, c.ip).map(fieldErrorMessage), c.want));
});
