import assert from "node:assert/strict";
import { test } from "node:test";
import { findResource } from "../api/resources.js";
import type { KubeObject, Service } from "../api/types.js";
import { MemoryStore } from "../storage/memory-store.js";
import { WatchCache } from "../storage/watch-cache.js";
import { buildRegistry } from "./build-registry.js";

test("a Service is defaulted and allocated in the family of the service range", async (t) => {
  const services = findResource("", "v1", "services") ?? assert.fail("no services");
  const namespaces = findResource("", "v1", "namespaces") ?? assert.fail("no namespaces");
  const cases: { range: string; family: string; ip: RegExp }[] = [
    { range: "10.0.0.0/24", family: "IPv4", ip: /^10\.0\.0\.\d+$/ },
    { range: "fd00:10:96::/112", family: "IPv6", ip: /^fd00:10:96::[0-9a-f]+$/ },
  ];
  for (const c of cases) {
    await t.test(c.range, async () => {
      const stop = new AbortController();
      const store = new MemoryStore();
      const cache = new WatchCache(store, { prefix: "/registry/" });
      void cache.start(stop.signal);
      await cache.ready;
      try {
        const { registry } = buildRegistry({ store, cache, serviceCIDR: c.range, nodePortRange: "30000-32767" });
        await registry.create(namespaces, undefined, { metadata: { name: "default" } } as KubeObject);
        const svc = (await registry.create(services, "default", { metadata: { name: "web" }, spec: { ports: [{ port: 80 }] } } as KubeObject)) as Service;
        assert.deepEqual(svc.spec.ipFamilies, [c.family]);
        assert.match(svc.spec.clusterIP ?? "", c.ip);
        const other = c.family === "IPv4" ? "IPv6" : "IPv4";
        await assert.rejects(registry.create(services, "default", { metadata: { name: "other" }, spec: { ipFamilies: [other], ports: [{ port: 80 }] } } as KubeObject), /not configured on this cluster/);
      } finally {
        stop.abort();
      }
    });
  }
});
