// allocateLoadBalancerNodePorts is the API server's business, not the allocator's: this checks,
// through the API, that a LoadBalancer which turns it off gets no node ports unless it names
// them, while the allocator gives it an address all the same.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Service } from "../../api/types.js";
import type { TestApi } from "../../apiserver/test-api.js";
import { startTestApi } from "../../apiserver/test-api.js";

describe("allocateLoadBalancerNodePorts, through the API", () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  const create = async (name: string, allocate: boolean | undefined, nodePort?: number): Promise<Service> => {
    const res = await api.request("POST", "/api/v1/namespaces/default/services", {
      body: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name },
        spec: {
          type: "LoadBalancer",
          selector: { app: name },
          ports: [{ name: "http", port: 8000, targetPort: 80, ...(nodePort ? { nodePort } : {}) }, { name: "https", port: 8443 }],
          ...(allocate === undefined ? {} : { allocateLoadBalancerNodePorts: allocate }),
        },
      },
    });
    assert.equal(res.status, 201, String(res.body));
    return api.json<Service>(res);
  };
  const inRange = (p: number | undefined): boolean => p !== undefined && p >= 30000 && p <= 32767;

  it("default (true): every port gets a node port", async () => {
    const svc = await create("default-ports", undefined);
    assert.equal(svc.spec.allocateLoadBalancerNodePorts, true);
    assert.ok(svc.spec.ports?.every((p) => inRange(p.nodePort)), JSON.stringify(svc.spec.ports));
  });
  it("false: no node ports", async () => {
    const svc = await create("no-ports", false);
    assert.deepEqual(svc.spec.ports?.map((p) => p.nodePort), [undefined, undefined]);
  });
  it("false, with one named: only that one", async () => {
    const svc = await create("named-port", false, 31234);
    assert.deepEqual(svc.spec.ports?.map((p) => p.nodePort), [31234, undefined]);
  });
});
