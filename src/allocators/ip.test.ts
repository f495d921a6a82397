import { test } from "node:test";
import assert from "node:assert/strict";
import { formatIP, parseIP } from "./ip.js";

test("parseIP and formatIP round-trip to canonical text", async (t) => {
  const cases: { name: string; input: string; want: string | undefined; family?: "IPv4" | "IPv6" }[] = [
    { name: "ipv4", input: "10.0.0.1", want: "10.0.0.1", family: "IPv4" },
    { name: "ipv4 zero", input: "0.0.0.0", want: "0.0.0.0", family: "IPv4" },
    { name: "ipv4 max", input: "255.255.255.255", want: "255.255.255.255", family: "IPv4" },
    { name: "ipv4 octet too big", input: "10.0.0.256", want: undefined },
    { name: "ipv4 leading zero", input: "10.0.0.01", want: undefined },
    { name: "ipv4 too few parts", input: "10.0.1", want: undefined },
    { name: "ipv4 with prefix", input: "10.0.0.0/24", want: undefined },
    { name: "empty", input: "", want: undefined },
    { name: "ipv6 compressed", input: "fd00::1", want: "fd00::1", family: "IPv6" },
    { name: "ipv6 full form compresses", input: "2001:0db8:0000:0000:0000:0000:0000:0001", want: "2001:db8::1", family: "IPv6" },
    { name: "ipv6 uppercase lowered", input: "FD00::ABCD", want: "fd00::abcd", family: "IPv6" },
    { name: "ipv6 all zero", input: "::", want: "::", family: "IPv6" },
    { name: "ipv6 longest run wins", input: "1:0:0:2:0:0:0:3", want: "1:0:0:2::3", family: "IPv6" },
    { name: "ipv6 single zero not compressed", input: "1:2:3:4:5:6:0:8", want: "1:2:3:4:5:6:0:8", family: "IPv6" },
    { name: "ipv6 embedded ipv4", input: "::ffff:10.0.0.1", want: "::ffff:a00:1", family: "IPv6" },
    { name: "ipv6 two double colons", input: "1::2::3", want: undefined },
    { name: "ipv6 too many groups", input: "1:2:3:4:5:6:7:8:9", want: undefined },
    { name: "ipv6 zone", input: "fe80::1%eth0", want: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const ip = parseIP(c.input);
      assert.equal(ip ? formatIP(ip) : undefined, c.want);
      if (c.family) assert.equal(ip?.family, c.family);
    });
  }
});
