// The proxy against the real kernel: a ServiceProxy watches an in-process API server and programs
// iptables (then, in a second suite, nftables) inside a network namespace of its own (no traffic;
// the rules are read back with iptables-save / nft list). Needs root; the namespaces are removed
// even when a test fails.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { requireResource } from "../api/resources.js";
import type { EndpointSlice, Service } from "../api/types.js";
import { startTestApi, testToken } from "../apiserver/test-api.js";
import { InProcessTransport, KubeClient } from "../client/index.js";
import { ExecIpRunner } from "../sandbox/ip-runner.js";
import { ExecIptables } from "./iptables/iptables-commands.js";
import { ExecNft } from "./nftables/nft-commands.js";
import { ServiceProxy } from "./service-proxy.js";
import type { ServiceProxyOptions } from "./service-proxy.js";
import { defaultNodeProxyConfig } from "./types.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to create a network namespace (CI runs as root)";

function slice(name: string, ips: string[], node = "node-a"): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${name}-abc`, namespace: "default", labels: { "kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "test" } },
    addressType: "IPv4",
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: node })),
    ports: [{ name: "", port: 80, protocol: "TCP" }],
  };
}

/** Reads the table until `check` accepts it; fails the test with the last reading after `timeoutMs`. */
async function tableShows(what: string, read: () => Promise<string>, check: (table: string) => boolean, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  let table = "";
  while (Date.now() < end) {
    table = await read();
    if (check(table)) return table;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: not seen within ${timeoutMs} ms; table:\n${table}`);
}

/** The kernel has the rules a moment before the proxy records the sync as done: wait for the record. */
async function statusShows(check: () => boolean): Promise<boolean> {
  const end = Date.now() + 2000;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return check();
}

/** A ServiceProxy against its own test API server: the clients to feed it, and stop() to end both. */
interface ProxyFixture {
  proxy: ServiceProxy;
  services: KubeClient<Service>;
  slices: KubeClient<EndpointSlice>;
  stop(): Promise<void>;
}

/** Starts a test API and a ServiceProxy with `options` (50 ms min sync, 300 ms period, no conntrack unless given). */
async function startProxy(options: Omit<ServiceProxyOptions, "transport">): Promise<ProxyFixture> {
  const api = await startTestApi();
  const transport = new InProcessTransport(api.api, { token: testToken, userAgent: "svcnet-proxy-test" });
  const proxy = new ServiceProxy({ transport, minSyncPeriodMs: 50, syncPeriodMs: 300, conntrack: false, ...options });
  const abort = new AbortController();
  const running = proxy.run(abort.signal);
  return {
    proxy,
    services: new KubeClient<Service>(transport, requireResource("", "v1", "services")),
    slices: new KubeClient<EndpointSlice>(transport, requireResource("discovery.k8s.io", "v1", "endpointslices")),
    async stop() {
      abort.abort();
      await running.catch(() => undefined);
      await api.close();
    },
  };
}

