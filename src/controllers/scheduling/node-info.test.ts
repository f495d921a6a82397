import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Pod } from "../../api/types.js";
import { all, makeNode, makePod, ownedBy, withRequests } from "./fixtures.js";
import { NodeInfo, nodeInfosOf } from "./node-info.js";
import { sumRequests, type Resources } from "./resources.js";

const on = (node: string) => (p: Pod) => {
  p.spec.nodeName = node;
  p.status = { phase: "Running" };
};
const pod = (name: string, edit?: (p: Pod) => void): Pod => deepFreeze(makePod("default", name, all(on("a"), edit ?? (() => {}))));
const deleting = (p: Pod): void => {
  p.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
};
const Mi = 1024 * 1024;

test("NodeInfo keeps its totals as pods come and go", async (t) => {
  const cases: {
    name: string;
    steps: (i: NodeInfo) => void;
    want: { pods: string[]; milliCPU: number; memory: number; nonZeroMilliCPU: number; rcWeb: number };
  }[] = [
    { name: "empty", steps: () => {}, want: { pods: [], milliCPU: 0, memory: 0, nonZeroMilliCPU: 0, rcWeb: 0 } },
    {
      name: "two pods add up; one without requests counts 100m when scoring",
      steps: (i) => (i.addPod(pod("x", withRequests({ cpu: "250m", memory: "64Mi" }))), i.addPod(pod("y"))),
      want: { pods: ["x", "y"], milliCPU: 250, memory: 64 * Mi, nonZeroMilliCPU: 350, rcWeb: 0 },
    },
    {
      name: "adding under the same key replaces",
      steps: (i) => (i.addPod(pod("x", withRequests({ cpu: "1" }))), i.addPod(pod("x", withRequests({ cpu: "2" })))),
      want: { pods: ["x"], milliCPU: 2000, memory: 0, nonZeroMilliCPU: 2000, rcWeb: 0 },
    },
    {
      name: "removing takes its share back",
      steps: (i) => (i.addPod(pod("x", withRequests({ cpu: "1" }))), i.addPod(pod("y", withRequests({ cpu: "1" }))), i.removePod("default/x")),
      want: { pods: ["y"], milliCPU: 1000, memory: 0, nonZeroMilliCPU: 1000, rcWeb: 0 },
    },
    {
      name: "pods per controller count live pods only",
      steps: (i) => (i.addPod(pod("w1", ownedBy("rc-web"))), i.addPod(pod("w2", all(ownedBy("rc-web"), deleting))), i.addPod(pod("o", ownedBy("rc-other")))),
      want: { pods: ["w1", "w2", "o"], milliCPU: 0, memory: 0, nonZeroMilliCPU: 300, rcWeb: 1 },
    },
    {
      name: "a controller's pod that starts terminating stops counting for it",
      steps: (i) => (i.addPod(pod("w1", ownedBy("rc-web"))), i.addPod(pod("w1", all(ownedBy("rc-web"), deleting)))),
      want: { pods: ["w1"], milliCPU: 0, memory: 0, nonZeroMilliCPU: 100, rcWeb: 0 },
    },
    {
      name: "a bound pod with an unparsable request counts as requesting nothing",
      steps: (i) => i.addPod(pod("bad", withRequests({ cpu: "lots" }))),
      want: { pods: ["bad"], milliCPU: 0, memory: 0, nonZeroMilliCPU: 0, rcWeb: 0 },
    },
    {
      name: "removing what is not there changes nothing",
      steps: (i) => (i.addPod(pod("x", withRequests({ cpu: "1" }))), i.removePod("default/nope")),
      want: { pods: ["x"], milliCPU: 1000, memory: 0, nonZeroMilliCPU: 1000, rcWeb: 0 },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const info = new NodeInfo("a", makeNode("a"));
      c.steps(info);
      assert.deepEqual(
        {
          pods: info.pods.map((p) => p.metadata.name),
          milliCPU: info.requested.milliCPU,
          memory: info.requested.memory,
          nonZeroMilliCPU: info.nonZeroRequestedMilliCPU,
          rcWeb: info.ownerPods("default", "rc-web"),
        },
        c.want,
      );
      assert.equal(info.podCount, c.want.pods.length);
    });
  }
});

/** Resources with scalar entries of zero left out (zero and absent mean the same). */
const normal = (r: Resources): Resources => ({ ...r, scalar: Object.fromEntries(Object.entries(r.scalar).filter(([, v]) => v !== 0)) });

test("NodeInfo totals equal a fresh sum after any sequence of adds and removes", () => {
  const sizes = ["100m", "250m", "1", "1500m"];
  const memory = ["64Mi", "1Gi", "300Mi"];
  const info = new NodeInfo("a", makeNode("a"));
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let step = 0; step < 500; step++) {
    const name = `p${next(20)}`;
    if (next(3) === 0) info.removePod(`default/${name}`);
    else info.addPod(pod(name, withRequests({ cpu: sizes[next(sizes.length)], memory: memory[next(memory.length)], "example.com/gpu": String(next(3)) })));
    assert.deepEqual(normal(info.requested), normal(sumRequests(info.pods)), `step ${step}`);
    const nonZero = sumRequests(info.pods, { nonZero: true });
    assert.deepEqual([info.nonZeroRequestedMilliCPU, info.nonZeroRequestedMemory], [nonZero.milliCPU, nonZero.memory], `step ${step}`);
    assert.equal(info.podCount, info.pods.length);
  }
});

test("nodeInfosOf counts bound, unfinished pods on the nodes given, in their order", () => {
  const nodes = deepFreeze([makeNode("b"), makeNode("a")]);
  const pods = deepFreeze([
    makePod("default", "run", on("a")),
    makePod("default", "done", all(on("a"), (p) => (p.status = { phase: "Succeeded" }))),
    makePod("default", "failed", all(on("b"), (p) => (p.status = { phase: "Failed" }))),
    makePod("default", "pending"),
    makePod("default", "elsewhere", on("z")),
  ]);
  const infos = nodeInfosOf(nodes, pods);
  assert.deepEqual(
    infos.map((i) => [i.name, i.node.metadata.name, i.pods.map((p) => p.metadata.name)]),
    [
      ["b", "b", []],
      ["a", "a", ["run"]],
    ],
  );
});
