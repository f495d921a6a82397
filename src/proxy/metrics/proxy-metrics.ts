// kube-proxy's own metrics, with upstream's names, help texts, types and buckets, so that
// dashboards, alerts and scalability checks written for kube-proxy work against `svcnet proxy`.
//
// Labels follow the newest upstream (v1.36's metrics reference): the metrics that describe one
// proxier's work carry `ip_family`; the change counters/gauges and the healthz/livez counters do
// not. The returned views have `ip_family` fixed to this proxier's family, so callers write
// `metrics.syncFullProxyRulesDuration.observe(s)` and `metrics.iptablesTotal.set({ table: "nat" }, n)`.
// Every series whose labels are fully known (ip_family only) is created at once, so it reads 0
// before the first event, as upstream's do.
//
// Upstream's component-base prefixes each help text with its stability level, which is why the
// rendered HELP lines read "[ALPHA] …".

import type { Counter, Gauge, Histogram, Registry } from "./registry.js";
import { exponentialBuckets, linearBuckets } from "./registry.js";

export type IPFamily = "IPv4" | "IPv6";

/** 1 ms doubling to ~16 s (15 bounds): every sync-duration histogram upstream uses these. */
export const syncDurationBuckets: readonly number[] = exponentialBuckets(0.001, 2, 15);

/**
 * Network programming latency: 0, then 0.25 s and 0.5 s, 1–59 s by the second, 60–115 s by 5 s,
 * 2–5 min by 30 s. The leading 0 is upstream's too (its bucket-merging helper starts from one
 * zero bound).
 */
export const networkProgrammingBuckets: readonly number[] = [
  0,
  ...linearBuckets(0.25, 0.25, 2),
  ...linearBuckets(1, 1, 59),
  ...linearBuckets(60, 5, 12),
  ...linearBuckets(120, 30, 7),
];

export interface ProxyMetrics {
  /** All syncs (full and partial); ip_family fixed. */
  syncProxyRulesDuration: Histogram;
  syncFullProxyRulesDuration: Histogram;
  syncPartialProxyRulesDuration: Histogram;
  /** Observed per changed EndpointSlice after a successful sync: now − last-change-trigger-time. */
  networkProgrammingDuration: Histogram;
  syncProxyRulesLastTimestamp: Gauge;
  syncProxyRulesLastQueuedTimestamp: Gauge;
  endpointChangesPending: Gauge;
  endpointChangesTotal: Counter;
  serviceChangesPending: Gauge;
  serviceChangesTotal: Counter;
  iptablesRestoreFailures: Counter;
  iptablesPartialRestoreFailures: Counter;
  /** nftables mode: failed sync transactions. */
  nftablesSyncFailures: Counter;
  /** nftables mode: failed deletions of stale chains. */
  nftablesCleanupFailures: Counter;
  /** Label `table` ("filter" | "nat"): rules kube-proxy owns after the last sync. */
  iptablesTotal: Gauge;
  /** Label `table`: rules written by the last sync. */
  iptablesLast: Gauge;
  /** Label `traffic_policy` ("internal" | "external"): service ports with a Local policy and no local endpoints. */
  noLocalEndpointsTotal: Gauge;
  /** Label `code` ("200" | "503"). */
  healthzTotal: Counter;
  livezTotal: Counter;
  conntrackReconcilerSyncDuration: Histogram;
  conntrackReconcilerDeletedEntries: Counter;
}

export interface ProxyMetricDefinition {
  key: keyof ProxyMetrics;
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  /** Labels besides ip_family. */
  labels?: string[];
  perFamily: boolean;
  buckets?: readonly number[];
}

