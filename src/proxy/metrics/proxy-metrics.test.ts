import { test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "./registry.js";
import { createProxyMetrics, networkProgrammingBuckets, proxyMetricDefinitions, syncDurationBuckets } from "./proxy-metrics.js";

/** The `# TYPE` lines of a rendering, name → type. */
function types(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

test("kube-proxy's metrics carry upstream's names, types, labels and help texts", async (t) => {
  const cases: { name: string; type: string; help: string; sample: RegExp }[] = [
    { name: "kubeproxy_sync_proxy_rules_duration_seconds", type: "histogram", help: "SyncProxyRules latency in seconds", sample: /_count\{ip_family="IPv4"\} 0/ },
    { name: "kubeproxy_sync_full_proxy_rules_duration_seconds", type: "histogram", help: "SyncProxyRules latency in seconds for full resyncs", sample: /_count\{ip_family="IPv4"\} 0/ },
    { name: "kubeproxy_sync_partial_proxy_rules_duration_seconds", type: "histogram", help: "SyncProxyRules latency in seconds for partial resyncs", sample: /_count\{ip_family="IPv4"\} 0/ },
    { name: "kubeproxy_network_programming_duration_seconds", type: "histogram", help: "In Cluster Network Programming Latency in seconds", sample: /_bucket\{ip_family="IPv4",le="0"\} 0/ },
    { name: "kubeproxy_sync_proxy_rules_last_timestamp_seconds", type: "gauge", help: "The last time proxy rules were successfully synced", sample: /\{ip_family="IPv4"\} 0/ },
    { name: "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", type: "gauge", help: "The last time a sync of proxy rules was queued", sample: /\{ip_family="IPv4"\} 0/ },
    { name: "kubeproxy_sync_proxy_rules_endpoint_changes_pending", type: "gauge", help: "Pending proxy rules Endpoint changes", sample: /_pending 0/ },
    { name: "kubeproxy_sync_proxy_rules_endpoint_changes_total", type: "counter", help: "Cumulative proxy rules Endpoint changes", sample: /_total 0/ },
    { name: "kubeproxy_sync_proxy_rules_service_changes_pending", type: "gauge", help: "Pending proxy rules Service changes", sample: /_pending 0/ },
    { name: "kubeproxy_sync_proxy_rules_service_changes_total", type: "counter", help: "Cumulative proxy rules Service changes", sample: /_total 0/ },
    { name: "kubeproxy_sync_proxy_rules_iptables_restore_failures_total", type: "counter", help: "Cumulative proxy iptables restore failures", sample: /\{ip_family="IPv4"\} 0/ },
    { name: "kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total", type: "counter", help: "Cumulative proxy iptables partial restore failures", sample: /\{ip_family="IPv4"\} 0/ },
    { name: "kubeproxy_sync_proxy_rules_nftables_sync_failures_total", type: "counter", help: "Cumulative proxy nftables sync failures", sample: /\{ip_family="IPv4"\} 0/ },
    { name: "kubeproxy_sync_proxy_rules_nftables_cleanup_failures_total", type: "counter", help: "Cumulative proxy nftables cleanup failures", sample: /\{ip_family="IPv4"\} 0/ },
    { name: "kubeproxy_conntrack_reconciler_sync_duration_seconds", type: "histogram", help: "ReconcileConntrackFlowsLatency latency in seconds", sample: /_bucket\{ip_family="IPv4",le="0.001"\} 0/ },
    { name: "kubeproxy_conntrack_reconciler_deleted_entries_total", type: "counter", help: "Cumulative conntrack flows deleted by conntrack reconciler", sample: /\{ip_family="IPv4"\} 0/ },
  ];
  const registry = new Registry();
  createProxyMetrics(registry);
  const text = registry.render();
  const rendered = types(text);
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(rendered.get(c.name), c.type);
      assert.ok(text.includes(`# HELP ${c.name} [ALPHA] ${c.help}\n`), "help line");
      const samples = text.split("\n").filter((l) => l.startsWith(c.name));
      assert.ok(samples.some((l) => c.sample.test(l)), samples.join("\n"));
    });
  }
});

