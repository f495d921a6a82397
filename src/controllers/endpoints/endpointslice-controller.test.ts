import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { EndpointSlice, Event, Namespace } from "../../api/types.js";
import { controllerSyncs } from "../../client/index.js";
import { resource } from "../controller-context.js";
import type { TestCluster } from "../test-cluster.js";
import { startTestCluster } from "../test-cluster.js";
import type { Clients } from "./cluster-fixtures.js";
import { SyncLog, clientsOf, createNode, createPod, createService, setPodState, sliceEndpoints, slicesFor } from "./cluster-fixtures.js";
import { endpointSliceController } from "./endpointslice-controller.js";
import { ANNOTATION_TRIGGER_TIME, ENDPOINTSLICE_CONTROLLER, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from "./well-known.js";

let cluster: TestCluster;
let c: Clients;

before(async () => {
  cluster = await startTestCluster({ controllers: [endpointSliceController], settings: { maxEndpointsPerSlice: 3 } });
  c = clientsOf(cluster);
  await createNode(c, "core-v2-01", "zone-a");
});
after(async () => {
  await cluster.stop();
});

/** Waits until the Service's slices satisfy `ok`; returns them. */
function waitSlices(service: string, what: string, ok: (s: EndpointSlice[]) => boolean, ns = "default"): Promise<EndpointSlice[]> {
  return cluster.waitFor(what, async () => {
    const s = await slicesFor(c, ns, service);
    return ok(s) && s;
  });
}

const eps = (want: string[]) => (s: EndpointSlice[]) => sliceEndpoints(s).join("|") === want.join("|");

test("slices follow a pod through ready, not ready, terminating and deleted", async () => {
  const ns = "default";
  const svc = await createService(c, ns, "life", (s) => void (s.spec.selector = { app: "life" }));
  await createPod(c, ns, "life-a", { labels: { app: "life" }, state: { ip: "10.1.20.2", ready: true } });
  const [slice] = await waitSlices("life", "ready endpoint", eps(["10.1.20.2 R S -"]));
  assert.equal(slice.addressType, "IPv4");
  assert.deepEqual(slice.ports, [{ name: "", port: 80, protocol: "TCP" }]);
  assert.equal(slice.metadata.labels?.[LABEL_SERVICE_NAME], "life");
  assert.equal(slice.metadata.labels?.[LABEL_MANAGED_BY], ENDPOINTSLICE_CONTROLLER);
  assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: "v1", kind: "Service", name: "life", uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.match(slice.metadata.annotations?.[ANNOTATION_TRIGGER_TIME] ?? "", /^\d{4}-\d\d-\d\dT/);
  const ep = slice.endpoints?.[0];
  assert.equal(ep?.nodeName, "core-v2-01");
  assert.equal(ep?.zone, "zone-a");
  assert.deepEqual({ kind: ep?.targetRef?.kind, namespace: ep?.targetRef?.namespace, name: ep?.targetRef?.name }, { kind: "Pod", namespace: ns, name: "life-a" });

  // Condition times have a precision of one second: make this change visibly later.
  const later = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, "Z");
  const changed = await setPodState(c, ns, "life-a", { ip: "10.1.20.2", ready: false, since: later });
  const [notReadySlice] = await waitSlices("life", "not ready", eps(["10.1.20.2 - - -"]));
  const since = changed.status?.conditions?.find((x) => x.type === "Ready")?.lastTransitionTime;
  assert.equal(notReadySlice.metadata.annotations?.[ANNOTATION_TRIGGER_TIME], since, "the trigger time is when the pod's readiness changed");
  await setPodState(c, ns, "life-a", { ip: "10.1.20.2", ready: true });
  await waitSlices("life", "ready again", eps(["10.1.20.2 R S -"]));

  await c.pods.delete(ns, "life-a");
  await waitSlices("life", "terminating but serving", eps(["10.1.20.2 - S T"]));
  await c.pods.delete(ns, "life-a", { gracePeriodSeconds: 0 });
  const [placeholder, ...rest] = await waitSlices("life", "only the empty slice left", (s) => s.length === 1 && !s[0].endpoints);
  assert.equal(rest.length, 0);
  assert.equal(placeholder.ports, null);
});

test("a service with no matching pods has exactly one empty slice, and keeps just one", async () => {
  const log = new SyncLog();
  try {
    await createService(c, "default", "lonely", (s) => void (s.spec.selector = { app: "nobody" }));
    const [slice] = await waitSlices("lonely", "one empty slice", (s) => s.length === 1);
    assert.equal(slice.endpoints, null);
    assert.equal(slice.ports, null);
    assert.equal(slice.metadata.labels?.[LABEL_MANAGED_BY], ENDPOINTSLICE_CONTROLLER);
    // More syncs (a label change on the Service) must not add a second placeholder.
    const svc = await c.services.get("default", "lonely");
    svc.metadata.labels = { tier: "x" };
    const before = log.count("endpointslice", "default/lonely");
    await c.services.update(svc);
    const [relabelled, ...more] = await waitSlices("lonely", "slice relabelled", (s) => s[0]?.metadata.labels?.tier === "x");
    await cluster.waitFor("the sync after our own write", async () => log.count("endpointslice", "default/lonely") >= before + 2);
    assert.equal(more.length, 0);
    assert.equal(relabelled.metadata.name, slice.metadata.name, "updated in place");
    assert.equal((await slicesFor(c, "default", "lonely")).length, 1);
  } finally {
    log.stop();
  }
});

