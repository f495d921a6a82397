import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { requireResource } from "../../api/resources.js";
import type { EndpointSlice, Endpoints, Lease } from "../../api/types.js";
import { buildRegistry } from "../../registry/build-registry.js";
import type { Registry } from "../../registry/registry.js";
import { MemoryStore } from "../../storage/memory-store.js";
import { WatchCache } from "../../storage/watch-cache.js";
import { bootstrapCluster } from "../bootstrap.js";
import { ApiServerEndpointReconciler, runApiServerEndpointReconciler } from "./endpoint-reconciler.js";

const endpointsR = requireResource("", "v1", "endpoints");
const slicesR = requireResource("discovery.k8s.io", "v1", "endpointslices");
const leasesR = requireResource("coordination.k8s.io", "v1", "leases");

/** A registry on a memory store, bootstrapped by a first server at 10.9.0.1:6443 at `clock.now`. */
async function cluster(clock: { now: number }, signal: AbortSignal): Promise<Registry> {
  const store = new MemoryStore();
  const cache = new WatchCache(store, { prefix: "/registry/" });
  cache.start(signal);
  await cache.ready;
  const { registry } = buildRegistry({ store, cache, serviceCIDR: "10.0.0.0/24", nodePortRange: "30000-32767" });
  await bootstrapCluster(registry, { kubernetesServiceIP: "10.0.0.1", advertiseAddress: "10.9.0.1", advertisePort: 6443, now: () => clock.now });
  return registry;
}

async function listed(registry: Registry): Promise<{ endpoints: string[]; slices: string[] }> {
  const e = (await registry.get(endpointsR, "default", "kubernetes")) as Endpoints;
  const slices = (await registry.list(slicesR, "default")).items as EndpointSlice[];
  return {
    endpoints: (e.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => `${a.ip}:${s.ports?.[0]?.port}`)),
    slices: slices.flatMap((s) => (s.endpoints ?? []).map((x) => `${s.metadata.name} ${x.addresses[0]}:${s.ports?.[0]?.port}`)).sort(),
  };
}

