import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { isApiError } from "../../api/errors.js";
import type { JsonObject } from "../../api/json.js";
import { deepCopy, deepFreeze } from "../../api/json.js";
import { keyElement } from "./field-path.js";
import { FieldSet } from "./field-set.js";
import { patchMetaFor } from "./patch-meta.js";
import type { ApplyConflict, ServerSideApplyOptions } from "./server-side-apply.js";
import { applyConflictError, applyServerSide, updateManagedFields } from "./server-side-apply.js";
import { makeDeployment } from "./test-fixtures.js";

const T0 = "2024-05-01T10:00:00Z";
const T1 = "2024-05-01T11:00:00Z";
const svcMeta = patchMetaFor({ apiVersion: "v1", kind: "Service" });
const deployMeta = patchMetaFor({ apiVersion: "apps/v1", kind: "Deployment" });
const k8000 = keyElement({ port: 8000, protocol: "TCP" });

type O = Record<string, unknown>;
const spec = (o: JsonObject) => o.spec as O;
const entries = (o: JsonObject) => ((o.metadata as O).managedFields ?? []) as O[];
const entryOf = (o: JsonObject, manager: string) => entries(o).find((e) => e.manager === manager);
const fieldsOf = (o: JsonObject, manager: string) => FieldSet.fromFieldsV1(entryOf(o, manager)?.fieldsV1 as JsonObject);

function svcConfig(mutate?: (s: O) => void): JsonObject {
  const c: JsonObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "nginx", namespace: "default", labels: { app: "nginx" } },
    spec: { selector: { app: "nginx" }, ports: [{ port: 8000, targetPort: 8080 }] },
  };
  mutate?.(c.spec as O);
  return c;
}

function apply(live: JsonObject | undefined, config: JsonObject, more: Partial<ServerSideApplyOptions> = {}) {
  return applyServerSide(live ? deepFreeze(deepCopy(live)) : undefined, deepFreeze(deepCopy(config)), {
    manager: "kubectl",
    force: false,
    meta: svcMeta,
    now: T0,
    apiVersion: "v1",
    ...more,
  });
}

/** What the server does after an apply creates the object: defaults and allocation. */
function serverDefaults(o: JsonObject): JsonObject {
  const out = deepCopy(o);
  const s = spec(out);
  s.clusterIP = "10.0.0.252";
  s.type = "ClusterIP";
  for (const p of s.ports as O[]) p.protocol ??= "TCP";
  return out;
}

