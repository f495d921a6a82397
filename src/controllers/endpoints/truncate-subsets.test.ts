import assert from "node:assert/strict";
import { test } from "node:test";
import { deepFreeze } from "../../api/json.js";
import type { EndpointSubset } from "../../api/types.js";
import { truncateSubsets } from "./truncate-subsets.js";

const addrs = (prefix: string, n: number): { ip: string }[] => Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${i}` }));
const counts = (ss: EndpointSubset[]): [number, number][] => ss.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]);

test("truncateSubsets", async (t) => {
  const cases: { name: string; input: EndpointSubset[]; max: number; want: [number, number][]; truncated: boolean }[] = [
    { name: "under the cap: unchanged", input: [{ addresses: addrs("10.0.0", 3), notReadyAddresses: addrs("10.0.1", 2) }], max: 5, want: [[3, 2]], truncated: false },
    { name: "over by not-ready only: not-ready cut", input: [{ addresses: addrs("10.0.0", 3), notReadyAddresses: addrs("10.0.1", 4) }], max: 5, want: [[3, 2]], truncated: true },
    { name: "ready alone over the cap: all not-ready dropped, ready cut", input: [{ addresses: addrs("10.0.0", 7), notReadyAddresses: addrs("10.0.1", 2) }], max: 5, want: [[5, 0]], truncated: true },
    {
      name: "shares are proportional, rounded up, later subsets get the rest",
      input: [{ addresses: addrs("10.0.0", 6) }, { addresses: addrs("10.0.1", 3) }, { addresses: addrs("10.0.2", 1) }],
      max: 5,
      want: [[3, 0], [2, 0]],
      truncated: true,
    },
    {
      name: "not-ready shares across subsets",
      input: [
        { addresses: addrs("10.0.0", 2), notReadyAddresses: addrs("10.0.1", 4) },
        { addresses: addrs("10.0.2", 2), notReadyAddresses: addrs("10.0.3", 4) },
      ],
      max: 8,
      want: [[2, 2], [2, 2]],
      truncated: true,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = truncateSubsets(deepFreeze(structuredClone(c.input)), c.max);
      assert.deepEqual(counts(got.subsets), c.want);
      assert.equal(got.truncated, c.truncated);
    });
  }
});

test("truncateSubsets defaults to 1000 and keeps the first addresses", () => {
  const got = truncateSubsets([{ addresses: addrs("10.0", 1200) }]);
  assert.equal(got.subsets[0].addresses?.length, 1000);
  assert.equal(got.subsets[0].addresses?.[999].ip, "10.0.999");
});
