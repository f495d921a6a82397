import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { JsonObject } from "../../api/json.js";
import type { FieldPath } from "./field-path.js";
import { formatFieldPath, keyElement, metaPathOf, valueElement } from "./field-path.js";
import { FieldSet } from "./field-set.js";
import { compareObjects, fieldSetOf } from "./field-walk.js";
import { patchMetaFor } from "./patch-meta.js";

const port8000 = keyElement({ port: 8000, protocol: "TCP" });

describe("field paths", () => {
  const cases: { name: string; path: FieldPath; text: string; meta: string }[] = [
    { name: "fields", path: ["f:spec", "f:replicas"], text: ".spec.replicas", meta: "spec.replicas" },
    {
      name: "list-map key, sorted, strings quoted",
      path: ["f:spec", "f:ports", keyElement({ protocol: "TCP", port: 8000 }), "f:targetPort"],
      text: '.spec.ports[port=8000,protocol="TCP"].targetPort',
      meta: "spec.ports[].targetPort",
    },
    { name: "set value", path: ["f:metadata", "f:finalizers", valueElement("a")], text: '.metadata.finalizers[="a"]', meta: "metadata.finalizers[]" },
    { name: "index", path: ["f:x", "i:2"], text: ".x[2]", meta: "x[]" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(formatFieldPath(c.path), c.text);
      assert.equal(metaPathOf(c.path), c.meta);
    });
  }
  it("key elements are canonical JSON with sorted keys", () => assert.equal(port8000, 'k:{"port":8000,"protocol":"TCP"}'));
});

describe("FieldSet fieldsV1 encoding", () => {
  const fieldsV1: JsonObject = {
    "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
    "f:spec": {
      "f:ports": { ".": {}, [port8000]: { ".": {}, "f:port": {}, "f:targetPort": {} } },
      "f:selector": {},
    },
  };
  it("decodes members and leaves", () => {
    const s = FieldSet.fromFieldsV1(fieldsV1);
    assert.equal(s.size, 7);
    assert.ok(s.has(["f:metadata", "f:labels"]));
    assert.ok(s.has(["f:spec", "f:ports", port8000]));
    assert.ok(!s.has(["f:spec"]));
  });
  it("round-trips with Kubernetes' key order", () => {
    const back = FieldSet.fromFieldsV1(fieldsV1).toFieldsV1();
    assert.deepEqual(back, fieldsV1);
    assert.equal(JSON.stringify(back), JSON.stringify(fieldsV1));
  });
  it("skips malformed keys", () => {
    const s = FieldSet.fromFieldsV1({ "f:a": {}, "x:b": {}, "k:notjson": {}, "f:c": "not an object" });
    assert.deepEqual(s.paths(), [["f:a"]]);
  });
  it("set algebra", () => {
    const a = new FieldSet([["f:a"], ["f:b"]]);
    const b = new FieldSet([["f:b"], ["f:c"]]);
    assert.deepEqual(a.union(b).paths(), [["f:a"], ["f:b"], ["f:c"]]);
    assert.deepEqual(a.difference(b).paths(), [["f:a"]]);
    assert.deepEqual(a.intersection(b).paths(), [["f:b"]]);
    assert.deepEqual(new FieldSet([["f:a", "f:x"], ["f:ab"]]).withoutPrefixes([["f:a"]]).paths(), [["f:ab"]]);
    assert.ok(a.equals(new FieldSet([["f:b"], ["f:a"]])));
  });
});

describe("fieldSetOf", () => {
  it("a Service configuration, with the defaulted protocol in the port key", () => {
    const config: JsonObject = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "nginx", labels: { app: "nginx" }, finalizers: ["x"] },
      spec: { selector: { app: "nginx" }, ports: [{ port: 8000, targetPort: 8080 }], externalIPs: ["1.2.3.4"] },
    };
    const s = fieldSetOf(config, patchMetaFor({ apiVersion: "v1", kind: "Service" }));
    assert.deepEqual(
      s.paths().map(formatFieldPath).sort(),
      [
        ".apiVersion",
        ".kind",
        ".metadata.finalizers[=\"x\"]",
        ".metadata.labels.app",
        ".metadata.name",
        ".spec.externalIPs",
        '.spec.ports[port=8000,protocol="TCP"]',
        '.spec.ports[port=8000,protocol="TCP"].port',
        '.spec.ports[port=8000,protocol="TCP"].targetPort',
        ".spec.selector",
      ].sort(),
    );
    assert.equal(s.size, 10);
  });
});

describe("compareObjects", () => {
  const meta = patchMetaFor({ apiVersion: "v1", kind: "Service" });
  it("added maps become members below the top level; changed leaves are modified", () => {
    const before: JsonObject = { metadata: { name: "a" }, spec: { type: "ClusterIP", ports: [{ port: 80, protocol: "TCP" }] } };
    const after: JsonObject = {
      metadata: { name: "a", labels: { x: "1" } },
      spec: { type: "NodePort", ports: [{ port: 80, protocol: "TCP" }, { port: 81, protocol: "TCP" }] },
    };
    const c = compareObjects(before, after, meta);
    const k81 = keyElement({ port: 81, protocol: "TCP" });
    assert.deepEqual(c.added.paths(), [
      ["f:metadata", "f:labels"],
      ["f:metadata", "f:labels", "f:x"],
      ["f:spec", "f:ports", k81],
      ["f:spec", "f:ports", k81, "f:port"],
      ["f:spec", "f:ports", k81, "f:protocol"],
    ]);
    assert.deepEqual(c.modified.paths(), [["f:spec", "f:type"]]);
    assert.deepEqual(compareObjects(after, before, meta).removed.paths(), c.added.paths());
  });
  it("atomic lists and maps are single leaves", () => {
    const c = compareObjects({ spec: { selector: { a: "1" }, externalIPs: ["1"] } }, { spec: { selector: { a: "2" }, externalIPs: ["2"] } }, meta);
    assert.deepEqual(c.modified.paths(), [
      ["f:spec", "f:externalIPs"],
      ["f:spec", "f:selector"],
    ]);
  });
});
