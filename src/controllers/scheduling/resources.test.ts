import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Pod } from "../../api/types.js";
import { makeNode, makePod } from "./fixtures.js";
import { QuantityError } from "./quantity.js";
import { nodeAllocatable, podRequests } from "./resources.js";

const containers = (...reqs: (Record<string, string> | undefined)[]) =>
  reqs.map((r, i) => (r === undefined ? { name: `c${i}` } : { name: `c${i}`, resources: { requests: r } }));

test("podRequests", async (t) => {
  const cases: { name: string; edit: (p: Pod) => void; nonZero?: boolean; want: Partial<ReturnType<typeof podRequests>> }[] = [
    { name: "no requests", edit: () => {}, want: { milliCPU: 0, memory: 0 } },
    { name: "no requests, scoring view", edit: () => {}, nonZero: true, want: { milliCPU: 100, memory: 200 * 1024 * 1024 } },
    { name: "containers add up", edit: (p) => (p.spec.containers = containers({ cpu: "250m", memory: "64Mi" }, { cpu: "0.5", memory: "1Gi" })), want: { milliCPU: 750, memory: 1_140_850_688 } },
    {
      name: "scoring view fills only missing values, per container",
      edit: (p) => (p.spec.containers = containers({ cpu: "0" }, undefined)),
      nonZero: true,
      want: { milliCPU: 100, memory: 400 * 1024 * 1024 },
    },
    {
      name: "an init container bigger than the sum wins",
      edit: (p) => {
        p.spec.containers = containers({ cpu: "100m" }, { cpu: "100m" });
        p.spec.initContainers = containers({ cpu: "1" });
      },
      want: { milliCPU: 1000 },
    },
    {
      name: "sidecars add to the pod and to every later init container",
      edit: (p) => {
        p.spec.containers = containers({ cpu: "100m" });
        p.spec.initContainers = [
          { name: "sidecar", restartPolicy: "Always", resources: { requests: { cpu: "200m" } } },
          { name: "migrate", resources: { requests: { cpu: "500m" } } },
        ];
      },
      want: { milliCPU: 700 },
    },
    { name: "overhead is added", edit: (p) => ((p.spec.containers = containers({ cpu: "1" })), (p.spec.overhead = { cpu: "250m" })), want: { milliCPU: 1250 } },
    { name: "extended resources", edit: (p) => (p.spec.containers = containers({ "example.com/gpu": "2", "hugepages-2Mi": "4Mi" })), want: { scalar: { "example.com/gpu": 2, "hugepages-2Mi": 4 * 1024 * 1024 } } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = podRequests(deepFreeze(makePod("default", "p", c.edit)), { nonZero: c.nonZero });
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof typeof got], v, k);
    });
  }
  await t.test("an unparsable request throws", () => {
    assert.throws(() => podRequests(makePod("default", "p", (p) => (p.spec.containers = containers({ cpu: "lots" })))), QuantityError);
  });
});

test("nodeAllocatable", async (t) => {
  await t.test("allocatable", () => {
    assert.deepEqual(nodeAllocatable(makeNode("a")), { milliCPU: 4000, memory: 8 * 1024 ** 3, ephemeralStorage: 0, scalar: {}, pods: 110 });
  });
  await t.test("falls back to capacity when there is no allocatable", () => {
    const n = makeNode("a", (x) => {
      delete x.status.allocatable;
      x.status.capacity = { cpu: "2", memory: "1Gi", pods: "10" };
    });
    assert.deepEqual(nodeAllocatable(n), { milliCPU: 2000, memory: 1024 ** 3, ephemeralStorage: 0, scalar: {}, pods: 10 });
  });
  await t.test("garbage offers nothing", () => {
    const n = makeNode("a", (x) => (x.status.allocatable = { cpu: "many", pods: "110" }));
    assert.equal(nodeAllocatable(n).milliCPU, 0);
  });
});
