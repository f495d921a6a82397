import { test } from "node:test";
import assert from "node:assert/strict";
import { nthNode } from "./agent-command.js";

test("simulated node i gets the next name, IP and pod range", async (t) => {
  const base = { name: "core-v2-01", ip: "172.17.8.101", podCIDR: "10.1.13.0/24" };
  const cases: { name: string; i: number; count: number; base?: typeof base; want: { name: string; ip: string; podCIDR: string } }[] = [
    { name: "a single node keeps the flags", i: 0, count: 1, want: base },
    { name: "first of many", i: 0, count: 3, want: base },
    { name: "second", i: 1, count: 3, want: { name: "core-v2-02", ip: "172.17.8.102", podCIDR: "10.1.14.0/24" } },
    { name: "tenth keeps the width", i: 9, count: 12, want: { name: "core-v2-10", ip: "172.17.8.110", podCIDR: "10.1.22.0/24" } },
    { name: "no number in the name", i: 1, count: 2, base: { ...base, name: "sim" }, want: { name: "sim-2", ip: "172.17.8.102", podCIDR: "10.1.14.0/24" } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(nthNode(c.base ?? base, c.i, c.count), c.want));
});
