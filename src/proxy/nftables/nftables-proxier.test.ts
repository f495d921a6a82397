// The nftables proxier's sync decisions with a recording fake nft: full first, partial after,
// full again after a failure or on request, stale chains deleted in their own transaction, and
// the nftables failure counters.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { EndpointSlice, Service } from "../../api/types.js";
import { ProxyChangeTracker } from "../change-tracker.js";
import { createProxyMetrics } from "../metrics/proxy-metrics.js";
import { Registry } from "../metrics/registry.js";
import { makeNodeAConfig } from "../iptables/testdata/nginx-fixtures.js";
import type { NftCommands } from "./nft-commands.js";
import { NftablesProxier } from "./nftables-proxier.js";

/** Records every transaction; fails the next `failNext` runs. */
class RecordingNft implements NftCommands {
  readonly where = "test";
  readonly runs: string[] = [];
  failNext = 0;
  /** Fails every transaction matching this. */
  failWhen: RegExp | undefined;
  exists = true;
  async run(text: string): Promise<void> {
    if (this.failNext > 0 || this.failWhen?.test(text)) {
      if (this.failNext > 0) this.failNext--;
      throw new Error("nft: injected failure");
    }
    this.runs.push(text);
  }
  async tableExists(): Promise<boolean> {
    return this.exists;
  }
  async listTable(): Promise<string> {
    return "";
  }
}

function service(name: string, clusterIP: string): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec: { clusterIP, ports: [{ port: 80, protocol: "TCP" }] } } as Service;
}