/** Upstream's definitions (help texts verbatim, as kube-proxy publishes them). */
export const proxyMetricDefinitions: readonly ProxyMetricDefinition[] = [
  { key: "syncProxyRulesDuration", name: "kubeproxy_sync_proxy_rules_duration_seconds", help: "SyncProxyRules latency in seconds", type: "histogram", perFamily: true, buckets: syncDurationBuckets },
  { key: "syncFullProxyRulesDuration", name: "kubeproxy_sync_full_proxy_rules_duration_seconds", help: "SyncProxyRules latency in seconds for full resyncs", type: "histogram", perFamily: true, buckets: syncDurationBuckets },
  { key: "syncPartialProxyRulesDuration", name: "kubeproxy_sync_partial_proxy_rules_duration_seconds", help: "SyncProxyRules latency in seconds for partial resyncs", type: "histogram", perFamily: true, buckets: syncDurationBuckets },
  { key: "networkProgrammingDuration", name: "kubeproxy_network_programming_duration_seconds", help: "In Cluster Network Programming Latency in seconds", type: "histogram", perFamily: true, buckets: networkProgrammingBuckets },
  { key: "syncProxyRulesLastTimestamp", name: "kubeproxy_sync_proxy_rules_last_timestamp_seconds", help: "The last time proxy rules were successfully synced", type: "gauge", perFamily: true },
  { key: "syncProxyRulesLastQueuedTimestamp", name: "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", help: "The last time a sync of proxy rules was queued", type: "gauge", perFamily: true },
  { key: "endpointChangesPending", name: "kubeproxy_sync_proxy_rules_endpoint_changes_pending", help: "Pending proxy rules Endpoint changes", type: "gauge", perFamily: false },
  { key: "endpointChangesTotal", name: "kubeproxy_sync_proxy_rules_endpoint_changes_total", help: "Cumulative proxy rules Endpoint changes", type: "counter", perFamily: false },
  { key: "serviceChangesPending", name: "kubeproxy_sync_proxy_rules_service_changes_pending", help: "Pending proxy rules Service changes", type: "gauge", perFamily: false },
  { key: "serviceChangesTotal", name: "kubeproxy_sync_proxy_rules_service_changes_total", help: "Cumulative proxy rules Service changes", type: "counter", perFamily: false },
  { key: "iptablesRestoreFailures", name: "kubeproxy_sync_proxy_rules_iptables_restore_failures_total", help: "Cumulative proxy iptables restore failures", type: "counter", perFamily: true },
  { key: "iptablesPartialRestoreFailures", name: "kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total", help: "Cumulative proxy iptables partial restore failures", type: "counter", perFamily: true },
  { key: "nftablesSyncFailures", name: "kubeproxy_sync_proxy_rules_nftables_sync_failures_total", help: "Cumulative proxy nftables sync failures", type: "counter", perFamily: true },
  { key: "nftablesCleanupFailures", name: "kubeproxy_sync_proxy_rules_nftables_cleanup_failures_total", help: "Cumulative proxy nftables cleanup failures", type: "counter", perFamily: true },
  { key: "iptablesTotal", name: "kubeproxy_sync_proxy_rules_iptables_total", help: "Total number of iptables rules owned by kube-proxy", type: "gauge", perFamily: true, labels: ["table"] },
  { key: "iptablesLast", name: "kubeproxy_sync_proxy_rules_iptables_last", help: "Number of iptables rules written by kube-proxy in last sync", type: "gauge", perFamily: true, labels: ["table"] },
  { key: "noLocalEndpointsTotal", name: "kubeproxy_sync_proxy_rules_no_local_endpoints_total", help: "Number of services with a Local traffic policy and no endpoints", type: "gauge", perFamily: true, labels: ["traffic_policy"] },
  { key: "healthzTotal", name: "kubeproxy_proxy_healthz_total", help: "Cumulative proxy healthz HTTP status", type: "counter", perFamily: false, labels: ["code"] },
  { key: "livezTotal", name: "kubeproxy_proxy_livez_total", help: "Cumulative proxy livez HTTP status", type: "counter", perFamily: false, labels: ["code"] },
  { key: "conntrackReconcilerSyncDuration", name: "kubeproxy_conntrack_reconciler_sync_duration_seconds", help: "ReconcileConntrackFlowsLatency latency in seconds", type: "histogram", perFamily: true, buckets: syncDurationBuckets },
  { key: "conntrackReconcilerDeletedEntries", name: "kubeproxy_conntrack_reconciler_deleted_entries_total", help: "Cumulative conntrack flows deleted by conntrack reconciler", type: "counter", perFamily: true },
];

const stabilityPrefix = "[ALPHA] ";

export interface ProxyMetricsOptions {
  /** The family this proxier programs; default "IPv4". A dual-stack proxy calls this once per family on one registry. */
  ipFamily?: IPFamily;
}

/**
 * Registers kube-proxy's metrics on `registry` (once; a second call — e.g. for the other IP
 * family — reuses them) and returns views bound to `ipFamily`.
 */
export function createProxyMetrics(registry: Registry, options: ProxyMetricsOptions = {}): ProxyMetrics {
  const ipFamily = options.ipFamily ?? "IPv4";
  const define = (key: keyof ProxyMetrics, type: ProxyMetricDefinition["type"]): Counter | Gauge | Histogram => {
    const d = proxyMetricDefinitions.find((x) => x.key === key);
    if (!d || d.type !== type) throw new Error(`no ${type} definition for ${key}`);
    const labelNames = [...(d.perFamily ? ["ip_family"] : []), ...(d.labels ?? [])];
    const base = { name: d.name, help: stabilityPrefix + d.help, labelNames };
    const metric = type === "counter" ? registry.counter(base) : type === "gauge" ? registry.gauge(base) : registry.histogram({ ...base, buckets: d.buckets ?? [] });
    if (!d.perFamily) return metric;
    const bound = metric.curry({ ip_family: ipFamily });
    if (!d.labels) bound.labels({});
    return bound;
  };
  const counter = (key: keyof ProxyMetrics): Counter => define(key, "counter") as Counter;
  const gauge = (key: keyof ProxyMetrics): Gauge => define(key, "gauge") as Gauge;
  const histogram = (key: keyof ProxyMetrics): Histogram => define(key, "histogram") as Histogram;
  return {
    syncProxyRulesDuration: histogram("syncProxyRulesDuration"),
    syncFullProxyRulesDuration: histogram("syncFullProxyRulesDuration"),
    syncPartialProxyRulesDuration: histogram("syncPartialProxyRulesDuration"),
    networkProgrammingDuration: histogram("networkProgrammingDuration"),
    syncProxyRulesLastTimestamp: gauge("syncProxyRulesLastTimestamp"),
    syncProxyRulesLastQueuedTimestamp: gauge("syncProxyRulesLastQueuedTimestamp"),
    endpointChangesPending: gauge("endpointChangesPending"),
    endpointChangesTotal: counter("endpointChangesTotal"),
    serviceChangesPending: gauge("serviceChangesPending"),
    serviceChangesTotal: counter("serviceChangesTotal"),
    iptablesRestoreFailures: counter("iptablesRestoreFailures"),
    iptablesPartialRestoreFailures: counter("iptablesPartialRestoreFailures"),
    nftablesSyncFailures: counter("nftablesSyncFailures"),
    nftablesCleanupFailures: counter("nftablesCleanupFailures"),
    iptablesTotal: gauge("iptablesTotal"),
    iptablesLast: gauge("iptablesLast"),
    noLocalEndpointsTotal: gauge("noLocalEndpointsTotal"),
    healthzTotal: counter("healthzTotal"),
    livezTotal: counter("livezTotal"),
    conntrackReconcilerSyncDuration: histogram("conntrackReconcilerSyncDuration"),
    conntrackReconcilerDeletedEntries: counter("conntrackReconcilerDeletedEntries"),
  };
}
