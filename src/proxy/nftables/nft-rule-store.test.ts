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
        // Rules as a chain block, not `add rule` lines: nft 1.0.6 then needs no chain cache.
        `add chain ${T} ${SVC} {`,
        `\tip daddr 10.0.0.252 ip saddr != 10.1.0.0/16 jump mark-for-masquerade`,
        `\tnumgen random mod 2 vmap { 0 : goto endpoint-YZSKHQER-default/nginx-service/tcp/__10.1.13.2/80 , 1 : goto endpoint-MLH6KRKJ-default/nginx-service/tcp/__10.1.13.3/80 }`,
        "}",
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
        // Elements added by re-declaring the map (as the full sync declares it), not `add element`.
        `add map ${T} no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; elements = { 10.0.0.252 . tcp . 8000 comment "default/nginx-service" : goto reject-chain } ; }`,
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
        `add chain ${T} external-UOJBH74F-default/nginx-service/tcp/ {`,
        "\tjump mark-for-masquerade",
        `\tgoto ${SVC}`,
        "}",
        `add map ${T} service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; elements = { tcp . 30802 : goto external-UOJBH74F-default/nginx-service/tcp/ } ; }`,
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

test("partial syncs write no `add rule` or `add element` (they make nft 1.0.6 dump every chain)", () => {
  const states = [stateWith(makeNginxService(), makeNginxEndpoints().slice(1)), stateWith(makeNginxService(), []), stateWith(makeNginxService((s) => (s.nodePort = 30802)), makeNginxEndpoints())];
  for (const next of states) {
    const store = new NftRuleStore();
    store.full(stateWith(makeNginxService(), makeNginxEndpoints()), config);
    const lines = store.partial(next, config, changed, 0).text.split("\n");
    assert.ok(lines.length > 1);
    assert.deepEqual(lines.filter((l) => l.startsWith("add rule") || l.startsWith("add element")), []);
  }
});

test("a rewritten chain re-declares the unchanged affinity sets it names (nft caches only declared sets)", () => {
  const sticky = makeNginxService((s) => (s.stickySeconds = 60));
  const store = new NftRuleStore();
  store.full(stateWith(sticky, makeNginxEndpoints()), config);
  store.partial(stateWith(sticky, makeNginxEndpoints().slice(0, 2)), config, changed, 0);
  const back = store.partial(stateWith(sticky, makeNginxEndpoints()), config, changed, 500).text.split("\n");
  const declared = back.filter((l) => l.startsWith("add set ")).map((l) => l.split(" ")[4]);
  assert.deepEqual(declared.sort(), [
    "affinity-4BWRJCQT-default/nginx-service/tcp/__10.1.13.4/80",
    "affinity-MLH6KRKJ-default/nginx-service/tcp/__10.1.13.3/80",
    "affinity-YZSKHQER-default/nginx-service/tcp/__10.1.13.2/80",
  ]);
  assert.ok(!back.some((l) => l.startsWith("delete ")), "nothing deleted: the sets are kept");
  const firstBlock = back.findIndex((l) => l.endsWith(" {"));
  assert.ok(back.findLastIndex((l) => l.startsWith("add set ")) < firstBlock, "declared before the rules naming them");
});

test("a cold full sync's parts hold whole service ports, in the shapes that need no chain cache", () => {
  const store = new NftRuleStore();
  const tx = store.full(stateWith(makeNginxService(), makeNginxEndpoints(), others(5)), config, 2);
  const parts = tx.coldParts ?? [];
  assert.equal(parts.length, 1 + 3, "the fixed part, then 6 service ports by 2");
  assert.match(parts[0] ?? "", /^add table ip kube-proxy/);
  assert.ok(!(parts[0] ?? "").includes("# "), "no service in the fixed part");
  for (const part of parts.slice(1)) {
    assert.equal(part.split("\n").filter((l) => l.startsWith("# ")).length, 2, part);
    assert.deepEqual(part.split("\n").filter((l) => l.startsWith("add rule") || l.startsWith("add element")), [], part);
  }
  // Every chain and element of the single transaction is in some part.
  const all = parts.join("");
  for (const line of tx.text.split("\n").filter((l) => l.startsWith("add chain "))) assert.ok(all.includes(`${line}\n`), line);
  for (const m of tx.text.matchAll(/^add element ip kube-proxy (\S+) \{ (.*) \}$/gm)) assert.ok(all.includes(m[2] ?? "?"), m[0]);
});