describe("ServiceProxy in a real network namespace", { skip }, () => {
  const netns = `svcnet-t${randomBytes(4).toString("hex")}-proxy`;
  const ip = new ExecIpRunner();
  const iptables = new ExecIptables({ netns });
  let fixture: ProxyFixture | undefined;
  let proxy: ServiceProxy;
  let services: KubeClient<Service>;
  let slices: KubeClient<EndpointSlice>;

  before(async () => {
    await ip.ip(["netns", "add", netns]);
    fixture = await startProxy({
      commands: iptables,
      config: { ...defaultNodeProxyConfig, nodeName: "node-a", nodeIPs: ["192.168.0.10"], clusterCIDR: "10.1.0.0/16" },
    });
    ({ proxy, services, slices } = fixture);
  });

  after(async () => {
    await fixture?.stop();
    await ip.ip(["netns", "del", netns]).catch(() => undefined);
  });

  async function natDump(): Promise<string> {
    return iptables.save("nat");
  }

  const until = (what: string, check: (nat: string) => boolean, timeoutMs = 5000): Promise<string> => tableShows(`${what} (nat table)`, natDump, check, timeoutMs);

  it("writes the hooks, the canaries and the seed's service with three endpoints", async () => {
    await services.create({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "nginx-service", namespace: "default" },
      spec: { clusterIP: "10.0.0.252", ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }], selector: { app: "nginx" } },
    } as Service);
    await slices.create(slice("nginx-service", ["10.1.13.2", "10.1.13.3", "10.1.13.4"]));
    const nat = await until("nginx-service's chains", (t) => t.includes("KUBE-SEP-COO3Y4QZMF4NKH2Q"));
    assert.match(nat, /-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES/);
    assert.match(nat, /-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES/);
    assert.match(nat, /-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING/);
    assert.match(nat, /:KUBE-PROXY-CANARY/);
    assert.match(nat, /-A KUBE-SERVICES -d 10\.0\.0\.252\/32 -p tcp -m comment --comment "default\/nginx-service cluster IP" -m tcp --dport 8000 -j KUBE-SVC-V2OKYYMBY3REGZOG/);
    assert.match(nat, /-A KUBE-SVC-V2OKYYMBY3REGZOG .*--probability 0\.33333333349 -j KUBE-SEP-D6ZFGDR42OKGRRVI/);
    assert.match(nat, /-A KUBE-SEP-D6ZFGDR42OKGRRVI -p tcp -m comment --comment "default\/nginx-service" -m tcp -j DNAT --to-destination 10\.1\.13\.2:80/);
    const filter = await iptables.save("filter");
    assert.match(filter, /-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000\/0x4000 -j ACCEPT/);
    assert.ok(await statusShows(() => {
      const result = proxy.status.lastSync?.result;
      return result !== undefined && "natRules" in result && result.natRules >= 16;
    }), "the sync's rule count covers the service");
  });

  it("follows endpoint changes with a partial sync and deletes the stale chain", async () => {
    const fullBefore = proxy.status.fullSyncs;
    const current = await slices.get("default", "nginx-service-abc");
    await slices.update({ ...current, endpoints: (current.endpoints ?? []).slice(0, 2) });
    const nat = await until("the third endpoint's chain deleted", (t) => !t.includes("KUBE-SEP-COO3Y4QZMF4NKH2Q"));
    assert.match(nat, /--probability 0\.50000000000 -j KUBE-SEP-D6ZFGDR42OKGRRVI/);
    assert.equal(proxy.status.fullSyncs, fullBefore, "an endpoint change is a partial sync");
  });

  it("rejects at once when the service has no endpoints", async () => {
    const current = await slices.get("default", "nginx-service-abc");
    await slices.update({ ...current, endpoints: [] });
    await until("nginx-service's chains gone", (t) => !t.includes("KUBE-SVC-V2OKYYMBY3REGZOG"));
    const filter = await iptables.save("filter");
    assert.match(filter, /-A KUBE-SERVICES -d 10\.0\.0\.252\/32 -p tcp -m comment --comment "default\/nginx-service has no endpoints" -m tcp --dport 8000 -j REJECT --reject-with icmp-port-unreachable/);
  });

  it("repairs a flushed nat table with a full sync", async () => {
    const current = await slices.get("default", "nginx-service-abc");
    await slices.update({ ...current, endpoints: slice("x", ["10.1.13.2"]).endpoints });
    await until("one endpoint", (t) => t.includes("KUBE-SEP-D6ZFGDR42OKGRRVI"));
    const fullBefore = proxy.status.fullSyncs;
    const flush = await iptables.iptables(["-t", "nat", "-F"]);
    assert.equal(flush.code, 0, flush.stderr);
    await until("rules back after the flush", (t) => t.includes("-j KUBE-SERVICES") && t.includes("DNAT --to-destination 10.1.13.2:80"), 5000);
    assert.ok(await statusShows(() => proxy.status.fullSyncs > fullBefore), "the repair was a full sync");
  });

  it("serves kube-proxy's metrics", () => {
    const text = proxy.registry.render();
    assert.match(text, /kubeproxy_sync_full_proxy_rules_duration_seconds_count\{ip_family="IPv4"\} [1-9]/);
    assert.match(text, /kubeproxy_sync_partial_proxy_rules_duration_seconds_count\{ip_family="IPv4"\} [1-9]/);
    assert.match(text, /kubeproxy_sync_proxy_rules_iptables_restore_failures_total\{ip_family="IPv4"\} 0/);
  });
});

