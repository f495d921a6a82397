import { test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "./registry.js";
import { createProxyMetrics } from "./proxy-metrics.js";
import { MetricsServer, metricsContentType } from "./metrics-server.js";

test("the metrics server serves /metrics, /healthz and /proxyMode", async (t) => {
  const registry = new Registry();
  const metrics = createProxyMetrics(registry);
  const server = new MetricsServer({ bindAddress: "127.0.0.1:0", registry, proxyMode: "iptables" });
  const { port } = await server.start();
  t.after(() => server.close());
  const base = `http://127.0.0.1:${port}`;

  const cases: { path: string; status: number; type: string; body: (text: string) => void }[] = [
    {
      path: "/metrics",
      status: 200,
      type: metricsContentType,
      body: (text) => {
        assert.match(text, /^# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram$/m);
        assert.match(text, /^kubeproxy_sync_proxy_rules_service_changes_total 2$/m);
      },
    },
    { path: "/healthz", status: 200, type: "text/plain; charset=utf-8", body: (text) => assert.equal(text, "ok") },
    { path: "/proxyMode", status: 200, type: "text/plain; charset=utf-8", body: (text) => assert.equal(text, "iptables") },
    { path: "/nope", status: 404, type: "text/plain; charset=utf-8", body: (text) => assert.equal(text, "404 page not found\n") },
  ];
  metrics.serviceChangesTotal.inc(2);
  for (const c of cases) {
    await t.test(c.path, async () => {
      const res = await fetch(base + c.path);
      assert.equal(res.status, c.status);
      assert.equal(res.headers.get("content-type"), c.type);
      c.body(await res.text());
    });
  }
});

test("a scrape sees the registry as it is at that moment", async () => {
  const registry = new Registry();
  const metrics = createProxyMetrics(registry);
  const server = new MetricsServer({ bindAddress: "127.0.0.1:0", registry });
  assert.equal(server.answer("/proxyMode").status, 404, "no mode configured");
  metrics.endpointChangesPending.set(7);
  assert.match(server.answer("/metrics").body, /^kubeproxy_sync_proxy_rules_endpoint_changes_pending 7$/m);
  metrics.endpointChangesPending.set(0);
  assert.match(server.answer("/metrics?x=1").body, /^kubeproxy_sync_proxy_rules_endpoint_changes_pending 0$/m);
  await server.close();
});

test("abort closes the metrics server", async () => {
  const controller = new AbortController();
  const server = new MetricsServer({ bindAddress: "127.0.0.1:0", registry: new Registry(), signal: controller.signal });
  const { port } = await server.start();
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  controller.abort();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  await server.close();
});