test("stale chains are deleted only after a second, once", () => {
  const store = new NftRuleStore();
  store.full(stateWith(makeNginxService(), makeNginxEndpoints()), config);
  store.partial(stateWith(makeNginxService(), makeNginxEndpoints().slice(0, 2)), config, changed, 10_000);
  assert.deepEqual(store.deleteStaleChains(10_500).chains, []);
  assert.deepEqual(store.deleteStaleChains(11_000), { text: `delete chain ${T} ${EP4}\n`, chains: [EP4], elements: 0, sets: 0 });
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

test("deferred (large clusters): a deleted service's elements go in the cleanup, before the chains they name, which wait for the next one", () => {
  const store = new NftRuleStore();
  store.full(stateWith(makeNginxService(), makeNginxEndpoints()), config);
  const tx = store.partial(stateWith(undefined, []), config, changed, 10_000, { deferGone: true });
  assert.ok(!tx.text.includes("delete element"), "gone elements linger until the cleanup");
  assert.equal(store.lingeringElements, 2);
  const first = store.deleteStaleChains(11_000);
  assert.deepEqual(first.text.split("\n").filter((l) => l !== ""), [
    `delete element ${T} cluster-ips { 10.0.0.252 }`,
    `delete element ${T} service-ips { 10.0.0.252 . tcp . 8000 }`,
    `delete chain ${T} ${EP4}`,
    `delete chain ${T} endpoint-MLH6KRKJ-default/nginx-service/tcp/__10.1.13.3/80`,
    `delete chain ${T} endpoint-YZSKHQER-default/nginx-service/tcp/__10.1.13.2/80`,
  ]);
  assert.equal(first.elements, 2);
  assert.equal(store.lingeringElements, 0);
  // The service chain was named by the element just deleted: it goes a second later.
  assert.deepEqual(store.deleteStaleChains(11_500).chains, []);
  assert.deepEqual(store.deleteStaleChains(12_000).chains, [SVC]);
});

test("deferred: a lingering element whose key is taken again is deleted in that sync, before the new one is added", () => {
  const store = new NftRuleStore();
  store.full(stateWith(makeNginxService(), makeNginxEndpoints()), config);
  store.partial(stateWith(undefined, []), config, changed, 0, { deferGone: true });
  // Another service gets the same ClusterIP and port before the cleanup ran.
  const again = makeNginxService((s) => (s.name.name = "nginx-again"));
  const tx = store.partial(stateWith(again, makeNginxEndpoints()), config, new Set(["default/nginx-again"]), 500, { deferGone: true });
  const lines = tx.text.split("\n");
  const del = lines.indexOf(`delete element ${T} service-ips { 10.0.0.252 . tcp . 8000 }`);
  const add = lines.findIndex((l) => l.startsWith(`add map ${T} service-ips`));
  assert.ok(del >= 0 && add > del, tx.text);
  assert.ok(lines.includes(`delete element ${T} cluster-ips { 10.0.0.252 }`), "the set element too");
  assert.equal(store.lingeringElements, 0);
  assert.ok(!store.deleteStaleChains(10_000).text.includes("delete element"), "nothing left to delete twice");
});

test("deferred: affinity turned off leaves the sets to the cleanup, after the chains", () => {
  const store = new NftRuleStore();
  const sticky = makeNginxService((s) => (s.stickySeconds = 10800));
  store.full(stateWith(sticky, makeNginxEndpoints()), config);
  const off = store.partial(stateWith(makeNginxService(), makeNginxEndpoints()), config, changed, 0, { deferGone: true });
  assert.ok(!off.text.includes("delete set"), off.text);
  assert.ok(!off.text.includes("@affinity-"), "no rewritten chain names a set any more");
  assert.equal(store.lingeringSets, 3);
  const cleanup = store.deleteStaleChains(1000);
  const lines = cleanup.text.split("\n").filter((l) => l !== "");
  assert.equal(cleanup.sets, 3);
  assert.deepEqual(lines.map((l) => l.split(" ").slice(0, 2).join(" ")), ["delete set", "delete set", "delete set"]);
  assert.equal(store.lingeringSets, 0);
});

test("deferred: affinity back on before the cleanup takes the sets back; a new timeout re-creates them", () => {
  const store = new NftRuleStore();
  store.full(stateWith(makeNginxService((s) => (s.stickySeconds = 10800)), makeNginxEndpoints()), config);
  store.partial(stateWith(makeNginxService(), makeNginxEndpoints()), config, changed, 0, { deferGone: true });
  const back = store.partial(stateWith(makeNginxService((s) => (s.stickySeconds = 10800)), makeNginxEndpoints()), config, changed, 100, { deferGone: true });
  assert.ok(!back.text.includes("delete set"), back.text);
  assert.equal(back.text.split("\n").filter((l) => l.startsWith("add set")).length, 3, "re-declared for the chain blocks naming them");
  assert.equal(store.lingeringSets, 0);
  assert.equal(store.deleteStaleChains(5000).sets, 0);

  store.partial(stateWith(makeNginxService(), makeNginxEndpoints()), config, changed, 6000, { deferGone: true });
  const shorter = store.partial(stateWith(makeNginxService((s) => (s.stickySeconds = 60)), makeNginxEndpoints()), config, changed, 6100, { deferGone: true });
  const lines = shorter.text.split("\n");
  assert.equal(lines.filter((l) => l.startsWith("delete set")).length, 3, shorter.text);
  assert.equal(lines.filter((l) => l.startsWith("add set") && l.includes("timeout 60s")).length, 3);
  assert.equal(store.lingeringSets, 0);
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