test("metrics with more labels than ip_family appear once used", () => {
  const r = new Registry();
  const m = createProxyMetrics(r);
  const before = r.render();
  for (const name of ["kubeproxy_sync_proxy_rules_iptables_total", "kubeproxy_sync_proxy_rules_iptables_last", "kubeproxy_sync_proxy_rules_no_local_endpoints_total", "kubeproxy_proxy_healthz_total", "kubeproxy_proxy_livez_total"]) {
    assert.ok(!before.includes(name), name);
  }
  m.iptablesTotal.set({ table: "nat" }, 25);
  m.iptablesLast.labels({ table: "filter" }).set(4);
  m.noLocalEndpointsTotal.set({ traffic_policy: "internal" }, 1);
  m.healthzTotal.inc({ code: "200" });
  m.livezTotal.labels({ code: "503" }).inc();
  const after = r.render();
  for (const line of [
    'kubeproxy_sync_proxy_rules_iptables_total{ip_family="IPv4",table="nat"} 25',
    'kubeproxy_sync_proxy_rules_iptables_last{ip_family="IPv4",table="filter"} 4',
    'kubeproxy_sync_proxy_rules_no_local_endpoints_total{ip_family="IPv4",traffic_policy="internal"} 1',
    'kubeproxy_proxy_healthz_total{code="200"} 1',
    'kubeproxy_proxy_livez_total{code="503"} 1',
  ]) {
    assert.ok(after.includes(line + "\n"), line);
  }
  assert.equal(types(after).get("kubeproxy_sync_proxy_rules_no_local_endpoints_total"), "gauge");
});

test("sync durations use 1 ms doubling buckets up to 16.384 s", () => {
  assert.equal(syncDurationBuckets.length, 15);
  assert.equal(syncDurationBuckets[0], 0.001);
  assert.equal(syncDurationBuckets[14], 16.384);
  const r = new Registry();
  createProxyMetrics(r).syncFullProxyRulesDuration.observe(0.01);
  const les = [...r.render().matchAll(/^kubeproxy_sync_full_proxy_rules_duration_seconds_bucket\{ip_family="IPv4",le="([^"]+)"\} (\d+)$/gm)].map((m) => `${m[1]}:${m[2]}`);
  assert.deepEqual(les, ["0.001:0", "0.002:0", "0.004:0", "0.008:0", "0.016:1", "0.032:1", "0.064:1", "0.128:1", "0.256:1", "0.512:1", "1.024:1", "2.048:1", "4.096:1", "8.192:1", "16.384:1", "+Inf:1"]);
});

test("network programming buckets are upstream's 81 bounds, starting at 0", () => {
  assert.equal(networkProgrammingBuckets.length, 81);
  assert.deepEqual(networkProgrammingBuckets.slice(0, 5), [0, 0.25, 0.5, 1, 2]);
  assert.deepEqual(networkProgrammingBuckets.slice(61, 65), [59, 60, 65, 70]);
  assert.deepEqual(networkProgrammingBuckets.slice(-8), [115, 120, 150, 180, 210, 240, 270, 300]);
});

test("observations land in the IPv4 series; a second family on the same registry gets its own", () => {
  const r = new Registry();
  const v4 = createProxyMetrics(r);
  const v6 = createProxyMetrics(r, { ipFamily: "IPv6" });
  v4.syncProxyRulesDuration.observe(0.5);
  v6.iptablesRestoreFailures.inc();
  v4.syncProxyRulesLastTimestamp.setToTime(new Date(1_700_000_000_000));
  v6.endpointChangesTotal.inc(3);
  const text = r.render();
  assert.match(text, /^kubeproxy_sync_proxy_rules_duration_seconds_count\{ip_family="IPv4"\} 1$/m);
  assert.match(text, /^kubeproxy_sync_proxy_rules_duration_seconds_count\{ip_family="IPv6"\} 0$/m);
  assert.match(text, /^kubeproxy_sync_proxy_rules_iptables_restore_failures_total\{ip_family="IPv6"\} 1$/m);
  assert.match(text, /^kubeproxy_sync_proxy_rules_last_timestamp_seconds\{ip_family="IPv4"\} 1\.7e\+09$/m);
  // Not per family: both views share one series.
  assert.equal(v4.endpointChangesTotal.get(), 3);
});

test("every definition is exposed, each name once", () => {
  const m = createProxyMetrics(new Registry());
  assert.deepEqual(Object.keys(m).sort(), proxyMetricDefinitions.map((d) => d.key).sort());
  assert.equal(new Set(proxyMetricDefinitions.map((d) => d.name)).size, proxyMetricDefinitions.length);
  for (const d of proxyMetricDefinitions) assert.equal(m[d.key].name, d.name);
});
