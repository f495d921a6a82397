import { test } from "node:test";
import assert from "node:assert/strict";
import { ServiceIPRange } from "./ip-range.js";

test("ServiceIPRange sizes and bands", async (t) => {
  const cases: { name: string; cidr: string; size: number; band: number; first: string; last: string; text: string }[] = [
    { name: "default /24", cidr: "10.0.0.0/24", size: 254, band: 16, first: "10.0.0.1", last: "10.0.0.254", text: "10.0.0.0/24" },
    { name: "/12", cidr: "10.96.0.0/12", size: 1048574, band: 256, first: "10.96.0.1", last: "10.111.255.254", text: "10.96.0.0/12" },
    { name: "/28 has no band", cidr: "10.0.0.0/28", size: 14, band: 0, first: "10.0.0.1", last: "10.0.0.14", text: "10.0.0.0/28" },
    { name: "/30", cidr: "192.168.0.4/30", size: 2, band: 0, first: "192.168.0.5", last: "192.168.0.6", text: "192.168.0.4/30" },
    { name: "ipv6 /112 keeps the last address", cidr: "fd00::/112", size: 65535, band: 256, first: "fd00::1", last: "fd00::ffff", text: "fd00::/112" },
    { name: "ipv6 /64 capped", cidr: "fd00::/64", size: 65535, band: 256, first: "fd00::1", last: "fd00::ffff", text: "fd00::/64" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const r = new ServiceIPRange(c.cidr);
      assert.equal(r.size, c.size);
      assert.equal(r.staticBand, c.band);
      assert.equal(r.ipAt(0), c.first);
      assert.equal(r.ipAt(r.size - 1), c.last);
      assert.equal(String(r), c.text);
    });
  }
});

test("ServiceIPRange.offsetOf", async (t) => {
  const r = new ServiceIPRange("10.0.0.0/24");
  const cases: { name: string; ip: string; want: number | undefined }[] = [
    { name: "first usable", ip: "10.0.0.1", want: 0 },
    { name: "kube-dns", ip: "10.0.0.10", want: 9 },
    { name: "last of static band", ip: "10.0.0.16", want: 15 },
    { name: "last usable", ip: "10.0.0.254", want: 253 },
    { name: "network address", ip: "10.0.0.0", want: undefined },
    { name: "broadcast address", ip: "10.0.0.255", want: undefined },
    { name: "outside", ip: "10.9.0.5", want: undefined },
    { name: "not an ip", ip: "None", want: undefined },
    { name: "other family", ip: "fd00::1", want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(r.offsetOf(c.ip), c.want));
});

test("ServiceIPRange rejects bad input", () => {
  assert.throws(() => new ServiceIPRange("10.0.0.0"), TypeError);
  assert.throws(() => new ServiceIPRange("10.0.0.0/24").ipAt(254), RangeError);
});
