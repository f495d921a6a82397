import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { isApiError } from "../../api/errors.js";
import type { JsonObject } from "../../api/json.js";
import { deepCopy, deepFreeze } from "../../api/json.js";
import { patchMetaFor } from "./patch-meta.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";
import { makeDeployment, makeNode, makeService } from "./test-fixtures.js";

interface Case {
  name: string;
  doc: JsonObject;
  patch: JsonObject;
  /** Changes the expected result makes to a copy of `doc`. */
  expect: (want: JsonObject) => void;
}

// Accessors for the fixtures' shapes, to keep the cases short.
type O = Record<string, unknown>;
const spec = (o: JsonObject) => o.spec as O;
const podSpec = (o: JsonObject) => (spec(o).template as O).spec as O;
const containers = (o: JsonObject) => podSpec(o).containers as O[];

const pending = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "x" }] } };

const cases: Case[] = [
  {
    name: "kubectl apply: $setElementOrder + changed targetPort keeps nodePort, protocol and name",
    doc: makeService("nginx"),
    patch: { spec: { "$setElementOrder/ports": [{ port: 8000 }], ports: [{ port: 8000, targetPort: 8081 }] } },
    expect: (w) => {
      (spec(w).ports as O[])[0].targetPort = 8081;
    },
  },
  {
    name: "null deletes a label",
    doc: makeService("nginx", (s) => {
      s.metadata.labels = { x: "1", y: "2" };
    }),
    patch: { metadata: { labels: { x: null } } },
    expect: (w) => {
      (w.metadata as O).labels = { y: "2" };
    },
  },
  {
    name: "container image changes by name; other containers and fields stay",
    doc: makeDeployment("web"),
    patch: { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } } },
    expect: (w) => {
      containers(w)[0].image = "nginx:1.27";
    },
  },
  {
    // Upstream quirk kept on purpose: without $setElementOrder, new elements go first.
    name: "env variable added by name goes first (no $setElementOrder)",
    doc: makeDeployment("web"),
    patch: { spec: { template: { spec: { containers: [{ name: "web", env: [{ name: "C", value: "3" }] }] } } } },
    expect: (w) => {
      (containers(w)[0].env as O[]).unshift({ name: "C", value: "3" });
    },
  },
  {
    name: "env variable added after the others with $setElementOrder (kubectl apply)",
    doc: makeDeployment("web"),
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }],
            containers: [{ name: "web", "$setElementOrder/env": [{ name: "A" }, { name: "B" }, { name: "C" }], env: [{ name: "C", value: "3" }] }],
          },
        },
      },
    },
    expect: (w) => {
      (containers(w)[0].env as O[]).push({ name: "C", value: "3" });
    },
  },
  {
    name: "env variable removed with $patch: delete",
    doc: makeDeployment("web"),
    patch: { spec: { template: { spec: { containers: [{ name: "web", env: [{ name: "A", $patch: "delete" }] }] } } } },
    expect: (w) => {
      containers(w)[0].env = [{ name: "B", value: "2" }];
    },
  },
  {
    name: "$setElementOrder alone reorders the live list",
    doc: makeService("nginx", (s) => {
      s.spec.ports = [
        { name: "a", port: 80, protocol: "TCP" },
        { name: "b", port: 443, protocol: "TCP" },
      ];
    }),
    patch: { spec: { "$setElementOrder/ports": [{ port: 443 }, { port: 80 }] } },
    expect: (w) => {
      spec(w).ports = [
        { name: "b", port: 443, protocol: "TCP" },
        { name: "a", port: 80, protocol: "TCP" },
      ];
    },
  },
  {
    name: "$setElementOrder places a new port first and merges the rest",
    doc: makeService("nginx"),
    patch: { spec: { "$setElementOrder/ports": [{ port: 9000 }, { port: 8000 }], ports: [{ port: 9000, targetPort: 9000 }] } },
    expect: (w) => {
      spec(w).ports = [{ port: 9000, targetPort: 9000 }, ...(spec(w).ports as O[])];
    },
  },
  {
    name: "kubectl edit removing a port: $patch delete inside $setElementOrder",
    doc: makeService("nginx", (s) => {
      s.spec.ports = [
        { name: "a", port: 80, protocol: "TCP" },
        { name: "b", port: 443, protocol: "TCP" },
      ];
    }),
    patch: { spec: { "$setElementOrder/ports": [{ port: 80 }], ports: [{ $patch: "delete", port: 443 }] } },
    expect: (w) => {
      spec(w).ports = [{ name: "a", port: 80, protocol: "TCP" }];
    },
  },
  {
    name: "finalizers are a set: union keeps order and drops duplicates",
    doc: makeService("nginx", (s) => {
      s.metadata.finalizers = ["a", "b"];
    }),
    patch: { metadata: { finalizers: ["b", "c"] } },
    expect: (w) => {
      (w.metadata as O).finalizers = ["a", "b", "c"];
    },
  },
  {
    name: "$deleteFromPrimitiveList removes finalizers",
    doc: makeService("nginx", (s) => {
      s.metadata.finalizers = ["a", "b", "c"];
    }),
    patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["b"] } },
    expect: (w) => {
      (w.metadata as O).finalizers = ["a", "c"];
    },
  },
  {
    name: "$setElementOrder on a primitive list with a deletion",
    doc: makeService("nginx", (s) => {
      s.metadata.finalizers = ["a", "b", "c"];
    }),
    patch: { metadata: { "$setElementOrder/finalizers": ["c", "a"], "$deleteFromPrimitiveList/finalizers": ["b"] } },
    expect: (w) => {
      (w.metadata as O).finalizers = ["c", "a"];
    },
  },
  {
    name: "$patch: replace on a map replaces it",
    doc: makeService("nginx", (s) => {
      s.spec.selector = { app: "nginx", tier: "web" };
    }),
    patch: { spec: { selector: { $patch: "replace", app: "other" } } },
    expect: (w) => {
      spec(w).selector = { app: "other" };
    },
  },
  {
    name: "$patch: delete on a map empties it",
    doc: makeService("nginx"),
    patch: { spec: { selector: { $patch: "delete" } } },
    expect: (w) => {
      spec(w).selector = {};
    },
  },
  {
    name: "$patch: merge on a map merges",
    doc: makeService("nginx"),
    patch: { spec: { selector: { $patch: "merge", tier: "web" } } },
    expect: (w) => {
      spec(w).selector = { app: "nginx", tier: "web" };
    },
  },
  {
    name: "list element $patch: replace replaces the whole merged list",
    doc: makeDeployment("web"),
    patch: { spec: { template: { spec: { containers: [{ name: "only", image: "x" }, { $patch: "replace" }] } } } },
    expect: (w) => {
      podSpec(w).containers = [{ name: "only", image: "x" }];
    },
  },
  {
    name: "Endpoints subsets are replaced whole",
    doc: {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "e" },
      subsets: [{ addresses: [{ ip: "10.1.0.1" }, { ip: "10.1.0.2" }], ports: [{ port: 80 }] }],
    },
    patch: { subsets: [{ addresses: [{ ip: "10.1.0.3" }], ports: [{ port: 80 }] }] },
    expect: (w) => {
      w.subsets = [{ addresses: [{ ip: "10.1.0.3" }], ports: [{ port: 80 }] }];
    },
  },
  {
    name: "EndpointSlice endpoints and ports are atomic",
    doc: {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "s" },
      addressType: "IPv4",
      endpoints: [{ addresses: ["10.1.0.1"] }, { addresses: ["10.1.0.2"] }],
      ports: [{ name: "http", port: 80 }],
    },
    patch: { endpoints: [{ addresses: ["10.1.0.9"] }], ports: [{ name: "x", port: 81 }] },
    expect: (w) => {
      w.endpoints = [{ addresses: ["10.1.0.9"] }];
      w.ports = [{ name: "x", port: 81 }];
    },
  },
  {
    name: "Node taints are atomic, podCIDRs merge, conditions merge by type",
    doc: makeNode("n1"),
    patch: {
      spec: { taints: [{ key: "b", effect: "NoExecute" }], podCIDRs: ["10.1.14.0/24"] },
      status: { conditions: [{ type: "Ready", status: "False" }, { type: "MemoryPressure", status: "False" }] },
    },
    expect: (w) => {
      spec(w).taints = [{ key: "b", effect: "NoExecute" }];
      spec(w).podCIDRs = ["10.1.14.0/24", "10.1.13.0/24"];
      (w.status as O).conditions = [
        { type: "Ready", status: "False" },
        { type: "MemoryPressure", status: "False" },
      ];
    },
  },
  {
    name: "$retainKeys switches a volume's source",
    doc: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "c" }], volumes: [{ name: "data", emptyDir: {} }] },
    },
    patch: { spec: { volumes: [{ name: "data", $retainKeys: ["hostPath", "name"], hostPath: { path: "/tmp" } }] } },
    expect: (w) => {
      spec(w).volumes = [{ name: "data", hostPath: { path: "/tmp" } }];
    },
  },
  {
    name: "ownerReferences merge by uid",
    doc: makeService("nginx", (s) => {
      s.metadata.ownerReferences = [{ apiVersion: "v1", kind: "X", name: "a", uid: "1" }];
    }),
    patch: { metadata: { ownerReferences: [{ apiVersion: "v1", kind: "X", name: "b", uid: "2" }] } },
    expect: (w) => {
      ((w.metadata as O).ownerReferences as O[]).unshift({ apiVersion: "v1", kind: "X", name: "b", uid: "2" });
    },
  },
  {
    name: "pod status conditions merge by type and podIPs by ip",
    doc: { ...pending, status: { conditions: [{ type: "Ready", status: "False" }], podIPs: [{ ip: "10.1.0.1" }] } },
    patch: { status: { conditions: [{ type: "Ready", status: "True" }], podIPs: [{ ip: "10.1.0.1" }] } },
    expect: (w) => {
      (w.status as O).conditions = [{ type: "Ready", status: "True" }];
    },
  },
  {
    name: "directives in a list the original lacks are resolved, never stored",
    doc: { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: {} },
    patch: { spec: { "$setElementOrder/ports": [{ port: 80 }], ports: [{ port: 80 }, { port: 81, $patch: "delete" }] } },
    expect: (w) => {
      spec(w).ports = [{ port: 80 }];
    },
  },
  {
    name: "nulls inside a new subtree are dropped",
    doc: makeService("nginx"),
    patch: { metadata: { annotations: { a: "1", b: null } } },
    expect: (w) => {
      (w.metadata as O).annotations = { a: "1" };
    },
  },
  {
    name: "unknown kinds: every list outside metadata is atomic",
    doc: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", finalizers: ["a"] }, spec: { containers: [{ name: "a", x: 1 }] } },
    patch: { metadata: { finalizers: ["b"] }, spec: { containers: [{ name: "a", y: 2 }] } },
    expect: (w) => {
      (w.metadata as O).finalizers = ["b", "a"];
      spec(w).containers = [{ name: "a", y: 2 }];
    },
  },
  {
    name: "a value of a different type replaces",
    doc: makeService("nginx"),
    patch: { spec: { ports: { not: "a list" } } },
    expect: (w) => {
      spec(w).ports = { not: "a list" };
    },
  },
];

