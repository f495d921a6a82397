// The rule store's partial syncs: only the changed services' chains and elements are written,
// stale chains are flushed at once and deleted a second later, and nothing is listed.

import assert from "node:assert/strict";
import { test } from "node:test";
import { makeEndpoint, makeNginxEndpoints, makeNginxService, makeNodeAConfig, makeProxyState, makeServicePort } from "../iptables/testdata/nginx-fixtures.js";
import type { EndpointInfo, ServicePortInfo } from "../types.js";
import { NftRuleStore } from "./nft-rule-store.js";

const T = "ip kube-proxy";
const SVC = "service-UOJBH74F-default/nginx-service/tcp/";
const EP4 = "endpoint-4BWRJCQT-default/nginx-service/tcp/__10.1.13.4/80";
const config = makeNodeAConfig();

function others(n: number): { service: ServicePortInfo; endpoints: EndpointInfo[] }[] {
  return Array.from({ length: n }, (_, i) => ({
    service: makeServicePort("bulk", `svc-${i}`, (s) => (s.clusterIP = `10.0.1.${i + 1}`)),
    endpoints: [makeEndpoint(`10.1.20.${i + 1}`, 80, "node-b", "node-a")],
  }));
}

function stateWith(nginx: ServicePortInfo | undefined, endpoints: EndpointInfo[], extra = others(20)): ReturnType<typeof makeProxyState> {
  return makeProxyState([...(nginx ? [{ service: nginx, endpoints }] : []), ...extra]);
}

const changed = new Set(["default/nginx-service"]);

test("partial syncs touch only what changed", async (t) => {
  const cases: { name: string; next: ReturnType<typeof makeProxyState>; want: string[] }[] = [
    {
      name: "nothing changed: empty transaction",
      next: stateWith(makeNginxService(), makeNginxEndpoints()),
      want: [],
    },
    {
      name: "an endpoint left: the service chain is rewritten, the endpoint chain flushed",
      next: stateWith(makeNginxService(), makeNginxEndpoints().slice(0, 2)),
      want: [
        `add chain ${T} ${SVC}`,
        `flush chain ${T} ${SVC}`,
        `flush chain ${T} ${EP4}`,
        `add rule ${T} ${SVC} ip daddr 10.0.0.252 ip saddr != 10.1.0.0/16 jump mark-for-masquerade`,
        `add rule ${T} ${SVC} numgen random mod 2 vmap { 0 : goto endpoint-YZSKHQER-default/nginx-service/tcp/__10.1.13.2/80 , 1 : goto endpoint-MLH6KRKJ-default/nginx-service/tcp/__10.1.13.3/80 }`,
      ],
    },
    {
      name: "the service lost all endpoints: dispatch element swapped for a reject",
      next: stateWith(makeNginxService(), []),
      want: [
        `flush chain ${T} ${SVC}`,
        `flush chain ${T} endpoint-YZSKHQER-default/nginx-service/tcp/__10.1.13.2/80`,
        `flush chain ${T} endpoint-MLH6KRKJ-default/nginx-service/tcp/__10.1.13.3/80`,
        `flush chain ${T} ${EP4}`,
        `delete element ${T} service-ips { 10.0.0.252 . tcp . 8000 }`,
        `add element ${T} no-endpoint-services { 10.0.0.252 . tcp . 8000 comment "default/nginx-service" : goto reject-chain }`,
      ],
    },
    {
      name: "the service is deleted: its elements go, its chains are flushed",
      next: stateWith(undefined, []),
      want: [
        `flush chain ${T} ${SVC}`,
        `flush chain ${T} endpoint-YZSKHQER-default/nginx-service/tcp/__10.1.13.2/80`,
        `flush chain ${T} endpoint-MLH6KRKJ-default/nginx-service/tcp/__10.1.13.3/80`,
        `flush chain ${T} ${EP4}`,
        `delete element ${T} cluster-ips { 10.0.0.252 }`,
        `delete element ${T} service-ips { 10.0.0.252 . tcp . 8000 }`,
      ],
    },
    {
      name: "a NodePort is added: one new chain and one element",
      next: stateWith(makeNginxService((s) => (s.nodePort = 30802)), makeNginxEndpoints()),
      want: [
        `add chain ${T} external-UOJBH74F-default/nginx-service/tcp/`,
        `flush chain ${T} external-UOJBH74F-default/nginx-service/tcp/`,
        `add rule ${T} external-UOJBH74F-default/nginx-service/tcp/ jump mark-for-masquerade`,
        `add rule ${T} external-UOJBH74F-default/nginx-service/tcp/ goto ${SVC}`,
        `add element ${T} service-nodeports { tcp . 30802 : goto external-UOJBH74F-default/nginx-service/tcp/ }`,
      ],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const store = new NftRuleStore();
      store.full(stateWith(makeNginxService(), makeNginxEndpoints()), config);
      const tx = store.partial(c.next, config, changed, 1000);
      assert.deepEqual(tx.text.split("\n").filter((l) => l !== ""), c.want);
      assert.ok(!tx.text.includes("bulk/"), "unchanged services are not written");
    });
  }
});

