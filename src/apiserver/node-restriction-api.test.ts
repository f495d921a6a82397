// The node restriction through the whole pipeline: a node agent's certificate, a create whose
// name is only in the body (JSON or YAML, as the handler decodes them).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { kubeletEndpointAnnotation, kubeletServingCertHashAnnotation } from "../api/node-annotations.js";
import type { ApiResponse } from "./request.js";
import type { TestApi } from "./test-api.js";
import { startTestApi } from "./test-api.js";

describe("node restriction in the API server", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(() => t?.close());

  const createLease = (name: string, contentType: string): Promise<ApiResponse> => {
    const body =
      contentType === "application/yaml"
        ? `apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: ${name}\nspec:\n  holderIdentity: ${name}\n`
        : JSON.stringify({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name }, spec: { holderIdentity: name } });
    return t.api.inject({
      method: "POST",
      path: "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
      query: new URLSearchParams(),
      headers: { "content-type": contentType },
      body: Buffer.from(body),
      clientCertificate: { commonName: "system:node:a", organizations: ["system:nodes"] },
    });
  };

  for (const contentType of ["application/json", "application/yaml"]) {
    test(`a node creates its own heartbeat Lease, not another's (${contentType})`, async () => {
      const own = await createLease("a", contentType);
      assert.ok(own.status === 201 || own.status === 409, String(own.body));
      const other = await createLease("b", contentType);
      assert.equal(other.status, 403, String(other.body));
      assert.match(String(other.body), /node \\"a\\" can only access leases with the same name as the requesting node/);
    });
  }

  test("a node publishes its own agent's endpoint and certificate hash, not another node's", async () => {
    for (const name of ["a", "b"]) await t.request("POST", "/api/v1/nodes", { body: { apiVersion: "v1", kind: "Node", metadata: { name } } });
    const annotate = (name: string): Promise<ApiResponse> =>
      t.api.inject({
        method: "PATCH",
        path: `/api/v1/nodes/${name}`,
        query: new URLSearchParams(),
        headers: { "content-type": "application/merge-patch+json" },
        body: Buffer.from(JSON.stringify({ metadata: { annotations: { [kubeletEndpointAnnotation]: "https://127.0.0.1:1", [kubeletServingCertHashAnnotation]: `sha256:${"0".repeat(64)}` } } })),
        clientCertificate: { commonName: "system:node:a", organizations: ["system:nodes"] },
      });
    assert.equal((await annotate("a")).status, 200);
    const other = await annotate("b");
    assert.equal(other.status, 403, String(other.body));
    assert.match(String(other.body), /node \\"a\\" is not allowed to modify node \\"b\\"/);
  });
});