describe("ServiceProxy in nftables mode in a real network namespace", { skip }, () => {
  const netns = `svcnet-t${randomBytes(4).toString("hex")}-nftproxy`;
  const ip = new ExecIpRunner();
  const iptables = new ExecIptables({ netns });
  const nft = new ExecNft({ netns });
  let fixture: ProxyFixture | undefined;
  let proxy: ServiceProxy;
  let services: KubeClient<Service>;
  let slices: KubeClient<EndpointSlice>;
  const SVC = "service-UOJBH74F-default/nginx-service/tcp/";
  const EP4 = "endpoint-4BWRJCQT-default/nginx-service/tcp/__10.1.13.4/80";

  before(async () => {
    await ip.ip(["netns", "add", netns]);
    // Left over from iptables mode: starting in nftables mode must remove it.
    for (const table of ["nat", "mangle"]) assert.equal((await iptables.iptables(["-t", table, "-N", table === "nat" ? "KUBE-SERVICES" : "KUBE-PROXY-CANARY"])).code, 0);
    fixture = await startProxy({
      mode: "nftables",
      commands: iptables,
      nft,
      config: { ...defaultNodeProxyConfig, nodeName: "node-a", nodeIPs: ["192.168.0.10"], clusterCIDR: "10.1.0.0/16", serviceCIDRs: ["10.0.0.0/24"] },
    });
    ({ proxy, services, slices } = fixture);
  });

  after(async () => {
    await fixture?.stop();
    await ip.ip(["netns", "del", netns]).catch(() => undefined);
  });

  const until = (what: string, check: (table: string) => boolean, timeoutMs = 5000): Promise<string> =>
    tableShows(what, () => nft.listTable().catch(() => ""), check, timeoutMs);

  it("removes iptables mode's chains and writes the seed's service with three endpoints", async () => {
    await services.create({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "nginx-service", namespace: "default" },
      spec: { clusterIP: "10.0.0.252", ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }], selector: { app: "nginx" } },
    } as Service);
    await slices.create(slice("nginx-service", ["10.1.13.2", "10.1.13.3", "10.1.13.4"]));
    const table = await until("nginx-service's chains", (t) => t.includes(EP4));
    assert.match(table, /chain nat-prerouting \{\n\s+type nat hook prerouting priority dstnat; policy accept;\n\s+jump services/);
    assert.match(table, new RegExp(`10\\.0\\.0\\.252 \\. tcp \\. 8000 : goto ${SVC.replaceAll("/", "\\/")}`));
    assert.match(table, /numgen random mod 3 vmap \{ 0 : goto endpoint-YZSKHQER-default\/nginx-service\/tcp\/__10\.1\.13\.2\/80, 1 : goto endpoint-MLH6KRKJ/);
    assert.match(table, /ip daddr 10\.0\.0\.0\/24 drop comment "Drop traffic to unallocated ClusterIPs"/);
    assert.notEqual((await iptables.iptables(["-t", "nat", "-S", "KUBE-SERVICES", "1"])).code, 0, "iptables mode's KUBE-SERVICES is gone");
    assert.notEqual((await iptables.iptables(["-t", "mangle", "-S", "KUBE-PROXY-CANARY", "1"])).code, 0, "iptables mode's canary is gone");
  });

  it("follows endpoint changes with a partial sync and deletes the stale chain a second later", async () => {
    const fullBefore = proxy.status.fullSyncs;
    const current = await slices.get("default", "nginx-service-abc");
    await slices.update({ ...current, endpoints: (current.endpoints ?? []).slice(0, 2) });
    await until("two endpoints", (t) => t.includes("numgen random mod 2"));
    const gone = await until("the third endpoint's chain deleted", (t) => !t.includes(EP4), 5000);
    assert.match(gone, /numgen random mod 2/);
    assert.equal(proxy.status.fullSyncs, fullBefore, "an endpoint change is a partial sync");
    assert.ok(!proxy.lastRestoreInput.includes("delete table"), "the partial transaction does not replace the table");
  });

  it("rejects at once when the service has no endpoints", async () => {
    const current = await slices.get("default", "nginx-service-abc");
    await slices.update({ ...current, endpoints: [] });
    const table = await until("the no-endpoint element", (t) => t.includes("10.0.0.252 . tcp . 8000 comment \"default/nginx-service\" : goto reject-chain"));
    assert.ok(!table.includes("10.0.0.252 . tcp . 8000 : goto"), "no dispatch element left");
  });

  it("serves kube-proxy's nftables metrics", () => {
    const text = proxy.registry.render();
    assert.match(text, /kubeproxy_sync_full_proxy_rules_duration_seconds_count\{ip_family="IPv4"\} [1-9]/);
    assert.match(text, /kubeproxy_sync_partial_proxy_rules_duration_seconds_count\{ip_family="IPv4"\} [1-9]/);
    assert.match(text, /kubeproxy_sync_proxy_rules_nftables_sync_failures_total\{ip_family="IPv4"\} 0/);
    assert.match(text, /kubeproxy_sync_proxy_rules_nftables_cleanup_failures_total\{ip_family="IPv4"\} 0/);
  });

  it("repairs `nft flush ruleset` with a full sync", async () => {
    const current = await slices.get("default", "nginx-service-abc");
    await slices.update({ ...current, endpoints: slice("x", ["10.1.13.2"]).endpoints });
    await until("one endpoint", (t) => t.includes("numgen random mod 1"));
    const fullBefore = proxy.status.fullSyncs;
    await nft.run("flush ruleset\n");
    await until("the table back after the flush", (t) => t.includes("numgen random mod 1") && t.includes("jump services"), 5000);
    assert.ok(await statusShows(() => proxy.status.fullSyncs > fullBefore), "the repair was a full sync");
  });
});
