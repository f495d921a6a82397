// The three endpoint controllers together, as the controller manager runs them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { EndpointSlice, Endpoints, KubeList } from "../../api/types.js";
import type { TestCluster } from "../test-cluster.js";
import { startTestCluster } from "../test-cluster.js";
import type { Clients } from "./cluster-fixtures.js";
import { SyncLog, clientsOf, createNode, createPod, createService, getEndpoints, readyAddresses, slicesFor } from "./cluster-fixtures.js";
import { endpointControllers } from "./index.js";
import { ANNOTATION_OVER_CAPACITY, ENDPOINTSLICE_CONTROLLER, LABEL_MANAGED_BY, MIRRORING_CONTROLLER } from "./well-known.js";

let cluster: TestCluster;
let c: Clients;

before(async () => {
  cluster = await startTestCluster({ controllers: endpointControllers });
  c = clientsOf(cluster);
  await createNode(c, "core-v2-01");
});
after(async () => {
  await cluster.stop();
});

test("the controllers are named as kube-controller-manager's", () => {
  assert.deepEqual(
    endpointControllers.map((x) => x.name),
    ["endpoint", "endpointslice", "endpointslicemirroring"],
  );
});

test("seed scenario: Endpoints and the slice kubectl describe reads", async () => {
  for (const [i, suffix] of ["6bovu", "7kw2r", "jnq5p"].entries()) {
    await createPod(c, "default", `nginx-controller-${suffix}`, {
      labels: { app: "nginx" },
      state: { ip: `10.1.13.${i + 2}`, ready: true },
      edit: (p) => void (p.metadata.ownerReferences = [{ apiVersion: "v1", kind: "ReplicationController", name: "nginx-controller", uid: "rc-uid", controller: true }]),
    });
  }
  await createService(c, "default", "nginx-service", (s) => void (s.metadata.labels = { name: "nginx-service" }));
  const want = "10.1.13.2:80,10.1.13.3:80,10.1.13.4:80";
  await cluster.waitFor("Endpoints", async () => readyAddresses(await getEndpoints(c, "default", "nginx-service")).join() === want);

  const path = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dnginx-service";
  const list = await cluster.waitFor("the slice", async () => {
    const l = cluster.api.json<KubeList<EndpointSlice>>(await cluster.api.request("GET", path));
    return l.items.length === 1 && (l.items[0].endpoints?.length ?? 0) === 3 && l;
  });
  const slice = list.items[0];
  assert.equal(slice.metadata.labels?.[LABEL_MANAGED_BY], ENDPOINTSLICE_CONTROLLER);
  assert.deepEqual(slice.ports, [{ name: "", port: 80, protocol: "TCP" }]);
  assert.deepEqual(
    (slice.endpoints ?? []).map((e) => `${e.addresses.join()} ${String(e.conditions?.ready)}`).sort(),
    ["10.1.13.2 true", "10.1.13.3 true", "10.1.13.4 true"],
  );
});

test("selector services are not mirrored, selector-less ones only mirrored; the kubernetes service is left alone", async () => {
  const log = new SyncLog();
  try {
    const kubeBefore = await slicesFor(c, "default", "kubernetes");
    await createService(c, "default", "both-sel", (s) => void (s.spec.selector = { app: "nobody" }));
    await createService(c, "default", "both-manual", (s) => void delete s.spec.selector);
    await c.endpoints.create({ apiVersion: "v1", kind: "Endpoints", metadata: { namespace: "default", name: "both-manual" }, subsets: [{ addresses: [{ ip: "192.0.2.40" }], ports: [{ port: 80 }] }] });
    const managers = async (n: string): Promise<string> => (await slicesFor(c, "default", n)).map((s) => s.metadata.labels?.[LABEL_MANAGED_BY]).join();
    await cluster.waitFor("slices", async () => (await managers("both-sel")) === ENDPOINTSLICE_CONTROLLER && (await managers("both-manual")) === MIRRORING_CONTROLLER);
    await cluster.waitFor("every controller synced both", async () =>
      ["endpoint", "endpointslice", "endpointslicemirroring"].every((ctl) => log.count(ctl, "default/both-sel") > 0 && log.count(ctl, "default/both-manual") > 0),
    );
    assert.equal(await managers("both-sel"), ENDPOINTSLICE_CONTROLLER);
    assert.equal(await managers("both-manual"), MIRRORING_CONTROLLER);
    assert.deepEqual(readyAddresses(await getEndpoints(c, "default", "both-manual")), ["192.0.2.40:80"]);
    assert.deepEqual(await slicesFor(c, "default", "kubernetes"), kubeBefore);
  } finally {
    log.stop();
  }
});

test("past 1000 addresses the Endpoints are truncated and annotated; the slices hold them all", async () => {
  const ns = "default";
  const n = 1001;
  await createService(c, ns, "big", (s) => void (s.spec.selector = { app: "big" }));
  await Promise.all(
    Array.from({ length: n }, (_, i) => createPod(c, ns, `big-${i}`, { labels: { app: "big" }, state: { ip: `10.3.${Math.floor(i / 250)}.${(i % 250) + 1}`, ready: true } })),
  );
  const e = (await cluster.waitFor(
    "truncated Endpoints",
    async () => {
      const x = await getEndpoints(c, ns, "big");
      return x?.metadata.annotations?.[ANNOTATION_OVER_CAPACITY] === "truncated" && x;
    },
    14_000,
  )) as Endpoints;
  assert.equal(readyAddresses(e).length, 1000);
  const slices = await cluster.waitFor("every endpoint in slices", async () => {
    const s = await slicesFor(c, ns, "big");
    return s.reduce((k, x) => k + (x.endpoints?.length ?? 0), 0) === n && s;
  });
  assert.equal(slices.length, 11);
});
