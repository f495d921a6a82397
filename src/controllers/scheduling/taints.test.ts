import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import { makeNode, makePod, tainted } from "./fixtures.js";
import { firstUntoleratedTaint, nodeTaints, podTolerations, toleratesTaint, type Taint, type Toleration } from "./taints.js";

test("toleratesTaint", async (t) => {
  const taint: Taint = { key: "dedicated", value: "db", effect: "NoSchedule" };
  const cases: { name: string; toleration: Toleration; taint?: Taint; want: boolean }[] = [
    { name: "Equal with same key, value, effect", toleration: { key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }, want: true },
    { name: "empty operator means Equal", toleration: { key: "dedicated", value: "db" }, want: true },
    { name: "Equal with another value", toleration: { key: "dedicated", operator: "Equal", value: "web" }, want: false },
    { name: "Equal without value vs a valued taint", toleration: { key: "dedicated", operator: "Equal" }, want: false },
    { name: "Equal without value vs a value-less taint", toleration: { key: "k", operator: "Equal" }, taint: { key: "k", effect: "NoExecute" }, want: true },
    { name: "Exists ignores the value", toleration: { key: "dedicated", operator: "Exists" }, want: true },
    { name: "Exists with empty key matches any key", toleration: { operator: "Exists" }, want: true },
    { name: "Exists with empty key but another effect", toleration: { operator: "Exists", effect: "NoExecute" }, want: false },
    { name: "other key", toleration: { key: "other", operator: "Exists" }, want: false },
    { name: "unknown operator", toleration: { key: "dedicated", operator: "Lt" as Toleration["operator"] }, want: false },
    { name: "empty effect matches every effect", toleration: { key: "dedicated", operator: "Exists", effect: "" }, want: true },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(toleratesTaint(c.toleration, c.taint ?? taint), c.want));
  }
});

test("firstUntoleratedTaint takes NoSchedule/NoExecute taints in node order", () => {
  const node = deepFreeze(
    makeNode("a", tainted({ key: "soft", effect: "PreferNoSchedule" }, { key: "x", value: "1", effect: "NoExecute" }, { key: "y", effect: "NoSchedule" })),
  );
  assert.deepEqual(firstUntoleratedTaint(nodeTaints(node), []), { key: "x", value: "1", effect: "NoExecute" });
  assert.deepEqual(firstUntoleratedTaint(nodeTaints(node), [{ key: "x", operator: "Exists" }]), { key: "y", effect: "NoSchedule" });
  assert.equal(firstUntoleratedTaint(nodeTaints(node), [{ key: "x", operator: "Exists" }, { key: "y", operator: "Exists" }]), undefined);
});

test("malformed taints and tolerations are skipped", () => {
  const node = deepFreeze(makeNode("a", (n) => (n.spec.taints = [{ key: "k" }, { effect: "NoSchedule" }, { key: "ok", effect: "NoSchedule", timeAdded: "2024-01-01T00:00:00Z" }])));
  assert.deepEqual(nodeTaints(node), [{ key: "ok", effect: "NoSchedule", timeAdded: "2024-01-01T00:00:00Z" }]);
  const pod = deepFreeze(makePod("default", "p", (p) => (p.spec.tolerations = ["junk", { key: "k", operator: "Exists", tolerationSeconds: 5 }])));
  assert.deepEqual(podTolerations(pod), [{ key: "k", operator: "Exists", tolerationSeconds: 5 }]);
});

test("typed views of a frozen spec are worked out once and frozen; a mutable spec is read afresh", () => {
  const frozenNode = deepFreeze(makeNode("a", tainted({ key: "x", effect: "NoSchedule" })));
  assert.equal(nodeTaints(frozenNode), nodeTaints(frozenNode), "same array for the same frozen spec");
  assert.ok(Object.isFrozen(nodeTaints(frozenNode)) && Object.isFrozen(nodeTaints(frozenNode)[0]));
  const frozenPod = deepFreeze(makePod("default", "p", (p) => (p.spec.tolerations = [{ key: "x", operator: "Exists" }])));
  assert.equal(podTolerations(frozenPod), podTolerations(frozenPod));

  const node = makeNode("b", tainted({ key: "x", effect: "NoSchedule" }));
  assert.deepEqual(nodeTaints(node).map((t) => t.key), ["x"]);
  const spec = node.spec ?? {};
  spec.taints = [{ key: "y", effect: "NoExecute" }];
  assert.deepEqual(nodeTaints(node).map((t) => t.key), ["y"], "a spec changed in place is not served from the memo");
  const pod = makePod("default", "q");
  assert.deepEqual(podTolerations(pod), []);
  pod.spec.tolerations = [{ key: "y", operator: "Exists" }];
  assert.deepEqual(podTolerations(pod), [{ key: "y", operator: "Exists" }]);
});
