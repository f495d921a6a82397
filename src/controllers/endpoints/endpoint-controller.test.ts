import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Endpoints, Service } from "../../api/types.js";
import type { TestCluster } from "../test-cluster.js";
import { startTestCluster } from "../test-cluster.js";
import type { Clients } from "./cluster-fixtures.js";
import { InProcessTransport } from "../../client/index.js";
import { testToken } from "../../apiserver/test-api.js";
import { runControllerManager } from "../controller-manager.js";
import { SyncLog, clientsOf, createNode, createPod, createService, getEndpoints, notReadyAddresses, readyAddresses, setPodState } from "./cluster-fixtures.js";
import { endpointController } from "./endpoint-controller.js";
import { ANNOTATION_TRIGGER_TIME } from "./well-known.js";

let cluster: TestCluster;
let c: Clients;

before(async () => {
  cluster = await startTestCluster({ controllers: [endpointController] });
  c = clientsOf(cluster);
  await createNode(c, "core-v2-01");
});
after(async () => {
  await cluster.stop();
});

/** Waits until the Endpoints satisfy `ok`; returns them. */
function waitEndpoints(ns: string, name: string, what: string, ok: (e: Endpoints | undefined) => boolean): Promise<Endpoints | true> {
  return cluster.waitFor(what, async () => {
    const e = await getEndpoints(c, ns, name);
    return ok(e) && (e ?? true);
  });
}

test("seed scenario: nginx-service 8000 → 80 lists the three ready pods", async () => {
  await c.pods.list("default"); // namespace exists
  for (const [i, suffix] of ["6bovu", "7kw2r", "jnq5p"].entries()) {
    await createPod(c, "default", `nginx-controller-${suffix}`, { state: { ip: `10.1.13.${i + 2}`, ready: true } });
  }
  await createService(c, "default", "nginx-service", (s) => void (s.metadata.labels = { name: "nginx-service" }));
  const want = ["10.1.13.2:80", "10.1.13.3:80", "10.1.13.4:80"];
  await waitEndpoints("default", "nginx-service", "the seed's three endpoints", (e) => readyAddresses(e).join() === want.join());

  const res = await cluster.api.request("GET", "/api/v1/namespaces/default/endpoints/nginx-service");
  assert.equal(res.status, 200);
  const ep = cluster.api.json<Endpoints>(res);
  assert.deepEqual(ep.metadata.labels, { name: "nginx-service" });
  assert.match(ep.metadata.annotations?.[ANNOTATION_TRIGGER_TIME] ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(ep.subsets?.length, 1);
  assert.deepEqual(ep.subsets?.[0].ports, [{ port: 80, protocol: "TCP" }]);
  const addr = ep.subsets?.[0].addresses ?? [];
  assert.deepEqual(addr.map((a) => a.ip), ["10.1.13.2", "10.1.13.3", "10.1.13.4"]);
  assert.deepEqual(addr.map((a) => a.nodeName), ["core-v2-01", "core-v2-01", "core-v2-01"]);
  assert.deepEqual(addr[0].targetRef && { kind: addr[0].targetRef.kind, name: addr[0].targetRef.name }, { kind: "Pod", name: "nginx-controller-6bovu" });
  assert.ok(addr[0].targetRef?.uid, "targetRef carries the pod uid");
});

test("follows a pod through ready, not ready, terminating and deleted", async () => {
  const ns = "default";
  await createService(c, ns, "life", (s) => void (s.spec.selector = { app: "life" }));
  await createPod(c, ns, "life-a", { labels: { app: "life" }, state: { ip: "10.1.20.2", ready: true } });
  await createPod(c, ns, "life-b", { labels: { app: "life" }, state: { ip: "10.1.20.3", ready: true } });
  await waitEndpoints(ns, "life", "both ready", (e) => readyAddresses(e).join() === "10.1.20.2:80,10.1.20.3:80");

  // Condition times have a precision of one second: make this change visibly later.
  const later = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, "Z");
  const changed = await setPodState(c, ns, "life-a", { ip: "10.1.20.2", ready: false, since: later });
  const e = (await waitEndpoints(ns, "life", "life-a not ready", (x) => readyAddresses(x).join() === "10.1.20.3:80" && notReadyAddresses(x).join() === "10.1.20.2:80")) as Endpoints;
  const since = changed.status?.conditions?.find((x) => x.type === "Ready")?.lastTransitionTime;
  assert.equal(e.metadata.annotations?.[ANNOTATION_TRIGGER_TIME], since, "the trigger time is when the pod's readiness changed");

  await c.pods.delete(ns, "life-b");
  const terminating = await c.pods.get(ns, "life-b");
  assert.ok(terminating.metadata.deletionTimestamp, "deletion on an existing node is graceful");
  await waitEndpoints(ns, "life", "terminating life-b left out", (e) => readyAddresses(e).length === 0 && notReadyAddresses(e).join() === "10.1.20.2:80");

  await c.pods.delete(ns, "life-b", { gracePeriodSeconds: 0 });
  await c.pods.delete(ns, "life-a", { gracePeriodSeconds: 0 });
  const gone = await waitEndpoints(ns, "life", "no subsets once both pods are gone", (e) => e !== undefined && e.subsets === undefined);
  assert.notEqual(gone, true);
});

