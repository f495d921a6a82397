import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { LabelSelector } from "./format-labels.js";
import { formatLabels, formatLabelSelector, labelSelectorString } from "./format-labels.js";

describe("formatLabels", () => {
  const cases: { name: string; labels: Record<string, string> | null | undefined; want: string }[] = [
    { name: "missing", labels: undefined, want: "<none>" },
    { name: "null", labels: null, want: "<none>" },
    { name: "empty", labels: {}, want: "<none>" },
    { name: "one", labels: { app: "nginx" }, want: "app=nginx" },
    { name: "sorted by key", labels: { tier: "web", app: "nginx", "a.b/c": "" }, want: "a.b/c=,app=nginx,tier=web" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(formatLabels(c.labels), c.want));
});

describe("label selectors", () => {
  const cases: { name: string; selector: LabelSelector | null | undefined; string: string | undefined; formatted: string }[] = [
    { name: "missing", selector: undefined, string: "", formatted: "<none>" },
    { name: "empty", selector: {}, string: "", formatted: "<none>" },
    { name: "matchLabels", selector: { matchLabels: { tier: "web", app: "nginx" } }, string: "app=nginx,tier=web", formatted: "app=nginx,tier=web" },
    {
      name: "expressions sorted by key, values sorted",
      selector: {
        matchLabels: { app: "nginx" },
        matchExpressions: [
          { key: "zone", operator: "In", values: ["b", "a"] },
          { key: "env", operator: "NotIn", values: ["prod"] },
          { key: "canary", operator: "DoesNotExist" },
          { key: "gpu", operator: "Exists", values: [] },
        ],
      },
      string: "app=nginx,!canary,env notin (prod),gpu,zone in (a,b)",
      formatted: "app=nginx,!canary,env notin (prod),gpu,zone in (a,b)",
    },
    { name: "unknown operator", selector: { matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }, string: undefined, formatted: "<error>" },
    { name: "In without values", selector: { matchExpressions: [{ key: "a", operator: "In" }] }, string: undefined, formatted: "<error>" },
    { name: "Exists with values", selector: { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }, string: undefined, formatted: "<error>" },
  ];
  for (const c of cases) {
    it(`${c.name}: string`, () => assert.equal(labelSelectorString(c.selector), c.string));
    it(`${c.name}: formatted`, () => assert.equal(formatLabelSelector(c.selector), c.formatted));
  }
});