describe("applyServerSide", () => {
  it("creates: the object is the configuration, owned field by field", () => {
    const { object, conflicts } = apply(undefined, svcConfig());
    assert.deepEqual(conflicts, []);
    const want = svcConfig();
    (want.metadata as O).managedFields = [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "v1",
        time: T0,
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": { "f:ports": { [k8000]: { ".": {}, "f:port": {}, "f:targetPort": {} } }, "f:selector": {} },
        },
      },
    ];
    assert.deepEqual(object, want);
  });

  it("changes an owned field without conflict and keeps server defaults nobody owns", () => {
    const live = serverDefaults(apply(undefined, svcConfig()).object);
    const { object, conflicts } = apply(live, svcConfig((s) => ((s.ports as O[])[0].targetPort = 9090)), { now: T1 });
    assert.deepEqual(conflicts, []);
    assert.deepEqual(spec(object).ports, [{ port: 8000, targetPort: 9090, protocol: "TCP" }]);
    assert.equal(spec(object).clusterIP, "10.0.0.252");
    assert.equal(entryOf(object, "kubectl")?.time, T1);
  });

  it("removes fields the applier owned and left out", () => {
    const live = serverDefaults(apply(undefined, svcConfig()).object);
    const config = svcConfig((s) => {
      s.ports = [{ port: 8000 }];
    });
    (config.metadata as O).labels = undefined;
    const { object } = apply(live, config);
    assert.deepEqual(spec(object).ports, [{ port: 8000, protocol: "TCP" }]);
    assert.equal((object.metadata as O).labels, undefined, "an emptied, unowned labels map goes too");
  });

  it("removes a list-map element the applier dropped", () => {
    const two = svcConfig((s) => (s.ports as O[]).push({ port: 8443, targetPort: 443 }));
    const live = serverDefaults(apply(undefined, two).object);
    const { object } = apply(live, svcConfig());
    assert.deepEqual(spec(object).ports, [{ port: 8000, targetPort: 8080, protocol: "TCP" }]);
  });

  it("keeps a field another manager also owns", () => {
    let live = apply(undefined, svcConfig()).object;
    live = apply(live, svcConfig(), { manager: "other" }).object;
    const config = svcConfig();
    (config.metadata as O).labels = undefined;
    const { object, conflicts } = apply(live, config);
    assert.deepEqual(conflicts, []);
    assert.deepEqual((object.metadata as O).labels, { app: "nginx" });
    assert.ok(!fieldsOf(object, "kubectl").has(["f:metadata", "f:labels", "f:app"]));
    assert.ok(fieldsOf(object, "other").has(["f:metadata", "f:labels", "f:app"]));
  });

  it("conflicts with an updater that set another value, naming manager, version and time", () => {
    const created = updateManagedFields(undefined, makeDeployment("web"), { manager: "kubectl-client-side-apply", apiVersion: "apps/v1", now: T0 });
    const config = makeDeployment("web", (d) => (d.spec.replicas = 3));
    const { object, conflicts } = apply(created, config, { meta: deployMeta, apiVersion: "apps/v1" });
    assert.deepEqual(conflicts, [
      { field: ".spec.replicas", manager: "kubectl-client-side-apply", operation: "Update", apiVersion: "apps/v1", time: T0 },
    ]);
    assert.deepEqual(object, created, "nothing is applied");
    const err = applyConflictError(conflicts);
    assert.equal(err.code, 409);
    assert.equal(err.reason, "Conflict");
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1 at 2024-05-01T10:00:00Z: .spec.replicas');
    assert.deepEqual(err.details?.causes, [
      { reason: "FieldManagerConflict", message: 'conflict with "kubectl-client-side-apply" using apps/v1 at 2024-05-01T10:00:00Z', field: ".spec.replicas" },
    ]);
  });

  it("shares ownership when the value is the same", () => {
    const created = updateManagedFields(undefined, makeDeployment("web"), { manager: "kubectl-create", apiVersion: "apps/v1", now: T0 });
    const { object, conflicts } = apply(created, makeDeployment("web"), { meta: deployMeta, apiVersion: "apps/v1" });
    assert.deepEqual(conflicts, []);
    assert.ok(fieldsOf(object, "kubectl").has(["f:spec", "f:replicas"]));
    assert.ok(fieldsOf(object, "kubectl-create").has(["f:spec", "f:replicas"]));
  });

  it("force moves ownership of the conflicting fields", () => {
    const created = updateManagedFields(undefined, makeDeployment("web"), { manager: "kubectl-create", apiVersion: "apps/v1", now: T0 });
    const config = makeDeployment("web", (d) => (d.spec.replicas = 3));
    const { object, conflicts } = apply(created, config, { meta: deployMeta, apiVersion: "apps/v1", force: true });
    assert.deepEqual(conflicts, []);
    assert.equal(spec(object).replicas, 3);
    assert.ok(fieldsOf(object, "kubectl").has(["f:spec", "f:replicas"]));
    assert.ok(!fieldsOf(object, "kubectl-create").has(["f:spec", "f:replicas"]));
    assert.ok(fieldsOf(object, "kubectl-create").has(["f:spec", "f:selector"]));
  });

  it("conflicts between appliers, several fields, grouped per manager", () => {
    const live = apply(undefined, svcConfig(), { manager: "a" }).object;
    const config = svcConfig((s) => {
      s.selector = { app: "x" };
      (s.ports as O[])[0].targetPort = 1;
    });
    const { conflicts } = apply(live, config, { manager: "b" });
    assert.equal(
      applyConflictError(conflicts).message,
      'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.ports[port=8000,protocol="TCP"].targetPort\n- .spec.selector',
    );
  });

  it("treats an object without managedFields as owned by before-first-apply", () => {
    const live = serverDefaults(svcConfig());
    const { conflicts } = apply(live, svcConfig((s) => (s.selector = { app: "other" })));
    assert.deepEqual(conflicts, [{ field: ".spec.selector", manager: "before-first-apply", operation: "Update", apiVersion: "v1" }]);
  });

  it("owns set values of a merged primitive list", () => {
    const config = svcConfig();
    (config.metadata as O).finalizers = ["a"];
    const live = apply(undefined, config).object;
    (live.metadata as O).finalizers = ["a", "b"];
    const { object } = apply(live, svcConfig());
    assert.deepEqual((object.metadata as O).finalizers, ["b"], "the applier's value goes, the other stays");
  });

  it("ignores reset fields such as status on a main resource", () => {
    const config = { ...svcConfig(), status: { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } } };
    const { object } = apply(undefined, config, { resetFields: ["status"] });
    assert.ok(!JSON.stringify(entries(object)).includes("f:status"));
  });

  it("records the subresource", () => {
    const { object } = apply(undefined, svcConfig(), { subresource: "status" });
    assert.equal(entryOf(object, "kubectl")?.subresource, "status");
  });

  const rejects: { name: string; config: JsonObject; code: number; message: string }[] = [
    {
      name: "managedFields in the configuration",
      config: { ...svcConfig(), metadata: { name: "nginx", managedFields: [] } },
      code: 400,
      message: "metadata.managedFields must be nil",
    },
    {
      name: "another apiVersion",
      config: { ...svcConfig(), apiVersion: "v2" },
      code: 400,
      message: "Incorrect version specified in apply patch. Specified patch version: v2, expected: v1",
    },
    {
      name: "duplicate list-map keys",
      config: svcConfig((s) => (s.ports = [{ port: 80 }, { port: 80, protocol: "TCP" }])),
      code: 400,
      message:
        'failed to create typed patch object (default/nginx; /v1, Kind=Service): .spec.ports: duplicate entries for key [port=80,protocol="TCP"]',
    },
    {
      name: "a list-map element without its key",
      config: svcConfig((s) => (s.ports = [{ targetPort: 80 }])),
      code: 400,
      message:
        'failed to create typed patch object (default/nginx; /v1, Kind=Service): .spec.ports: element 0: associative list with keys has an element that omits key field "port" (and doesn\'t have default value)',
    },
  ];
  for (const c of rejects) {
    it(`rejects ${c.name}`, () => {
      assert.throws(
        () => apply(undefined, c.config),
        (e: unknown) => isApiError(e) && e.code === c.code && e.message === c.message,
      );
    });
  }
});

