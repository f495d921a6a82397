import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { ApiError } from "../../api/errors.js";
import { isApiError } from "../../api/errors.js";
import type { JsonObject } from "../../api/json.js";
import { deepFreeze } from "../../api/json.js";
import { applyPatch, PATCH_CONTENT_TYPES } from "./index.js";
import { makeService } from "./test-fixtures.js";

const svcKind = { apiVersion: "v1", kind: "Service" };
const live = deepFreeze(makeService("nginx"));
type O = Record<string, unknown>;
const spec = (o: JsonObject) => o.spec as O;

interface Case {
  name: string;
  contentType: string;
  body: string;
  check: (out: JsonObject) => void;
}

// Bodies exactly as kubectl 1.32 sends them (see the kubectl-api reference, §1.4).
const cases: Case[] = [
  {
    name: "kubectl apply (client-side, update path): strategic merge with last-applied annotation",
    contentType: "application/strategic-merge-patch+json",
    body: JSON.stringify({
      metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"x":1}\n' } },
      spec: { "$setElementOrder/ports": [{ port: 8000 }], ports: [{ port: 8000, targetPort: 8081 }] },
    }),
    check: (o) => {
      assert.deepEqual(spec(o).ports, [{ name: "http", port: 8000, protocol: "TCP", targetPort: 8081, nodePort: 30802 }]);
      assert.equal(((o.metadata as O).annotations as O)["kubectl.kubernetes.io/last-applied-configuration"], '{"x":1}\n');
    },
  },
  {
    name: "kubectl label: merge patch, with a charset parameter",
    contentType: "application/merge-patch+json; charset=utf-8",
    body: '{"metadata":{"labels":{"tier":"fe"}}}',
    check: (o) => assert.deepEqual((o.metadata as O).labels, { tier: "fe" }),
  },
  {
    name: "kubectl patch --type=json",
    contentType: "application/json-patch+json",
    body: '[{"op":"replace","path":"/spec/ports/0/targetPort","value":9000}]',
    check: (o) => assert.equal((spec(o).ports as O[])[0].targetPort, 9000),
  },
  {
    name: "kubectl apply --server-side: JSON text as YAML",
    contentType: "application/apply-patch+yaml",
    body: JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "nginx" }, spec: { ports: [{ port: 8000, targetPort: 8080 }] } }),
    check: (o) => {
      const mf = (o.metadata as O).managedFields as O[];
      assert.deepEqual(
        mf.map((e) => [e.manager, e.operation]),
        [
          ["kubectl", "Apply"],
          ["before-first-apply", "Update"],
        ],
      );
    },
  },
  {
    name: "apply with a YAML body",
    contentType: "application/apply-patch+yaml",
    body: "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\n  labels:\n    a: b\n",
    check: (o) => assert.deepEqual((o.metadata as O).labels, { a: "b" }),
  },
];

describe("applyPatch", () => {
  for (const c of cases) {
    it(c.name, () => {
      const out = applyPatch(svcKind, live, c.contentType, Buffer.from(c.body), { manager: "kubectl", now: "2024-05-01T10:00:00Z" });
      c.check(out);
    });
  }

  it("apply creates when there is no live object", () => {
    const body = '{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"},"spec":{"ports":[{"port":80}]}}';
    const out = applyPatch(svcKind, undefined, "application/apply-patch+yaml", body, { manager: "kubectl", now: "2024-05-01T10:00:00Z" });
    assert.deepEqual(spec(out), { ports: [{ port: 80 }] });
  });
});

interface ErrorCase {
  name: string;
  contentType: string;
  body: string;
  code: number;
  message: string;
  manager?: string;
}

const errorCases: ErrorCase[] = [
  {
    name: "unknown content type",
    contentType: "application/json",
    body: "{}",
    code: 415,
    message: `the body of the request was in an unknown format - accepted media types include: ${PATCH_CONTENT_TYPES.join(", ")}`,
  },
  {
    name: "malformed strategic merge patch",
    contentType: "application/strategic-merge-patch+json",
    body: "{x",
    code: 400,
    message: "invalid character 'x' looking for beginning of value",
  },
  {
    name: "strategic merge patch that is a list",
    contentType: "application/strategic-merge-patch+json",
    body: "[]",
    code: 400,
    message: "json: cannot unmarshal array into Go value of type map[string]interface {}",
  },
  { name: "truncated merge patch", contentType: "application/merge-patch+json", body: '{"a":', code: 400, message: "error decoding patch: unexpected end of JSON input" },
  {
    name: "merge patch that is not an object",
    contentType: "application/merge-patch+json",
    body: '"x"',
    code: 400,
    message: "error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}",
  },
  {
    name: "json patch that is an object",
    contentType: "application/json-patch+json",
    body: '{"op":"add"}',
    code: 400,
    message: "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp",
  },
  {
    name: "json patch whose test fails",
    contentType: "application/json-patch+json",
    body: '[{"op":"test","path":"/spec/type","value":"ClusterIP"}]',
    code: 422,
    message: "the server rejected our request due to an error in our request",
  },
  {
    name: "malformed YAML apply",
    contentType: "application/apply-patch+yaml",
    body: "a: b: c",
    code: 400,
    message: "error decoding patch: error converting YAML to JSON: yaml: line 1: Nested mappings are not allowed in compact mappings",
  },
  {
    name: "apply without a field manager",
    contentType: "application/apply-patch+yaml",
    body: "{}",
    code: 400,
    manager: "",
    message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
  },
  {
    name: "apply conflicting with another manager",
    contentType: "application/apply-patch+yaml",
    body: '{"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx"},"spec":{"type":"ClusterIP"}}',
    code: 409,
    message: 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .spec.type',
  },
];

describe("applyPatch errors", () => {
  for (const c of errorCases) {
    it(c.name, () => {
      assert.throws(
        () => applyPatch(svcKind, live, c.contentType, c.body, { manager: c.manager ?? "kubectl", now: "2024-05-01T10:00:00Z" }),
        (e: unknown) => {
          assert.ok(isApiError(e), String(e));
          const err: ApiError = e;
          assert.equal(err.code, c.code);
          assert.equal(err.message, c.message);
          return true;
        },
      );
    });
  }
});
