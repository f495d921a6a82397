import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import { deepCopy } from "../json.js";
import type { KubeObject } from "../types.js";
import { defaultDeployment, defaultReplicaSet } from "../defaults/apps.js";
import { validateDeployment, validateDeploymentUpdate, validateReplicaSet } from "./apps.js";

const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");

function makeDeployment(edit: (spec: Record<string, unknown>) => void = () => {}): KubeObject {
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
  };
  edit(spec);
  const d: KubeObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec };
  defaultDeployment(d);
  return d;
}

test("deployments", async (t) => {
  const cases: { name: string; obj: KubeObject; want: string }[] = [
    { name: "valid", obj: makeDeployment(), want: "" },
    { name: "selector required", obj: makeDeployment((s) => delete s.selector), want: "spec.selector: Required value" },
    { name: "empty selector", obj: makeDeployment((s) => (s.selector = {})), want: "spec.selector: Invalid value: &v1.LabelSelector{}: empty selector is invalid for deployment" },
    {
      name: "selector does not match",
      obj: makeDeployment((s) => (s.selector = { matchLabels: { app: "db" } })),
      want: 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    },
    {
      name: "In without values",
      obj: makeDeployment((s) => (s.selector = { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: [] }] })),
      want:
        "[spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn', " +
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
    },
    {
      name: "unsupported strategy",
      obj: makeDeployment((s) => (s.strategy = { type: "BlueGreen" })),
      want: `spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"`,
    },
    {
      name: "both rolling limits zero",
      obj: makeDeployment((s) => (s.strategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } })),
      want: "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(msg(validateDeployment(c.obj)), c.want));
});

test("deployment selector is immutable", () => {
  const old = makeDeployment();
  const next = deepCopy(old);
  const spec = next.spec as Record<string, unknown>;
  spec.selector = { matchLabels: { app: "web", tier: "x" } };
  (spec.template as { metadata: { labels: Record<string, string> } }).metadata.labels.tier = "x";
  assert.equal(
    msg(validateDeploymentUpdate(next, old)),
    'spec.selector: Invalid value: &v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  );
});

test("replica sets", () => {
  const rs: KubeObject = {
    metadata: { name: "web-1", namespace: "default" },
    spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx" }] } } },
  };
  defaultReplicaSet(rs);
  assert.equal(msg(validateReplicaSet(rs)), "");
});