test("at most maxEndpointsPerSlice endpoints per slice", async () => {
  const ns = "default";
  await createService(c, ns, "many", (s) => void (s.spec.selector = { app: "many" }));
  for (let i = 0; i < 7; i++) await createPod(c, ns, `many-${i}`, { labels: { app: "many" }, state: { ip: `10.1.30.${i + 2}`, ready: true } });
  const slices = await waitSlices("many", "seven endpoints", (s) => sliceEndpoints(s).length === 7);
  assert.ok(slices.length >= 3, `${slices.length} slices`);
  for (const s of slices) assert.ok((s.endpoints?.length ?? 0) <= 3, `${s.metadata.name} has ${s.endpoints?.length}`);
});

test("a pod on a node not yet known joins once the node exists, with its zone", async () => {
  const ns = "default";
  await createService(c, ns, "late", (s) => void (s.spec.selector = { app: "late" }));
  await createPod(c, ns, "late-0", { labels: { app: "late" }, node: "core-v2-09", state: { ip: "10.1.31.2", ready: true } });
  await waitSlices("late", "the placeholder only", (s) => s.length === 1 && !s[0].endpoints);
  await createNode(c, "core-v2-09", "zone-b");
  const slices = await waitSlices("late", "the pod once its node exists", eps(["10.1.31.2 R S -"]));
  assert.equal(slices[0].endpoints?.[0].zone, "zone-b");

  const node = await c.nodes.get(undefined, "core-v2-09");
  node.metadata.labels = { ...node.metadata.labels, "topology.kubernetes.io/zone": "zone-c" };
  await c.nodes.update(node);
  await waitSlices("late", "the new zone", (s) => s[0]?.endpoints?.[0].zone === "zone-c");
});

test("a selector change moves the slice endpoints", async () => {
  const ns = "default";
  await createPod(c, ns, "blue-1", { labels: { app: "sel", color: "blue" }, state: { ip: "10.1.21.2", ready: true } });
  await createPod(c, ns, "green-1", { labels: { app: "sel", color: "green" }, state: { ip: "10.1.21.3", ready: true } });
  await createService(c, ns, "sel", (s) => void (s.spec.selector = { app: "sel", color: "blue" }));
  await waitSlices("sel", "blue", eps(["10.1.21.2 R S -"]));
  const svc = await c.services.get(ns, "sel");
  svc.spec.selector = { app: "sel", color: "green" };
  await c.services.update(svc);
  await waitSlices("sel", "green", eps(["10.1.21.3 R S -"]));
});

test("slices are recreated when deleted by someone else, and deleted with their service", async () => {
  const ns = "default";
  await createService(c, ns, "gone", (s) => void (s.spec.selector = { app: "gone" }));
  await createPod(c, ns, "gone-0", { labels: { app: "gone" }, state: { ip: "10.1.32.2", ready: true } });
  const [first] = await waitSlices("gone", "a slice", eps(["10.1.32.2 R S -"]));
  await c.slices.delete(ns, first.metadata.name ?? "");
  const [second] = await waitSlices("gone", "a new slice", (s) => s.length === 1 && s[0].metadata.name !== first.metadata.name && sliceEndpoints(s).length === 1);
  assert.ok(second);
  // Another controller's slice for the same service is not ours to delete.
  await c.slices.create({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace: ns, name: "gone-custom", labels: { [LABEL_SERVICE_NAME]: "gone", [LABEL_MANAGED_BY]: "someone-else" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["192.0.2.1"] }],
  });
  await c.services.delete(ns, "gone");
  const left = await waitSlices("gone", "only the foreign slice left", (s) => s.length === 1);
  assert.equal(left[0].metadata.name, "gone-custom");
});

test("selector-less services get no slices from this controller", async () => {
  const log = new SyncLog();
  try {
    await createService(c, "default", "manual", (s) => void delete s.spec.selector);
    await cluster.waitFor("the sync", async () => log.count("endpointslice", "default/manual") > 0);
    assert.deepEqual(await slicesFor(c, "default", "manual"), []);
  } finally {
    log.stop();
  }
});

test("in a namespace being deleted, a slice that cannot be recreated is dropped without a warning", async () => {
  const namespaces = cluster.client<Namespace>(resource("", "v1", "namespaces"));
  await namespaces.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" } });
  await createService(c, "doomed", "web", (s) => void (s.spec.selector = { app: "web" }));
  const [slice] = await waitSlices("web", "the placeholder", (s) => s.length === 1, "doomed");
  await namespaces.delete(undefined, "doomed");
  assert.equal((await namespaces.get(undefined, "doomed")).status?.phase, "Terminating");
  const log = new SyncLog();
  const errors: unknown[] = [];
  const onSync = (m: unknown): void => {
    const x = m as { controller: string; key: string; error?: unknown };
    if (x.controller === "endpointslice" && x.key === "doomed/web" && x.error) errors.push(x.error);
  };
  controllerSyncs.subscribe(onSync);
  try {
    await c.slices.delete("doomed", slice.metadata.name ?? "");
    await cluster.waitFor("a sync after the delete", async () => log.count("endpointslice", "doomed/web") > 0);
    assert.deepEqual(errors, []);
    assert.deepEqual(await slicesFor(c, "doomed", "web"), []);
    const events = await cluster.client<Event>(resource("", "v1", "events")).list("doomed");
    assert.deepEqual(events.items.filter((e) => e.reason === "FailedToUpdateEndpointSlices"), []);
  } finally {
    controllerSyncs.unsubscribe(onSync);
    log.stop();
  }
});