describe("updateManagedFields", () => {
  it("a create owns every field it set; new maps and list elements are members", () => {
    const svc = svcConfig();
    const out = updateManagedFields(undefined, svc, { manager: "kubectl-create", apiVersion: "v1", now: T0 });
    assert.deepEqual(entries(out), [
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "v1",
        time: T0,
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
          "f:spec": {
            "f:ports": { ".": {}, [k8000]: { ".": {}, "f:port": {}, "f:targetPort": {} } },
            "f:selector": {},
          },
        },
      },
    ]);
  });

  it("a change moves ownership to the updater, and only the changed field", () => {
    const created = updateManagedFields(undefined, svcConfig(), { manager: "kubectl-create", apiVersion: "v1", now: T0 });
    const edited = deepCopy(created);
    spec(edited).selector = { app: "x" };
    const out = updateManagedFields(created, edited, { manager: "kubectl-edit", apiVersion: "v1", now: T1 });
    assert.deepEqual(fieldsOf(out, "kubectl-edit").paths(), [["f:spec", "f:selector"]]);
    assert.ok(!fieldsOf(out, "kubectl-edit").has(["f:spec", "f:ports"]));
    assert.ok(!fieldsOf(out, "kubectl-create").has(["f:spec", "f:selector"]));
    assert.equal(entryOf(out, "kubectl-create")?.time, T0);
    assert.equal(entryOf(out, "kubectl-edit")?.time, T1);
    assert.deepEqual(
      entries(out).map((e) => e.manager),
      ["kubectl-create", "kubectl-edit"],
      "sorted by time",
    );
  });

  it("removed fields leave every manager", () => {
    const created = updateManagedFields(undefined, svcConfig(), { manager: "kubectl-create", apiVersion: "v1", now: T0 });
    const edited = deepCopy(created);
    delete (edited.metadata as O).labels;
    const out = updateManagedFields(created, edited, { manager: "kubectl-label", apiVersion: "v1", now: T1 });
    assert.ok(!JSON.stringify(entries(out)).includes("f:labels"));
    assert.equal(entryOf(out, "kubectl-label"), undefined, "a manager that only removed owns nothing");
  });

  it("a no-op write keeps the time", () => {
    const created = updateManagedFields(undefined, svcConfig(), { manager: "m", apiVersion: "v1", now: T0 });
    const again = updateManagedFields(created, deepCopy(created), { manager: "m", apiVersion: "v1", now: T1 });
    assert.equal(entryOf(again, "m")?.time, T0);
  });

  it("managedFields: [{}] strips them", () => {
    const created = updateManagedFields(undefined, svcConfig(), { manager: "m", apiVersion: "v1", now: T0 });
    const reset = deepCopy(created);
    (reset.metadata as O).managedFields = [{}];
    assert.equal((updateManagedFields(created, reset, { manager: "m", apiVersion: "v1", now: T1 }).metadata as O).managedFields, undefined);
  });

  it("later applies conflict with what an update changed", () => {
    const applied = apply(undefined, svcConfig()).object;
    const patched = deepCopy(applied);
    (spec(patched).ports as O[])[0].targetPort = 1234;
    const tracked = updateManagedFields(applied, patched, { manager: "kubectl-patch", apiVersion: "v1", now: T1 });
    const { conflicts } = apply(tracked, svcConfig());
    const c: ApplyConflict[] = [
      { field: '.spec.ports[port=8000,protocol="TCP"].targetPort', manager: "kubectl-patch", operation: "Update", apiVersion: "v1", time: T1 },
    ];
    assert.deepEqual(conflicts, c);
  });
});
