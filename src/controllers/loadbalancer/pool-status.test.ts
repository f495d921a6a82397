import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { poolStatus, poolStatusEqual } from "./pool-status.js";
import { makePool } from "./test-fixtures.js";

describe("poolStatus", () => {
  it("counts assigned and available per family", () => {
    const pool = makePool("p", ["172.17.8.201-172.17.8.250", "fd00::/126"]);
    const s = poolStatus(pool, { IPv4: 3, IPv6: 1 });
    assert.deepEqual(s, { assignedIPv4: 3, assignedIPv6: 1, availableIPv4: 47, availableIPv6: 3 });
    assert.equal(poolStatusEqual(s, s), true);
    assert.equal(poolStatusEqual(undefined, s), false);
    assert.equal(poolStatusEqual({ ...s, availableIPv4: 1 }, s), false);
  });
  it("caps a huge IPv6 pool at the largest exact JSON integer", () => {
    const s = poolStatus(makePool("p", ["fd00::/64"]), { IPv4: 0, IPv6: 2 });
    assert.equal(s.availableIPv6, Number.MAX_SAFE_INTEGER);
  });
});
