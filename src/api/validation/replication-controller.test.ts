import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import { deepCopy } from "../json.js";
import type { ReplicationController } from "../types.js";
import { defaultReplicationController } from "../defaults/replication-controller.js";
import { validateReplicationController, validateReplicationControllerStatusUpdate, validateReplicationControllerUpdate } from "./replication-controller.js";

const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");

/** The seed's rc_nginx.yaml, edited, then defaulted. */
function makeRC(edit: (rc: ReplicationController) => void = () => {}): ReplicationController {
  const rc: ReplicationController = {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name: "nginx-controller", namespace: "default" },
    spec: {
      replicas: 2,
      selector: { name: "nginx" },
      template: { metadata: { labels: { name: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] } },
    },
  };
  edit(rc);
  defaultReplicationController(rc);
  return rc;
}

test("replication controllers", async (t) => {
  const cases: { name: string; rc: ReplicationController; want: string }[] = [
    { name: "the seed's rc", rc: makeRC(), want: "" },
    {
      name: "selector does not match template labels",
      rc: makeRC((rc) => (rc.spec.selector = { name: "web" })),
      want: 'spec.template.metadata.labels: Invalid value: map[string]string{"name":"nginx"}: `selector` does not match template `labels`',
    },
    { name: "selector defaulted from template labels", rc: makeRC((rc) => delete rc.spec.selector), want: "" },
    {
      name: "no selector and no template labels",
      rc: makeRC((rc) => {
        delete rc.spec.selector;
        if (rc.spec.template) rc.spec.template.metadata = {};
      }),
      want: "spec.selector: Required value",
    },
    { name: "negative replicas", rc: makeRC((rc) => (rc.spec.replicas = -1)), want: "spec.replicas: Invalid value: -1: must be greater than or equal to 0" },
    {
      name: "pods that do not restart",
      rc: makeRC((rc) => {
        if (rc.spec.template) rc.spec.template.spec.restartPolicy = "Never";
      }),
      want: `spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`,
    },
    { name: "no template", rc: makeRC((rc) => delete rc.spec.template), want: "spec.template: Required value" },
    {
      name: "template container without image",
      rc: makeRC((rc) => delete rc.spec.template?.spec.containers[0].image),
      want: "spec.template.spec.containers[0].image: Required value",
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(msg(validateReplicationController(c.rc)), c.want));
});

test("rc updates and status", () => {
  const old = makeRC();
  const scaled = deepCopy(old);
  scaled.spec.replicas = 5;
  assert.equal(msg(validateReplicationControllerUpdate(scaled, old)), "");
  const status = deepCopy(old);
  status.status = { replicas: 2, readyReplicas: 3, availableReplicas: 1 };
  assert.equal(msg(validateReplicationControllerStatusUpdate(status, old)), "status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas");
});