describe("ApiServerEndpointReconciler on one registry", () => {
  const stop = new AbortController();
  const clock = { now: Date.parse("2025-01-01T00:00:00Z") };
  let registry: Registry;
  let first: ApiServerEndpointReconciler;
  let second: ApiServerEndpointReconciler;
  before(async () => {
    registry = await cluster(clock, stop.signal);
    first = new ApiServerEndpointReconciler({ registry, self: { ip: "10.9.0.1", port: 6443 }, now: () => clock.now });
    second = new ApiServerEndpointReconciler({ registry, self: { ip: "10.9.0.2", port: 6443 }, now: () => clock.now });
  });
  after(() => stop.abort());

  test("bootstrap lists the first server and holds its Lease", async () => {
    assert.deepEqual(await listed(registry), { endpoints: ["10.9.0.1:6443"], slices: ["kubernetes 10.9.0.1:6443"] });
    const leases = (await registry.list(leasesR, "kube-system")).items as Lease[];
    assert.deepEqual(
      leases.map((l) => l.spec?.holderIdentity),
      ["10.9.0.1:6443"],
    );
  });

  test("a second server joins: both listed, sorted, through either reconciler", async () => {
    assert.deepEqual(await second.renewAndReconcile(), [
      { ip: "10.9.0.1", port: 6443 },
      { ip: "10.9.0.2", port: 6443 },
    ]);
    assert.deepEqual(await listed(registry), { endpoints: ["10.9.0.1:6443", "10.9.0.2:6443"], slices: ["kubernetes 10.9.0.1:6443", "kubernetes 10.9.0.2:6443"] });
  });

  test("a steady reconcile writes only the Lease", async () => {
    const before = await registry.get(endpointsR, "default", "kubernetes");
    const sliceBefore = await registry.get(slicesR, "default", "kubernetes");
    clock.now += 10_000;
    await first.renewAndReconcile();
    await second.renewAndReconcile();
    assert.equal((await registry.get(endpointsR, "default", "kubernetes")).metadata.resourceVersion, before.metadata.resourceVersion);
    assert.equal((await registry.get(slicesR, "default", "kubernetes")).metadata.resourceVersion, sliceBefore.metadata.resourceVersion);
  });

  test("a server that stops renewing is dropped once its Lease expires, not before", async () => {
    clock.now += 14_000; // second last renewed 14 s ago
    await first.renewAndReconcile();
    assert.equal((await listed(registry)).endpoints.length, 2);
    clock.now += 1_000; // 15 s: expired
    await first.renewAndReconcile();
    assert.deepEqual(await listed(registry), { endpoints: ["10.9.0.1:6443"], slices: ["kubernetes 10.9.0.1:6443"] });
  });

  test("a server on another port gets its own subset and slice; leaving removes them at once", async () => {
    const other = new ApiServerEndpointReconciler({ registry, self: { ip: "10.9.0.1", port: 7443 }, now: () => clock.now });
    await other.renewAndReconcile();
    assert.deepEqual(await listed(registry), { endpoints: ["10.9.0.1:6443", "10.9.0.1:7443"], slices: ["kubernetes 10.9.0.1:6443", "kubernetes-7443 10.9.0.1:7443"] });
    await other.removeSelf();
    assert.deepEqual(await listed(registry), { endpoints: ["10.9.0.1:6443"], slices: ["kubernetes 10.9.0.1:6443"] });
    assert.equal(await registry.find(slicesR, "default", "kubernetes-7443"), undefined);
  });

  test("a server restarted on another port under the same identity replaces its entry at once", async () => {
    const before = new ApiServerEndpointReconciler({ registry, self: { ip: "10.9.0.3", port: 6443 }, identity: "host-c:/data", now: () => clock.now });
    await before.renewAndReconcile();
    assert.deepEqual((await listed(registry)).endpoints, ["10.9.0.1:6443", "10.9.0.3:6443"]);
    const after = new ApiServerEndpointReconciler({ registry, self: { ip: "10.9.0.3", port: 7000 }, identity: "host-c:/data", now: () => clock.now });
    await after.renewAndReconcile();
    assert.deepEqual((await listed(registry)).endpoints, ["10.9.0.1:6443", "10.9.0.3:7000"]);
    await after.removeSelf();
    assert.deepEqual((await listed(registry)).endpoints, ["10.9.0.1:6443"]);
  });

  test("a Lease expired for a whole further duration is deleted", async () => {
    const holders = async () => ((await registry.list(leasesR, "kube-system")).items as Lease[]).map((l) => l.spec?.holderIdentity);
    assert.deepEqual(await holders(), ["10.9.0.1:6443", "10.9.0.2:6443"].filter((h) => h !== undefined).sort());
    clock.now += 14_000; // the second server's Lease expired 29 s after its renewal
    await first.renewAndReconcile();
    assert.equal((await holders()).length, 2);
    clock.now += 1_000; // 30 s
    await first.renewAndReconcile();
    assert.deepEqual(await holders(), ["10.9.0.1:6443"]);
  });

  test("the last server leaving keeps its address rather than erase every endpoint", async () => {
    assert.deepEqual(await first.removeSelf(), []);
    assert.deepEqual(await listed(registry), { endpoints: ["10.9.0.1:6443"], slices: ["kubernetes 10.9.0.1:6443"] });
    assert.deepEqual((await registry.list(leasesR, "kube-system")).items, []);
  });

  test("racing reconcilers of many servers converge on the same objects", async () => {
    const many = Array.from({ length: 6 }, (_, i) => new ApiServerEndpointReconciler({ registry, self: { ip: `10.9.1.${i + 1}`, port: 6443 }, now: () => clock.now }));
    for (const r of many) await r.renewLease();
    await Promise.all(many.map((r) => r.reconcile()));
    const want = Array.from({ length: 6 }, (_, i) => `10.9.1.${i + 1}:6443`);
    assert.deepEqual((await listed(registry)).endpoints, want);
    // All leaving at once: each finds no Lease left, so nothing is erased …
    await Promise.all(many.map((r) => r.removeSelf()));
    assert.deepEqual((await listed(registry)).endpoints, want);
    // … until the next server to start lists itself alone.
    await first.renewAndReconcile();
    assert.deepEqual((await listed(registry)).endpoints, ["10.9.0.1:6443"]);
  });
});

describe("runApiServerEndpointReconciler", () => {
  test("renews on its interval and, once aborted, removes its server before settling", async () => {
    const stop = new AbortController();
    const clock = { now: Date.now() };
    const registry = await cluster(clock, stop.signal);
    const loop = new AbortController();
    const errors: unknown[] = [];
    const done = runApiServerEndpointReconciler({
      registry,
      self: { ip: "10.9.0.2", port: 6443 },
      now: () => clock.now,
      intervalMs: 20,
      signal: loop.signal,
      onError: (e) => errors.push(e),
    });
    try {
      const renewTimes = new Set<string>();
      for (let i = 0; i < 5; i++) {
        clock.now += 1000;
        await new Promise((r) => setTimeout(r, 40));
        const l = (await registry.list(leasesR, "kube-system")).items as Lease[];
        for (const x of l) if (x.spec?.holderIdentity === "10.9.0.2:6443" && x.spec.renewTime) renewTimes.add(x.spec.renewTime);
      }
      assert.ok(renewTimes.size >= 3, `renewed ${renewTimes.size} times`);
      assert.deepEqual((await listed(registry)).endpoints, ["10.9.0.1:6443", "10.9.0.2:6443"]);
      loop.abort();
      await done;
      assert.deepEqual((await listed(registry)).endpoints, ["10.9.0.1:6443"]);
      assert.deepEqual(errors, []);
    } finally {
      loop.abort();
      await done;
      stop.abort();
    }
  });
});