test("a service with no matching pods gets Endpoints without subsets", async () => {
  await createService(c, "default", "lonely", (s) => void (s.spec.selector = { app: "nobody" }));
  const e = await waitEndpoints("default", "lonely", "empty Endpoints", (x) => x !== undefined);
  assert.equal((e as Endpoints).subsets, undefined);
});

test("a selector change moves the endpoints to the newly selected pods", async () => {
  const ns = "default";
  await createPod(c, ns, "blue-1", { labels: { app: "sel", color: "blue" }, state: { ip: "10.1.21.2", ready: true } });
  await createPod(c, ns, "green-1", { labels: { app: "sel", color: "green" }, state: { ip: "10.1.21.3", ready: true } });
  await createService(c, ns, "sel", (s) => void (s.spec.selector = { app: "sel", color: "blue" }));
  await waitEndpoints(ns, "sel", "blue selected", (e) => readyAddresses(e).join() === "10.1.21.2:80");
  const svc = await c.services.get(ns, "sel");
  svc.spec.selector = { app: "sel", color: "green" };
  await c.services.update(svc);
  await waitEndpoints(ns, "sel", "green selected", (e) => readyAddresses(e).join() === "10.1.21.3:80");

  // A pod relabelled into the selector joins; one relabelled out leaves.
  const blue = await c.pods.get(ns, "blue-1");
  blue.metadata.labels = { app: "sel", color: "green" };
  await c.pods.update(blue);
  await waitEndpoints(ns, "sel", "relabelled pod joins", (e) => readyAddresses(e).join() === "10.1.21.2:80,10.1.21.3:80");
});

test("named targetPort, publishNotReadyAddresses, hostname and subdomain", async () => {
  const ns = "default";
  const svcEdit = (s: Service): void => {
    s.spec.selector = { app: "named" };
    s.spec.clusterIP = "None";
    s.spec.publishNotReadyAddresses = true;
    s.spec.ports = [{ name: "web", port: 8000, targetPort: "http", protocol: "TCP" }];
  };
  await createService(c, ns, "named", svcEdit);
  await createPod(c, ns, "named-0", {
    labels: { app: "named" },
    state: { ip: "10.1.22.2", ready: false },
    edit: (p) => {
      p.spec.hostname = "named-0";
      p.spec.subdomain = "named";
      p.spec.containers[0].ports = [{ name: "http", containerPort: 8080 }];
    },
  });
  await createPod(c, ns, "named-1", { labels: { app: "named" }, state: { ip: "10.1.22.3", ready: true } });
  const e = (await waitEndpoints(ns, "named", "both pods, as ready", (x) => readyAddresses(x).length === 2)) as Endpoints;
  assert.deepEqual(readyAddresses(e), ["10.1.22.2:8080", "10.1.22.3:80"]);
  const all = (e.subsets ?? []).flatMap((s) => s.addresses ?? []);
  assert.equal(all.find((a) => a.ip === "10.1.22.2")?.hostname, "named-0");
  assert.equal(all.find((a) => a.ip === "10.1.22.3")?.hostname, undefined);
  assert.equal(e.metadata.labels?.["service.kubernetes.io/headless"], "");
  for (const ss of e.subsets ?? []) assert.equal(ss.ports?.[0].name, "web");
});

test("selector-less services keep the user's Endpoints; deleting a service deletes its Endpoints", async () => {
  const ns = "default";
  const log = new SyncLog();
  try {
    const mine: Endpoints = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { namespace: ns, name: "manual" },
      subsets: [{ addresses: [{ ip: "192.0.2.10" }], ports: [{ port: 9000 }] }],
    };
    await c.endpoints.create(mine);
    await createService(c, ns, "manual", (s) => void delete s.spec.selector);
    await cluster.waitFor("the manual service synced", async () => log.count("endpoint", "default/manual") > 0);
    assert.deepEqual(readyAddresses(await getEndpoints(c, ns, "manual")), ["192.0.2.10:9000"]);
  } finally {
    log.stop();
  }

  await c.services.delete(ns, "manual");
  await waitEndpoints(ns, "manual", "Endpoints deleted with the service", (x) => x === undefined);
});

test("Endpoints left without a Service are deleted when the controller starts, leader locks kept", async () => {
  const ns = "default";
  const lock = { "control-plane.alpha.kubernetes.io/leader": "{}" };
  await c.endpoints.create({ apiVersion: "v1", kind: "Endpoints", metadata: { namespace: ns, name: "orphan" } });
  await c.endpoints.create({ apiVersion: "v1", kind: "Endpoints", metadata: { namespace: ns, name: "lock", annotations: lock } });
  // A second controller instance starting now, as after a restart of the controller manager.
  const stop = new AbortController();
  const transport = new InProcessTransport(cluster.api.api, { token: testToken });
  const done = runControllerManager({ transport, controllers: [endpointController], signal: stop.signal });
  try {
    await waitEndpoints(ns, "orphan", "the orphan deleted", (x) => x === undefined);
    assert.ok(await getEndpoints(c, ns, "lock"), "leader-election Endpoints are kept");
  } finally {
    stop.abort();
    await done;
  }
  // In steady state an Endpoints without a Service is the user's business (conformance creates such).
  await c.endpoints.create({ apiVersion: "v1", kind: "Endpoints", metadata: { namespace: ns, name: "later" } });
  await createService(c, ns, "probe2", (s) => void (s.spec.selector = { app: "nobody" }));
  await waitEndpoints(ns, "probe2", "a later sync", (x) => x !== undefined);
  assert.ok(await getEndpoints(c, ns, "later"));
});
