import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { EndpointSlice, Endpoints, Event } from "../../api/types.js";
import { resource } from "../controller-context.js";
import type { TestCluster } from "../test-cluster.js";
import { startTestCluster } from "../test-cluster.js";
import type { Clients } from "./cluster-fixtures.js";
import { SyncLog, clientsOf, createService, slicesFor } from "./cluster-fixtures.js";
import { endpointSliceMirroringController } from "./mirroring-controller.js";
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, MIRRORING_CONTROLLER } from "./well-known.js";

let cluster: TestCluster;
let c: Clients;

before(async () => {
  cluster = await startTestCluster({ controllers: [endpointSliceMirroringController] });
  c = clientsOf(cluster);
});
after(async () => {
  await cluster.stop();
});

function waitSlices(name: string, what: string, ok: (s: EndpointSlice[]) => boolean): Promise<EndpointSlice[]> {
  return cluster.waitFor(what, async () => {
    const s = await slicesFor(c, "default", name);
    return ok(s) && s;
  });
}

function customEndpoints(name: string, ips: string[], extra: Partial<Endpoints["metadata"]> = {}): Endpoints {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { namespace: "default", name, labels: { team: "db" }, ...extra },
    subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: "pg", port: 5432, protocol: "TCP" }] }],
  };
}

const addrs = (s: EndpointSlice[]): string => s.flatMap((x) => (x.endpoints ?? []).map((e) => e.addresses.join())).sort().join();

test("custom Endpoints of a selector-less service are mirrored through create, update and delete", async () => {
  await createService(c, "default", "external-db", (s) => {
    delete s.spec.selector;
    s.spec.ports = [{ name: "pg", port: 5432, protocol: "TCP" }];
  });
  const ep = await c.endpoints.create(customEndpoints("external-db", ["192.0.2.10", "192.0.2.11"]));
  const [slice] = await waitSlices("external-db", "two mirrored addresses", (s) => addrs(s) === "192.0.2.10,192.0.2.11");
  assert.equal(slice.metadata.labels?.[LABEL_MANAGED_BY], MIRRORING_CONTROLLER);
  assert.equal(slice.metadata.labels?.[LABEL_SERVICE_NAME], "external-db");
  assert.equal(slice.metadata.labels?.team, "db");
  assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: "v1", kind: "Endpoints", name: "external-db", uid: ep.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(slice.ports, [{ name: "pg", port: 5432, protocol: "TCP" }]);
  assert.equal(slice.addressType, "IPv4");
  assert.deepEqual(slice.endpoints?.[0].conditions, { ready: true });

  const current = await c.endpoints.get("default", "external-db");
  current.subsets = [{ addresses: [{ ip: "192.0.2.12" }], notReadyAddresses: [{ ip: "192.0.2.13" }], ports: [{ name: "pg", port: 5432, protocol: "TCP" }] }];
  await c.endpoints.update(current);
  const [updated, ...more] = await waitSlices("external-db", "the update mirrored", (s) => addrs(s) === "192.0.2.12,192.0.2.13");
  assert.equal(more.length, 0);
  assert.equal(updated.metadata.name, slice.metadata.name, "the slice is updated in place");
  assert.equal(updated.endpoints?.find((e) => e.addresses[0] === "192.0.2.13")?.conditions?.ready, false);

  await c.endpoints.delete("default", "external-db");
  await waitSlices("external-db", "mirrored slices deleted", (s) => s.length === 0);
});

test("nothing is mirrored for skip-mirror Endpoints, for services with a selector, or without a service", async () => {
  const log = new SyncLog();
  try {
    await createService(c, "default", "skipped", (s) => void delete s.spec.selector);
    await c.endpoints.create(customEndpoints("skipped", ["192.0.2.20"], { labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } }));
    await createService(c, "default", "selected", (s) => void (s.spec.selector = { app: "x" }));
    await c.endpoints.create(customEndpoints("selected", ["192.0.2.21"]));
    await c.endpoints.create(customEndpoints("no-service", ["192.0.2.22"]));
    await cluster.waitFor("syncs", async () => ["skipped", "selected", "no-service"].every((n) => log.count("endpointslicemirroring", `default/${n}`) > 0));
    for (const n of ["skipped", "selected", "no-service"]) assert.deepEqual(await slicesFor(c, "default", n), [], n);
    // The kubernetes Service's slice is the API server's, not mirrored.
    const k = await slicesFor(c, "default", "kubernetes");
    assert.ok(k.every((s) => s.metadata.labels?.[LABEL_MANAGED_BY] !== MIRRORING_CONTROLLER));
  } finally {
    log.stop();
  }
});

test("past 1000 addresses in a subset the rest is skipped with a warning; a selector ends mirroring", async () => {
  await createService(c, "default", "turns", (s) => void delete s.spec.selector);
  const ips = Array.from({ length: 1001 }, (_, i) => `10.2.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  await c.endpoints.create(customEndpoints("turns", ips));
  const slices = await waitSlices("turns", "1000 mirrored", (s) => s.reduce((n, x) => n + (x.endpoints?.length ?? 0), 0) === 1000);
  assert.equal(slices.length, 1);
  const events = cluster.client<Event>(resource("", "v1", "events"));
  const warning = await cluster.waitFor("TooManyAddressesToMirror event", async () => {
    const list = await events.list("default", { fieldSelector: "involvedObject.name=turns" });
    return list.items.find((e) => e.reason === "TooManyAddressesToMirror");
  });
  assert.equal(warning.type, "Warning");
  assert.equal(warning.involvedObject.kind, "Endpoints");
  assert.equal(warning.message, "A max of 1000 addresses can be mirrored to EndpointSlices per Endpoints subset. 1 addresses were skipped");

  const svc = await c.services.get("default", "turns");
  svc.spec.selector = { app: "turns" };
  await c.services.update(svc);
  await waitSlices("turns", "mirrored slices removed", (s) => s.length === 0);
});
