// The API-only conformance behaviours for Services, Endpoints and EndpointSlices
// (Kubernetes' test/e2e/network service.go and endpointslice.go, category A), replayed
// through the in-process API server.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ApiResponse } from "./request.js";
import type { TestApi } from "./test-api.js";
import { startTestApi } from "./test-api.js";

interface Obj {
  metadata: { name: string; uid: string; resourceVersion: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
}

type Event = { type: string; object: Obj };

/** Reads watch events from a streaming response until `count` arrived. */
async function take(res: ApiResponse, count: number): Promise<Event[]> {
  const it = res.stream?.[Symbol.asyncIterator]();
  assert.ok(it, "a watch response streams");
  const out: Event[] = [];
  while (out.length < count) {
    const n = await it.next();
    if (n.done) break;
    const ev = JSON.parse(String(n.value)) as Event;
    if (ev.type !== "BOOKMARK") out.push(ev);
  }
  return out;
}

describe("conformance: API behaviours of services, endpoints and endpointslices", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(() => t.close());

  test("should provide secure master service and find it from all namespaces", async () => {
    const svc = t.json<Obj & { spec: { clusterIP: string } }>(await t.request("GET", "/api/v1/namespaces/default/services/kubernetes"));
    assert.equal(svc.spec.clusterIP, "10.0.0.1");
    const all = t.json<{ items: Obj[] }>(await t.request("GET", "/api/v1/services"));
    assert.ok(all.items.some((s) => s.metadata.name === "kubernetes"));
  });

  test("Endpoints and EndpointSlices point at the API server and agree", async () => {
    const ep = t.json<{ subsets: { addresses: { ip: string }[]; ports: { port: number; name: string }[] }[] }>(
      await t.request("GET", "/api/v1/namespaces/default/endpoints/kubernetes"),
    );
    assert.ok(ep.subsets.length >= 1);
    const slices = t.json<{ items: { endpoints: { addresses: string[] }[]; ports: { port: number; name: string }[] }[] }>(
      await t.request("GET", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes"),
    );
    assert.equal(slices.items.length, 1);
    assert.deepEqual(
      slices.items[0].endpoints.flatMap((e) => e.addresses),
      ep.subsets.flatMap((s) => s.addresses.map((a) => a.ip)),
    );
    assert.deepEqual(slices.items[0].ports.map((p) => [p.name, p.port]), ep.subsets[0].ports.map((p) => [p.name, p.port]));
  });

  test("should test the lifecycle of an Endpoint", async () => {
    const path = "/api/v1/namespaces/default/endpoints";
    const list = t.json<{ metadata: { resourceVersion: string } }>(await t.request("GET", `${path}?labelSelector=test-endpoint-static%3Dtrue`));
    const watch = await t.request("GET", `${path}?watch=true&labelSelector=test-endpoint-static%3Dtrue&resourceVersion=${list.metadata.resourceVersion}`);
    const created = await t.request("POST", path, {
      body: {
        metadata: { name: "testservice", labels: { "test-endpoint-static": "true" } },
        subsets: [{ addresses: [{ ip: "10.0.0.24" }], ports: [{ name: "http", port: 80, protocol: "TCP" }] }],
      },
    });
    assert.equal(created.status, 201, String(created.body));
    const ep = t.json<Obj>(created);
    const upd = await t.request("PUT", `${path}/testservice`, {
      body: { ...ep, metadata: { ...ep.metadata, labels: { "test-endpoint-static": "true", "test-service": "updated" } } },
    });
    assert.equal(upd.status, 200, String(upd.body));
    const patched = await t.request("PATCH", `${path}/testservice`, {
      contentType: "application/strategic-merge-patch+json",
      body: {
        metadata: { labels: { "test-service": "patched" } },
        subsets: [{ addresses: [{ ip: "10.0.0.25" }], ports: [{ name: "http-test", port: 8080 }] }],
      },
    });
    assert.equal(patched.status, 200, String(patched.body));
    const after = t.json<{ subsets: { addresses: { ip: string }[]; ports: { name: string; port: number; protocol: string }[] }[] }>(patched);
    assert.deepEqual(after.subsets, [{ addresses: [{ ip: "10.0.0.25" }], ports: [{ name: "http-test", port: 8080, protocol: "TCP" }] }], "SMP replaces subsets whole");
    const dc = await t.request("DELETE", `${path}?labelSelector=test-endpoint-static%3Dtrue`);
    assert.equal(dc.status, 200);
    const events = await take(watch, 4);
    assert.deepEqual(
      events.map((e) => e.type),
      ["ADDED", "MODIFIED", "MODIFIED", "DELETED"],
    );
    assert.equal((await t.request("GET", `${path}/testservice`)).status, 404);
  });

  test("should complete a service status lifecycle", async () => {
    const path = "/api/v1/namespaces/default/services";
    const list = t.json<{ metadata: { resourceVersion: string } }>(await t.request("GET", `${path}?labelSelector=test-service-static%3Dtrue`));
    const watch = await t.request("GET", `${path}?watch=true&labelSelector=test-service-static%3Dtrue&resourceVersion=${list.metadata.resourceVersion}`);
    const c = await t.request("POST", path, {
      body: {
        metadata: { name: "test-service-lb", labels: { "test-service-static": "true" } },
        spec: { type: "LoadBalancer", loadBalancerClass: "example.com/internal-vip", ports: [{ name: "http", protocol: "TCP", port: 80, targetPort: 80 }] },
      },
    });
    assert.equal(c.status, 201, String(c.body));
    const svc = t.json<Obj & { spec: { ports: { nodePort?: number }[] } }>(c);
    assert.ok(svc.spec.ports[0].nodePort, "a LoadBalancer service gets a node port");
    const st = await t.request("GET", `${path}/test-service-lb/status`);
    assert.equal(st.status, 200);
    const mp = await t.request("PATCH", `${path}/test-service-lb/status`, {
      contentType: "application/merge-patch+json",
      body: { metadata: { annotations: { "patchedstatus": "true" } }, status: { loadBalancer: { ingress: [{ ip: "203.0.113.1" }] } } },
    });
    assert.equal(mp.status, 200, String(mp.body));
    const afterPatch = t.json<Obj & { status: { loadBalancer: { ingress: { ip: string }[] } } }>(mp);
    assert.equal(afterPatch.metadata.annotations?.patchedstatus, "true");
    assert.equal(afterPatch.status.loadBalancer.ingress[0].ip, "203.0.113.1");
    const put = await t.request("PUT", `${path}/test-service-lb/status`, {
      body: {
        ...afterPatch,
        status: {
          ...afterPatch.status,
          conditions: [{ type: "StatusUpdate", status: "True", reason: "E2E", message: "Set from e2e test", lastTransitionTime: "2026-01-01T00:00:00Z" }],
        },
      },
    });
    assert.equal(put.status, 200, String(put.body));
    assert.equal(t.json<{ status: { conditions: { type: string }[] } }>(put).status.conditions[0].type, "StatusUpdate");
    const smp = await t.request("PATCH", `${path}/test-service-lb`, {
      contentType: "application/strategic-merge-patch+json",
      body: { metadata: { labels: { "test-service": "patched" } } },
    });
    assert.equal(smp.status, 200);
    const kept = t.json<{ status: { conditions: unknown[] } }>(smp);
    assert.equal(kept.status.conditions.length, 1, "a main-resource patch keeps status");
    assert.equal((await t.request("DELETE", `${path}/test-service-lb`)).status, 200);
    const events = await take(watch, 5);
    assert.deepEqual(
      events.map((e) => e.type),
      ["ADDED", "MODIFIED", "MODIFIED", "MODIFIED", "DELETED"],
    );
  });

  test("should support creating EndpointSlice API operations", async () => {
    const ns = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";
    const list0 = t.json<{ metadata: { resourceVersion: string } }>(await t.request("GET", `/apis/discovery.k8s.io/v1/endpointslices?labelSelector=special-label%3Dv1`));
    const watch = await t.request("GET", `/apis/discovery.k8s.io/v1/endpointslices?watch=true&labelSelector=special-label%3Dv1&resourceVersion=${list0.metadata.resourceVersion}`);
    const made: Obj[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await t.request("POST", ns, {
        body: {
          metadata: { generateName: "e2e-example-ing", labels: { "special-label": "v1" } },
          addressType: "IPv4",
          endpoints: [{ addresses: ["1.2.3.4", "5.6.7.8"] }],
          ports: [{ name: "example", port: 9090, protocol: "TCP" }],
        },
      });
      assert.equal(r.status, 201, String(r.body));
      made.push(t.json<Obj>(r));
    }
    const one = t.json<Obj & { ports: { name: string; protocol: string }[] }>(await t.request("GET", `${ns}/${made[0].metadata.name}`));
    assert.equal(one.metadata.uid, made[0].metadata.uid);
    const listed = t.json<{ items: Obj[] }>(await t.request("GET", `${ns}?labelSelector=special-label%3Dv1`));
    assert.equal(listed.items.length, 3);
    const patched = await t.request("PATCH", `${ns}/${made[0].metadata.name}`, {
      contentType: "application/merge-patch+json",
      body: { metadata: { annotations: { patched: "true" } } },
    });
    assert.equal(t.json<Obj>(patched).metadata.annotations?.patched, "true");
    const cur = t.json<Obj>(await t.request("GET", `${ns}/${made[0].metadata.name}`));
    const updated = await t.request("PUT", `${ns}/${made[0].metadata.name}`, {
      body: { ...cur, metadata: { ...cur.metadata, annotations: { updated: "true" } } },
    });
    assert.equal(updated.status, 200, String(updated.body));
    assert.equal((await t.request("DELETE", `${ns}/${made[0].metadata.name}`)).status, 200);
    assert.equal((await t.request("GET", `${ns}/${made[0].metadata.name}`)).status, 404);
    assert.equal(t.json<{ items: Obj[] }>(await t.request("GET", `${ns}?labelSelector=special-label%3Dv1`)).items.length, 2);
    await t.request("DELETE", `${ns}?labelSelector=special-label%3Dv1`);
    assert.equal(t.json<{ items: Obj[] }>(await t.request("GET", `${ns}?labelSelector=special-label%3Dv1`)).items.length, 0);
    const events = await take(watch, 7);
    assert.deepEqual(
      events.map((e) => e.type),
      ["ADDED", "ADDED", "ADDED", "MODIFIED", "MODIFIED", "DELETED", "DELETED"],
    );
  });

  test("should delete a collection of services", async () => {
    const path = "/api/v1/namespaces/default/services";
    for (const [name, label] of [
      ["e2e-svc-a", "a"],
      ["e2e-svc-b", "b"],
      ["e2e-svc-c", "c"],
    ]) {
      await t.request("POST", path, { body: { metadata: { name, labels: { "e2e-test-service": "delete", which: label } }, spec: { ports: [{ port: 80 }] } } });
    }
    assert.equal(t.json<{ items: Obj[] }>(await t.request("GET", `${path}?labelSelector=e2e-test-service%3Ddelete`)).items.length, 3);
    await t.request("DELETE", `${path}?labelSelector=e2e-test-service%3Ddelete%2Cwhich%20in%20(a%2Cb)`);
    const left = t.json<{ items: Obj[] }>(await t.request("GET", `${path}?labelSelector=e2e-test-service%3Ddelete`));
    assert.deepEqual(left.items.map((s) => s.metadata.name), ["e2e-svc-c"]);
  });

  test("type changes allocate and release: ClusterIP → ExternalName → NodePort → ClusterIP", async () => {
    const path = "/api/v1/namespaces/default/services";
    type S = Obj & { spec: { type: string; clusterIP?: string; externalName?: string; ports?: { port: number; nodePort?: number }[] } };
    const c = t.json<S>(await t.request("POST", path, { body: { metadata: { name: "flip" }, spec: { ports: [{ port: 80 }] } } }));
    assert.ok(c.spec.clusterIP);
    const toExt = await t.request("PATCH", `${path}/flip`, {
      contentType: "application/merge-patch+json",
      body: { spec: { type: "ExternalName", externalName: "example.com", ports: null } },
    });
    assert.equal(toExt.status, 200, String(toExt.body));
    const ext = t.json<S>(toExt);
    assert.equal(ext.spec.clusterIP, undefined, "ExternalName releases the cluster IP");
    const toNp = await t.request("PATCH", `${path}/flip`, {
      contentType: "application/merge-patch+json",
      body: { spec: { type: "NodePort", externalName: null, ports: [{ port: 80 }] } },
    });
    assert.equal(toNp.status, 200, String(toNp.body));
    const np = t.json<S>(toNp);
    assert.ok(np.spec.clusterIP && np.spec.ports?.[0].nodePort);
    const np2 = t.json<S>(
      await t.request("POST", path, { body: { metadata: { name: "flip-2" }, spec: { type: "NodePort", ports: [{ port: 80, nodePort: np.spec.ports?.[0].nodePort }] } } }),
    ) as unknown as { message: string };
    assert.match(np2.message, /provided port is already allocated/);
    const back = await t.request("PATCH", `${path}/flip`, { contentType: "application/merge-patch+json", body: { spec: { type: "ClusterIP" } } });
    assert.equal(back.status, 200, String(back.body));
    assert.equal(t.json<S>(back).spec.ports?.[0].nodePort, undefined, "ClusterIP releases the node port");
    const reuse = await t.request("POST", path, { body: { metadata: { name: "flip-3" }, spec: { type: "NodePort", ports: [{ port: 80, nodePort: np.spec.ports?.[0].nodePort }] } } });
    assert.equal(reuse.status, 201, "the released node port can be requested again");
  });
});