test("stale chains are deleted only after a second, once", () => {
  const store = new NftRuleStore();
  store.full(stateWith(makeNginxService(), makeNginxEndpoints()), config);
  store.partial(stateWith(makeNginxService(), makeNginxEndpoints().slice(0, 2)), config, changed, 10_000);
  assert.deepEqual(store.deleteStaleChains(10_500).chains, []);
  assert.deepEqual(store.deleteStaleChains(11_000), { text: `delete chain ${T} ${EP4}\n`, chains: [EP4] });
  assert.deepEqual(store.deleteStaleChains(20_000).chains, []);
});

test("a chain that comes back before its deletion is re-created, not deleted", () => {
  const store = new NftRuleStore();
  store.full(stateWith(makeNginxService(), makeNginxEndpoints()), config);
  store.partial(stateWith(makeNginxService(), makeNginxEndpoints().slice(0, 2)), config, changed, 10_000);
  const back = store.partial(stateWith(makeNginxService(), makeNginxEndpoints()), config, changed, 10_200);
  assert.ok(back.text.includes(`add chain ${T} ${EP4}\nflush chain ${T} ${EP4}\n`));
  assert.deepEqual(store.deleteStaleChains(20_000).chains, []);
});

test("a changed affinity timeout re-creates the sets and every chain naming them", () => {
  const store = new NftRuleStore();
  store.full(stateWith(makeNginxService((s) => (s.stickySeconds = 10800)), makeNginxEndpoints()), config);
  const tx = store.partial(stateWith(makeNginxService((s) => (s.stickySeconds = 60)), makeNginxEndpoints()), config, changed, 0);
  const lines = tx.text.split("\n");
  const firstDelete = lines.findIndex((l) => l.startsWith("delete set"));
  const lastFlush = lines.map((l) => l.startsWith("flush chain")).lastIndexOf(true);
  assert.ok(firstDelete > lastFlush, "sets are deleted after the chains using them are flushed");
  assert.equal(lines.filter((l) => l.startsWith("delete set")).length, 3);
  assert.equal(lines.filter((l) => l.includes("timeout 60s")).length, 3);
  assert.equal(tx.stats.chainsWritten, 4);
});

test("two ports of one service share the cluster-ips element; it goes only with the last", () => {
  const http = makeNginxService((s) => (s.name.port = "http"));
  const https = makeNginxService((s) => ((s.name.port = "https"), (s.port = 8443)));
  const store = new NftRuleStore();
  store.full(makeProxyState([{ service: http, endpoints: makeNginxEndpoints() }, { service: https, endpoints: makeNginxEndpoints() }]), config);
  const oneLeft = store.partial(makeProxyState([{ service: http, endpoints: makeNginxEndpoints() }]), config, changed, 0);
  assert.ok(!oneLeft.text.includes("cluster-ips"), oneLeft.text);
  const none = store.partial(makeProxyState([]), config, changed, 0);
  assert.ok(none.text.includes(`delete element ${T} cluster-ips { 10.0.0.252 }`));
});

test("a partial sync's size does not grow with the number of services", () => {
  const sizes = [10, 1000].map((n) => {
    const store = new NftRuleStore();
    store.full(stateWith(makeNginxService(), makeNginxEndpoints(), others(n)), config);
    return store.partial(stateWith(makeNginxService(), makeNginxEndpoints().slice(1), others(n)), config, changed, 0).text.length;
  });
  assert.equal(sizes[0], sizes[1]);
});

test("partial before full is refused; noLocalEndpoints totals follow partial syncs", () => {
  const store = new NftRuleStore();
  assert.throws(() => store.partial(makeProxyState([]), config, changed, 0), /before a full sync/);
  const full = store.full(stateWith(makeNginxService(), makeNginxEndpoints()), config);
  assert.deepEqual(full.stats.noLocalEndpoints, { internal: 0, external: 0 });
  const tx = store.partial(stateWith(makeNginxService((s) => (s.internalPolicyLocal = true)), makeNginxEndpoints("node-z")), config, changed, 0);
  assert.deepEqual(tx.stats.noLocalEndpoints, { internal: 1, external: 0 });
});
