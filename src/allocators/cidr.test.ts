import { test } from "node:test";
import assert from "node:assert/strict";
import { cidrContains, formatCIDR, parseCIDR } from "./cidr.js";
import { parseIP } from "./ip.js";

test("parseCIDR masks host bits and knows its size", async (t) => {
  const cases: { name: string; input: string; want?: string; size?: bigint }[] = [
    { name: "ipv4 /24", input: "10.0.0.0/24", want: "10.0.0.0/24", size: 256n },
    { name: "ipv4 host bits cleared", input: "10.0.0.5/24", want: "10.0.0.0/24", size: 256n },
    { name: "ipv4 /12", input: "10.96.0.0/12", want: "10.96.0.0/12", size: 1n << 20n },
    { name: "ipv4 /32", input: "10.0.0.7/32", want: "10.0.0.7/32", size: 1n },
    { name: "ipv6 /112", input: "fd00:10:96::/112", want: "fd00:10:96::/112", size: 65536n },
    { name: "prefix too long", input: "10.0.0.0/33" },
    { name: "no prefix", input: "10.0.0.0" },
    { name: "bad prefix", input: "10.0.0.0/2a" },
    { name: "bad address", input: "10.0.0/24" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const cidr = parseCIDR(c.input);
      assert.equal(cidr ? formatCIDR(cidr) : undefined, c.want);
      if (c.size !== undefined) assert.equal(cidr?.size, c.size);
    });
  }
});

test("cidrContains checks family and bounds", async (t) => {
  const cidr = parseCIDR("10.0.0.0/24");
  assert.ok(cidr);
  const cases: { name: string; ip: string; want: boolean }[] = [
    { name: "network address", ip: "10.0.0.0", want: true },
    { name: "broadcast address", ip: "10.0.0.255", want: true },
    { name: "just below", ip: "9.255.255.255", want: false },
    { name: "just above", ip: "10.0.1.0", want: false },
    { name: "other family", ip: "::a00:1", want: false },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const ip = parseIP(c.ip);
      assert.ok(ip);
      assert.equal(cidrContains(cidr, ip), c.want);
    });
  }
});
