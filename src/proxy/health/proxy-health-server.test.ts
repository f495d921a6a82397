import { test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "../metrics/registry.js";
import { createProxyMetrics } from "../metrics/proxy-metrics.js";
import { ProxyHealthState } from "./proxy-health.js";
import { ProxyHealthServer, proxyHealthAnswer, rfc3339Nano } from "./proxy-health-server.js";

const start = new Date("2025-03-04T05:06:07.500Z");
const at = (seconds: number): Date => new Date(start.getTime() + seconds * 1000);

test("times are written as Go's JSON encoder writes them (RFC 3339, UTC, no trailing zeros)", async (t) => {
  const cases: [string, string][] = [
    ["2025-03-04T05:06:07.000Z", "2025-03-04T05:06:07Z"],
    ["2025-03-04T05:06:07.500Z", "2025-03-04T05:06:07.5Z"],
    ["2025-03-04T05:06:07.120Z", "2025-03-04T05:06:07.12Z"],
    ["2025-03-04T05:06:07.123Z", "2025-03-04T05:06:07.123Z"],
    ["0001-01-01T00:00:00.000Z", "0001-01-01T00:00:00Z"],
  ];
  for (const [iso, want] of cases) await t.test(iso, () => assert.equal(rfc3339Nano(new Date(iso)), want));
});

test("/healthz and /livez answers follow upstream's rules", async (t) => {
  type Setup = (s: ProxyHealthState) => void;
  const cases: { name: string; setup: Setup; now: number; healthz: number; livez: number; healthy: boolean; reportedLastUpdated: "now" | number }[] = [
    { name: "fresh start", setup: () => {}, now: 1, healthz: 200, livez: 200, healthy: true, reportedLastUpdated: "now" },
    {
      name: "sync late",
      setup: (s) => s.queuedUpdate(at(0)),
      now: 61,
      healthz: 503,
      livez: 503,
      healthy: false,
      reportedLastUpdated: 0,
    },
    {
      name: "node marked for deletion: healthz fails, livez does not",
      setup: (s) => s.setNodeEligible(false),
      now: 5,
      healthz: 503,
      livez: 200,
      healthy: true,
      reportedLastUpdated: 0,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const s = new ProxyHealthState({ start });
      c.setup(s);
      const now = at(c.now);
      const healthz = proxyHealthAnswer("/healthz", s, now);
      const livez = proxyHealthAnswer("/livez", s, now);
      assert.equal(healthz.status, c.healthz);
      assert.equal(livez.status, c.livez);
      for (const a of [healthz, livez]) {
        assert.deepEqual(a.headers, { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff" });
      }
      const hz = JSON.parse(healthz.body) as Record<string, unknown>;
      const lz = JSON.parse(livez.body) as Record<string, unknown>;
      assert.deepEqual(Object.keys(hz), ["lastUpdated", "currentTime", "nodeEligible", "healthy", "status"]);
      assert.deepEqual(Object.keys(lz), ["lastUpdated", "currentTime", "healthy", "status"]);
      assert.equal(hz.healthy, c.healthy, "the body's healthy is the proxier's, without the node");
      assert.equal(hz.currentTime, rfc3339Nano(now));
      const healthzLast = healthz.status === 200 ? rfc3339Nano(now) : rfc3339Nano(at(c.reportedLastUpdated === "now" ? c.now : c.reportedLastUpdated));
      assert.equal(hz.lastUpdated, healthzLast);
      assert.deepEqual(hz.status, { IPv4: { lastUpdated: rfc3339Nano(at(0)), healthy: c.healthy } });
    });
  }
});

test("the exact /healthz body of a healthy proxy", () => {
  const s = new ProxyHealthState({ start });
  const a = proxyHealthAnswer("/healthz", s, at(2));
  assert.equal(
    a.body,
    '{"lastUpdated":"2025-03-04T05:06:09.5Z","currentTime":"2025-03-04T05:06:09.5Z","nodeEligible":true,"healthy":true,"status":{"IPv4":{"lastUpdated":"2025-03-04T05:06:07.5Z","healthy":true}}}',
  );
});

test("the HTTP server answers on its bind address and counts answers by code", async (t) => {
  const registry = new Registry();
  const metrics = createProxyMetrics(registry);
  const state = new ProxyHealthState({ start });
  let now = at(1);
  const server = new ProxyHealthServer({ bindAddress: "127.0.0.1:0", state, metrics, now: () => now });
  let base = "";
  t.before(async () => {
    const { port } = await server.start();
    base = `http://127.0.0.1:${port}`;
  });
  t.after(() => server.close());

  await t.test("healthy", async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    const body = (await res.json()) as { nodeEligible: boolean; lastUpdated: string };
    assert.equal(body.nodeEligible, true);
    assert.equal(body.lastUpdated, rfc3339Nano(now));
  });

  await t.test("late sync and ineligible node", async () => {
    state.queuedUpdate(at(2));
    now = at(100);
    assert.equal((await fetch(`${base}/livez`)).status, 503);
    state.updated(at(101));
    now = at(102);
    state.setNodeEligible(false);
    assert.equal((await fetch(`${base}/healthz?verbose=1`)).status, 503);
    assert.equal((await fetch(`${base}/livez`)).status, 200);
    const head = await fetch(`${base}/livez`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
  });

  await t.test("other paths are 404", async () => {
    const res = await fetch(`${base}/healthz/extra`);
    assert.equal(res.status, 404);
    assert.equal(await res.text(), "404 page not found\n");
  });

  await t.test("answers were counted", () => {
    const text = registry.render();
    assert.match(text, /^kubeproxy_proxy_healthz_total\{code="200"\} 1$/m);
    assert.match(text, /^kubeproxy_proxy_healthz_total\{code="503"\} 1$/m);
    assert.match(text, /^kubeproxy_proxy_livez_total\{code="200"\} 2$/m);
    assert.match(text, /^kubeproxy_proxy_livez_total\{code="503"\} 1$/m);
  });
});

test("start fails on a port in use; abort closes the server", async () => {
  const state = new ProxyHealthState({ start });
  const first = new ProxyHealthServer({ bindAddress: "127.0.0.1:0", state });
  const { port } = await first.start();
  try {
    const second = new ProxyHealthServer({ bindAddress: `127.0.0.1:${port}`, state });
    await assert.rejects(second.start(), /EADDRINUSE/);
    await second.close();
  } finally {
    await first.close();
  }
  const controller = new AbortController();
  const third = new ProxyHealthServer({ bindAddress: `127.0.0.1:${port}`, state, signal: controller.signal });
  await third.start();
  controller.abort();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await assert.rejects(fetch(`http://127.0.0.1:${port}/livez`));
  await third.close();
});