function slice(name: string, ips: string[]): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${name}-x`, namespace: "default", labels: { "kubernetes.io/service-name": name } },
    addressType: "IPv4",
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: "node-b" })),
    ports: [{ name: "", port: 8080, protocol: "TCP" }],
  };
}

function setup(): { nft: RecordingNft; tracker: ProxyChangeTracker; proxier: NftablesProxier; registry: Registry; clock: { t: number } } {
  const nft = new RecordingNft();
  const tracker = new ProxyChangeTracker("node-a");
  const registry = new Registry();
  const clock = { t: 1_000_000 };
  const proxier = new NftablesProxier({ nft, tracker, config: makeNodeAConfig(), metrics: createProxyMetrics(registry), now: () => clock.t });
  tracker.onService(undefined, service("a", "10.0.0.11"));
  tracker.onSlice(undefined, slice("a", ["10.1.14.2", "10.1.14.3"]));
  tracker.onService(undefined, service("b", "10.0.0.12"));
  tracker.onSlice(undefined, slice("b", ["10.1.14.9"]));
  return { nft, tracker, proxier, registry, clock };
}

test("full first, then partial syncs that write only the changed service", async () => {
  const { nft, tracker, proxier } = setup();
  const first = await proxier.sync();
  assert.equal(first.full, true);
  assert.match(nft.runs[0] ?? "", /^add table ip kube-proxy/);
  tracker.onSlice(slice("a", ["10.1.14.2", "10.1.14.3"]), slice("a", ["10.1.14.2"]));
  const second = await proxier.sync();
  assert.equal(second.full, false);
  const tx = nft.runs[1] ?? "";
  assert.ok(!tx.includes("delete table") && !tx.includes("default/b/"), tx);
  assert.match(tx, /flush chain ip kube-proxy endpoint-\w+-default\/a\/tcp\/__10\.1\.14\.3\/8080/);
  assert.equal(second.result.chainsFlushedStale, 1);
  // Nothing pending: nothing written.
  await proxier.sync();
  assert.equal(nft.runs.length, 2);
});

test("without a table the full sync goes in parts of whole services; with one, in one transaction", async (t) => {
  for (const exists of [false, true]) {
    await t.test(exists ? "table exists: one atomic transaction" : "no table: base, then one part per service", async () => {
      const nft = new RecordingNft();
      nft.exists = exists;
      const tracker = new ProxyChangeTracker("node-a");
      const proxier = new NftablesProxier({ nft, tracker, config: makeNodeAConfig(), metrics: createProxyMetrics(new Registry()), coldSyncServicePortsPerTransaction: 1 });
      tracker.onService(undefined, service("a", "10.0.0.11"));
      tracker.onSlice(undefined, slice("a", ["10.1.14.2", "10.1.14.3"]));
      tracker.onService(undefined, service("b", "10.0.0.12"));
      tracker.onSlice(undefined, slice("b", ["10.1.14.9"]));
      const sync = await proxier.sync();
      assert.equal(sync.full, true);
      assert.equal(nft.runs.length, exists ? 1 : 3);
      if (!exists) {
        assert.match(nft.runs[0] ?? "", /^add table ip kube-proxy/);
        assert.ok(!(nft.runs[0] ?? "").includes("default/a"));
        assert.ok((nft.runs[1] ?? "").includes("default/a/") && !(nft.runs[1] ?? "").includes("default/b/"), nft.runs[1]);
        assert.match(nft.runs[1] ?? "", /add map ip kube-proxy service-ips \{ .* elements = \{ 10\.0\.0\.11 /);
        assert.ok((nft.runs[2] ?? "").includes("default/b/") && !(nft.runs[2] ?? "").includes("default/a/"), nft.runs[2]);
      }
    });
  }
});

test("stale chains go in a transaction of their own a second later", async () => {
  const { nft, tracker, proxier, clock } = setup();
  await proxier.sync();
  tracker.onSlice(slice("a", ["10.1.14.2", "10.1.14.3"]), slice("a", ["10.1.14.2"]));
  await proxier.sync();
  clock.t += 500;
  await proxier.sync();
  assert.equal(nft.runs.length, 2, "not yet: less than a second");
  clock.t += 600;
  await proxier.sync();
  assert.match(nft.runs[2] ?? "", /^delete chain ip kube-proxy endpoint-\w+-default\/a\/tcp\/__10\.1\.14\.3\/8080\n$/);
});

test("a failed transaction counts, throws, and makes the next sync full", async () => {
  const { nft, tracker, proxier, registry } = setup();
  await proxier.sync();
  tracker.onService(undefined, service("c", "10.0.0.13"));
  nft.failNext = 1;
  await assert.rejects(proxier.sync(), /injected failure/);
  assert.match(registry.render(), /kubeproxy_sync_proxy_rules_nftables_sync_failures_total\{ip_family="IPv4"\} 1/);
  const retry = await proxier.sync();
  assert.equal(retry.full, true);
  assert.match(nft.runs.at(-1) ?? "", /# default\/c/);
});

test("a failed stale-chain deletion counts as a cleanup failure and does not stop the sync", async () => {
  const { nft, tracker, proxier, registry, clock } = setup();
  await proxier.sync();
  tracker.onService(service("b", "10.0.0.12"), undefined);
  await proxier.sync();
  clock.t += 2000;
  tracker.onService(undefined, service("d", "10.0.0.14"));
  nft.failWhen = /^delete chain/;
  const sync = await proxier.sync();
  assert.equal(sync.full, false);
  assert.match(registry.render(), /kubeproxy_sync_proxy_rules_nftables_cleanup_failures_total\{ip_family="IPv4"\} 1/);
  assert.match(nft.runs.at(-1) ?? "", /default\/d/, "the sync's own transaction went first");
});

test("stale chains go after the sync's own transaction; in large clusters at most every interval", async () => {
  const nft = new RecordingNft();
  const tracker = new ProxyChangeTracker("node-a");
  const clock = { t: 1_000_000 };
  const proxier = new NftablesProxier({ nft, tracker, config: makeNodeAConfig(), metrics: createProxyMetrics(new Registry()), now: () => clock.t, largeClusterEndpointsThreshold: 1, staleChainCleanupIntervalMs: 30_000 });
  tracker.onService(undefined, service("a", "10.0.0.11"));
  tracker.onSlice(undefined, slice("a", ["10.1.14.2", "10.1.14.3"]));
  await proxier.sync();
  const deletions = (): string[] => nft.runs.filter((r) => r.startsWith("delete chain"));
  // Each step drops one endpoint's chain (stale), syncs, then lets time pass.
  const steps: { ips: string[]; advanceMs: number; wantDeletions: number }[] = [
    { ips: ["10.1.14.2"], advanceMs: 1_100, wantDeletions: 0 },
    { ips: ["10.1.14.2", "10.1.14.4"], advanceMs: 1_100, wantDeletions: 1 },
    { ips: ["10.1.14.4", "10.1.14.5"], advanceMs: 30_000, wantDeletions: 1 },
    { ips: ["10.1.14.5", "10.1.14.6"], advanceMs: 1_100, wantDeletions: 2 },
  ];
  let previous = ["10.1.14.2", "10.1.14.3"];
  for (const step of steps) {
    tracker.onSlice(slice("a", previous), slice("a", step.ips));
    previous = step.ips;
    await proxier.sync();
    assert.equal(deletions().length, step.wantDeletions, `after ${step.ips.join(",")}`);
    if (deletions().length > 0) assert.ok(nft.runs.indexOf(deletions().at(-1) ?? "") > 0 && !(nft.runs.at(-1) ?? "").startsWith("add table"), "deletion follows a partial sync");
    clock.t += step.advanceMs;
  }
});

test("requestFullSync and tablesIntact", async () => {
  const { nft, proxier } = setup();
  await proxier.sync();
  proxier.requestFullSync();
  assert.equal((await proxier.sync()).full, true);
  nft.exists = false;
  assert.equal(await proxier.tablesIntact(), false);
});

test("the hourly full sync is skipped in large clusters", async (t) => {
  const cases = [
    { name: "small cluster: full after the period", threshold: 1000, wantFull: true },
    { name: "large cluster (3 endpoints > 2): still partial", threshold: 2, wantFull: false },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const nft = new RecordingNft();
      const tracker = new ProxyChangeTracker("node-a");
      const clock = { t: 0 };
      const proxier = new NftablesProxier({
        nft,
        tracker,
        config: makeNodeAConfig(),
        metrics: createProxyMetrics(new Registry()),
        now: () => clock.t,
        fullSyncPeriodMs: 60_000,
        largeClusterEndpointsThreshold: c.threshold,
      });
      tracker.onService(undefined, service("a", "10.0.0.11"));
      tracker.onSlice(undefined, slice("a", ["10.1.14.2", "10.1.14.3", "10.1.14.4"]));
      await proxier.sync();
      clock.t += 61_000;
      assert.equal((await proxier.sync()).full, c.wantFull);
    });
  }
});
