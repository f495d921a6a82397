import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import { IpamError, parseIpamState } from "./ipam-state.js";

test("parseIpamState validates the persisted shape", async (t) => {
  const cases: { name: string; input: unknown; want?: unknown; error?: string }[] = [
    {
      name: "full state",
      input: { range: "10.1.13.0/24", lastReservedIP: "10.1.13.3", allocations: { "10.1.13.3": "pod-a" } },
      want: { range: "10.1.13.0/24", lastReservedIP: "10.1.13.3", allocations: { "10.1.13.3": "pod-a" } },
    },
    {
      name: "no lastReservedIP",
      input: { range: "10.1.13.0/24", allocations: {} },
      want: { range: "10.1.13.0/24", allocations: {} },
    },
    { name: "not an object", input: [], error: "ipam state: not an object" },
    { name: "range missing", input: { allocations: {} }, error: "ipam state: range must be a string" },
    {
      name: "lastReservedIP wrong type",
      input: { range: "r", lastReservedIP: 3, allocations: {} },
      error: "ipam state: lastReservedIP must be a string",
    },
    { name: "allocations missing", input: { range: "r" }, error: "ipam state: allocations must be an object" },
    {
      name: "empty id",
      input: { range: "r", allocations: { "10.1.13.2": "" } },
      error: "ipam state: allocation of 10.1.13.2 must name a non-empty id",
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const input = deepFreeze(c.input);
      if (c.error !== undefined) {
        assert.throws(() => parseIpamState(input), (e) => e instanceof IpamError && e.message === c.error);
      } else {
        assert.deepEqual(parseIpamState(input), c.want);
      }
    });
  }
});