describe("applyStrategicMergePatch", () => {
  for (const c of cases) {
    it(c.name, () => {
      const doc = deepFreeze(deepCopy(c.doc));
      const patch = deepFreeze(deepCopy(c.patch));
      const want = deepCopy(c.doc);
      c.expect(want);
      const got = applyStrategicMergePatch(doc, patch, patchMetaFor({ apiVersion: String(doc.apiVersion), kind: String(doc.kind) }));
      assert.deepEqual(got, want);
      assert.doesNotMatch(JSON.stringify(got), /\$(patch|setElementOrder|retainKeys|deleteFromPrimitiveList)/);
    });
  }
});

interface ErrorCase {
  name: string;
  patch: JsonObject;
  code: number;
  message: string | RegExp;
}

const errorCases: ErrorCase[] = [
  {
    name: "list element without its merge key",
    patch: { spec: { template: { spec: { containers: [{ image: "nginx" }] } } } },
    code: 400,
    message: "map: map[image:nginx] does not contain declared merge key: name",
  },
  { name: "$retainKeys that is not a list", patch: { spec: { $retainKeys: "x" } }, code: 400, message: "invalid patch format of retainKeys" },
  {
    name: "$retainKeys that omits a key the patch sets",
    patch: { spec: { $retainKeys: ["replicas"], paused: true } },
    code: 400,
    message: "invalid patch format of retainKeys",
  },
  {
    name: "$setElementOrder that is not a list",
    patch: { spec: { "$setElementOrder/ports": "x" } },
    code: 400,
    message: "invalid patch format of setElementOrder list",
  },
  {
    name: "$deleteFromPrimitiveList that is not a list",
    patch: { metadata: { "$deleteFromPrimitiveList/finalizers": "x" } },
    code: 400,
    message: "invalid patch format of primitive list",
  },
  { name: "unknown $patch on a map", patch: { spec: { $patch: "explode" } }, code: 400, message: /^unknown patch type: explode in map: map\[/ },
  {
    name: "$patch: merge inside a list",
    patch: { spec: { template: { spec: { containers: [{ $patch: "merge" }] } } } },
    code: 400,
    message: "merging lists cannot yet be specified in the patch",
  },
  {
    name: "lists of lists",
    patch: { metadata: { finalizers: [["a"]] } },
    code: 422,
    message: "the server rejected our request due to an error in our request",
  },
  {
    name: "patch list out of $setElementOrder order",
    patch: {
      spec: {
        template: { spec: { "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }], containers: [{ name: "sidecar" }, { name: "web" }] } },
      },
    },
    code: 400,
    message: /^The order in patch list:/,
  },
];

describe("applyStrategicMergePatch errors", () => {
  const meta = patchMetaFor({ apiVersion: "apps/v1", kind: "Deployment" });
  for (const c of errorCases) {
    it(c.name, () => {
      assert.throws(
        () => applyStrategicMergePatch(makeDeployment("web"), c.patch, meta),
        (e: unknown) => {
          assert.ok(isApiError(e));
          assert.equal(e.code, c.code);
          if (typeof c.message === "string") assert.equal(e.message, c.message);
          else assert.match(e.message, c.message);
          return true;
        },
      );
    });
  }
});
