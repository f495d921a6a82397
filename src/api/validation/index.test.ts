import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage } from "../field-errors.js";
import { deepCopy } from "../json.js";
import type { KubeObject } from "../types.js";
import { admissionFor } from "./index.js";

/** Runs an admission the way the registry does on create. */
function create(group: string, kind: string, obj: KubeObject): { obj: KubeObject; errors: string } {
  const a = admissionFor(group, kind);
  const copy = deepCopy(obj);
  a.defaults(copy);
  a.prepareForCreate?.(copy);
  const errs = a.validate(copy);
  return { obj: copy, errors: errs.length ? aggregateMessage(errs) : "" };
}

test("admissionFor finds every served kind and falls back to ObjectMeta rules", async (t) => {
  const kinds: [string, string][] = [
    ["", "Service"],
    ["", "Pod"],
    ["", "ReplicationController"],
    ["", "Endpoints"],
    ["", "Node"],
    ["", "Namespace"],
    ["", "Event"],
    ["discovery.k8s.io", "EndpointSlice"],
    ["coordination.k8s.io", "Lease"],
    ["apps", "Deployment"],
    ["apps", "ReplicaSet"],
  ];
  for (const [g, k] of kinds) {
    await t.test(`${g}/${k}`, () => {
      const a = admissionFor(g, k);
      assert.equal(typeof a.defaults, "function");
      assert.equal(typeof a.validateUpdate, "function");
    });
  }
  await t.test("unknown namespaced kind", () => {
    assert.equal(create("", "ConfigMap", { metadata: { name: "Bad_Name", namespace: "default" } }).errors.startsWith(`metadata.name: Invalid value: "Bad_Name"`), true);
    assert.equal(create("", "ConfigMap", { metadata: { name: "cm" } }).errors, "metadata.namespace: Required value");
  });
});

test("a service from the seed is defaulted as kubectl shows it", () => {
  const { obj, errors } = create("", "Service", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "nginx-service", namespace: "default" },
    spec: { clusterIP: "10.0.0.252", selector: { name: "nginx" }, ports: [{ port: 8000, targetPort: 80 }] },
  });
  assert.equal(errors, "");
  assert.deepEqual(obj.spec, {
    clusterIP: "10.0.0.252",
    clusterIPs: ["10.0.0.252"],
    selector: { name: "nginx" },
    ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }],
    sessionAffinity: "None",
    type: "ClusterIP",
    internalTrafficPolicy: "Cluster",
    ipFamilyPolicy: "SingleStack",
    ipFamilies: ["IPv4"],
  });
});

test("a namespace gets its finalizer on create only", () => {
  const { obj, errors } = create("", "Namespace", { metadata: { name: "team-a" } });
  assert.equal(errors, "");
  assert.deepEqual(obj.spec, { finalizers: ["kubernetes"] });
  assert.deepEqual(obj.status, { phase: "Active" });
  const finalized = deepCopy(obj);
  finalized.spec = { finalizers: [] };
  admissionFor("", "Namespace").defaults(finalized);
  assert.deepEqual(finalized.spec, { finalizers: [] });
});
