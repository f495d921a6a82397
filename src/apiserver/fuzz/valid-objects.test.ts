import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { METALLB_GROUP, METALLB_NAMESPACE } from "../../api/metallb-types.js";
import { resources } from "../../api/resources.js";
import type { TestApi } from "../test-api.js";
import { startTestApi } from "../test-api.js";
import { resourcePath } from "./hostile-path.js";
import { addressBlock, validDeleteOptions, validObject, validObjectResources, validSubresourceBody } from "./valid-objects.js";

// What the fuzzer mutates must be valid to start with, or its findings mean little.
describe("valid fuzz objects are accepted as they are", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
    for (const name of ["fuzz-valid", METALLB_NAMESPACE]) {
      assert.equal((await t.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } })).status, 201);
      await t.request("POST", `/api/v1/namespaces/${name}/serviceaccounts`, { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } } });
    }
    assert.equal((await t.request("POST", "/api/v1/nodes", { body: { apiVersion: "v1", kind: "Node", metadata: { name: "fuzz-node" } } })).status, 201);
  });
  after(() => t?.close());

  test("there is one for every served resource", () => {
    assert.deepEqual([...validObjectResources].sort(), resources.map((r) => r.resource).sort());
  });

  for (const r of resources) {
    test(`${r.resource}: create, then write every subresource`, async () => {
      const ns = r.group === METALLB_GROUP ? METALLB_NAMESPACE : "fuzz-valid";
      const name = r.namespaced ? "obj" : "fuzz-valid-obj";
      const created = await t.request("POST", resourcePath(r, { namespace: ns }), { body: validObject(r, ns, name) });
      assert.equal(created.status, 201, String(created.body));
      // A review is answered, not stored: there is nothing to write or delete after it.
      if (r.review) return;
      for (const s of r.subresources) {
        const method = s.verbs.includes("update") ? "PUT" : s.verbs.includes("create") ? "POST" : undefined;
        if (!method) continue;
        let target = name;
        if (s.name === "binding") {
          // The valid pod is bound already (so that deleting it is graceful): bind an unbound copy.
          const unbound = validObject(r, ns, (target = "unbound"));
          delete (unbound.spec as Record<string, unknown>).nodeName;
          assert.equal((await t.request("POST", resourcePath(r, { namespace: ns }), { body: unbound })).status, 201);
        }
        const res = await t.request(method, resourcePath(r, { namespace: ns, name: target, subresource: s.name }), { body: validSubresourceBody(r, s.name, ns, target) });
        assert.ok(res.status === 200 || res.status === 201, `${s.name}: ${res.status} ${String(res.body)}`);
      }
      const deleted = await t.request("DELETE", resourcePath(r, { namespace: ns, name }), { body: validDeleteOptions() });
      assert.ok(deleted.status === 200 || deleted.status === 202, String(deleted.body));
    });
  }

  test("address pools of the protected and scratch objects do not overlap", () => {
    assert.notEqual(addressBlock("fuzz-fixed"), addressBlock("fuzz-scratch-s"));
  });
});
