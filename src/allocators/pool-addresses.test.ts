import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseIP } from "./ip.js";
import { isBuggyIP, parsePoolEntry, rangesOverlap, rangeSize } from "./pool-addresses.js";

describe("parsePoolEntry", () => {
  const cases: { text: string; size?: bigint; family?: string; error?: RegExp }[] = [
    { text: "172.17.8.0/24", size: 256n, family: "IPv4" },
    { text: "172.17.8.201/32", size: 1n, family: "IPv4" },
    { text: "172.17.8.201-172.17.8.250", size: 50n, family: "IPv4" },
    { text: "172.17.8.201 - 172.17.8.201", size: 1n, family: "IPv4" },
    { text: "fd00::/120", size: 256n, family: "IPv6" },
    { text: "fd00::10-fd00::1f", size: 16n, family: "IPv6" },
    { text: "172.17.8.201", error: /must be a CIDR/ },
    { text: "172.17.8.0/33", error: /must be a CIDR/ },
    { text: "172.17.8.250-172.17.8.201", error: /must not be after/ },
    { text: "172.17.8.1-fd00::1", error: /same IP family/ },
    { text: "a-b", error: /must be IP addresses/ },
    { text: "", error: /must be a CIDR/ },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.text), () => {
      const r = parsePoolEntry(c.text);
      if (c.error) {
        assert.equal(r.ok, false);
        if (!r.ok) assert.match(r.reason, c.error);
      } else {
        assert.ok(r.ok);
        if (r.ok) assert.deepEqual([rangeSize(r.range), r.range.family], [c.size, c.family]);
      }
    });
  }
});

describe("range helpers", () => {
  const range = (t: string) => {
    const r = parsePoolEntry(t);
    if (!r.ok) throw new Error(r.reason);
    return r.range;
  };
  it("overlap", () => {
    assert.equal(rangesOverlap(range("10.0.0.0/30"), range("10.0.0.3-10.0.0.9")), true);
    assert.equal(rangesOverlap(range("10.0.0.0/30"), range("10.0.0.4-10.0.0.9")), false);
    assert.equal(rangesOverlap(range("10.0.0.0/30"), range("::/126")), false);
  });
  it("buggy addresses are IPv4 .0 and .255 only", () => {
    const ip = (t: string) => parseIP(t) ?? assert.fail(t);
    assert.deepEqual(["10.0.1.0", "10.0.1.255", "10.0.1.1", "fd00::ff", "fd00::"].map((t) => isBuggyIP(ip(t))), [true, true, false, false, false]);
  });
});
