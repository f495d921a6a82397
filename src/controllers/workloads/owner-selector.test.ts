import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { MetaLabelSelector } from "../../api/types.js";
import { InvalidSelectorError, fromMetaSelector, selectorMatches, selectorOf, selectsEverything } from "./owner-selector.js";
import { makeDeployment, makeRC } from "./workload-fixtures.js";

test("fromMetaSelector matches labels as metav1.LabelSelectorAsSelector", async (t) => {
  const cases: { name: string; sel: MetaLabelSelector | undefined; labels: Record<string, string>; want: boolean }[] = [
    { name: "nil selects nothing", sel: undefined, labels: { app: "nginx" }, want: false },
    { name: "empty selects everything", sel: {}, labels: {}, want: true },
    { name: "matchLabels equal", sel: { matchLabels: { app: "nginx" } }, labels: { app: "nginx", x: "y" }, want: true },
    { name: "matchLabels differ", sel: { matchLabels: { app: "nginx" } }, labels: { app: "web" }, want: false },
    { name: "In hit", sel: { matchExpressions: [{ key: "env", operator: "In", values: ["a", "b"] }] }, labels: { env: "b" }, want: true },
    { name: "In missing key", sel: { matchExpressions: [{ key: "env", operator: "In", values: ["a"] }] }, labels: {}, want: false },
    { name: "NotIn missing key matches", sel: { matchExpressions: [{ key: "env", operator: "NotIn", values: ["a"] }] }, labels: {}, want: true },
    { name: "NotIn excluded value", sel: { matchExpressions: [{ key: "env", operator: "NotIn", values: ["a"] }] }, labels: { env: "a" }, want: false },
    { name: "Exists", sel: { matchExpressions: [{ key: "canary", operator: "Exists" }] }, labels: { canary: "" }, want: true },
    { name: "DoesNotExist", sel: { matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] }, labels: { canary: "1" }, want: false },
    {
      name: "labels and expressions ANDed",
      sel: { matchLabels: { app: "nginx" }, matchExpressions: [{ key: "tier", operator: "In", values: ["cache"] }] },
      labels: { app: "nginx", tier: "web" },
      want: false,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(selectorMatches(fromMetaSelector(deepFreeze(c.sel)), c.labels), c.want);
    });
  }
});

test("fromMetaSelector rejects malformed requirements", async (t) => {
  const cases: { name: string; sel: MetaLabelSelector; msg: RegExp }[] = [
    { name: "In without values", sel: { matchExpressions: [{ key: "a", operator: "In", values: [] }] }, msg: /values set can't be empty/ },
    { name: "Exists with values", sel: { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }, msg: /must be empty/ },
    { name: "unknown operator", sel: { matchExpressions: [{ key: "a", operator: "Gt" as "In", values: ["1"] }] }, msg: /"Gt" is not a valid label selector operator/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.throws(() => fromMetaSelector(c.sel), (e: unknown) => e instanceof InvalidSelectorError && c.msg.test(e.message));
    });
  }
});

test("selectorOf handles RC maps and apps/v1 selectors", async (t) => {
  const cases: { name: string; owner: Parameters<typeof selectorOf>[0]; labels: Record<string, string>; want: boolean }[] = [
    { name: "rc map selector", owner: makeRC(), labels: { app: "nginx" }, want: true },
    { name: "rc map selector miss", owner: makeRC(), labels: { app: "other" }, want: false },
    { name: "deployment matchLabels", owner: makeDeployment(), labels: { app: "nginx" }, want: true },
    {
      name: "deployment matchExpressions",
      owner: makeDeployment((d) => (d.spec.selector = { matchExpressions: [{ key: "app", operator: "NotIn", values: ["nginx"] }] })),
      labels: { app: "nginx" },
      want: false,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(selectorMatches(selectorOf(deepFreeze(c.owner)), c.labels), c.want);
    });
  }
});

test("selectsEverything spots empty selectors", () => {
  assert.equal(selectsEverything({}), true);
  assert.equal(selectsEverything({ matchLabels: {} }), true);
  assert.equal(selectsEverything({ matchLabels: { a: "b" } }), false);
  assert.equal(selectsEverything(undefined), false);
});
