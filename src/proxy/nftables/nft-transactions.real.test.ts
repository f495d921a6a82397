// The generated transactions against the real nft (as root, in a namespace of their own): a full
// sync loads, and after every partial sync (plus the delayed stale-chain deletion) the kernel's
// table equals the one a fresh full sync of the same state builds in a second namespace. Read
// back with `nft -j list table ip kube-proxy`, normalised (handles dropped, chains by name,
// elements sorted). A partial sync's chain blocks and set/map re-declarations give the same table
// as the same transaction written with `add rule` / `add element` (compared as `nft list table`
// text). The namespaces are removed even when a test fails.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ExecIpRunner } from "../../sandbox/ip-runner.js";
import { makeEndpoint, makeNginxEndpoints, makeNginxService, makeNodeAConfig, makeProxyState, makeServicePort } from "../iptables/testdata/nginx-fixtures.js";
import type { EndpointInfo, ProxyState, ServicePortInfo } from "../types.js";
import { ExecNft, cleanupNftables } from "./nft-commands.js";
import { NftRuleStore, generateNftablesRules } from "./nft-rule-store.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to create network namespaces (CI runs as root)";

/** The table as comparable text: no handles, chains sorted by name with their rules, elements sorted. */
function normalise(json: string): string {
  const doc = JSON.parse(json) as { nftables: Record<string, Record<string, unknown>>[] };
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "handle").map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  const chains = new Map<string, string[]>();
  const others: string[] = [];
  for (const item of doc.nftables) {
    const [kind, body] = Object.entries(item)[0] as [string, Record<string, unknown>];
    if (kind === "metainfo") continue;
    if (kind === "chain") chains.set(body["name"] as string, [JSON.stringify(strip(body)), ...(chains.get(body["name"] as string) ?? [])]);
    else if (kind === "rule") chains.set(body["chain"] as string, [...(chains.get(body["chain"] as string) ?? []), JSON.stringify(strip(body["expr"]))]);
    else if (kind === "set" || kind === "map") {
      const elem = ((body["elem"] as unknown[] | undefined) ?? []).map((e) => JSON.stringify(strip(e))).sort();
      others.push(`${kind} ${JSON.stringify(strip({ ...body, elem: undefined }))} ${elem.join(" ")}`);
    } else others.push(`${kind} ${JSON.stringify(strip(body))}`);
  }
  return [...others.sort(), ...[...chains.keys()].sort().map((name) => `chain ${name}\n  ${(chains.get(name) ?? []).join("\n  ")}`)].join("\n");
}

/**
 * The same transaction with its chain blocks as `add rule` lines and its set/map re-declarations
 * as `add element` lines: the shape partial syncs had before they avoided nft's chain cache.
 */
function asRuleAndElementLines(text: string): string {
  const out: string[] = [];
  let chain: string | undefined;
  for (const line of text.split("\n")) {
    if (chain !== undefined) {
      if (line === "}") chain = undefined;
      else out.push(`add rule ${chain} ${line.trim()}`);
      continue;
    }
    const block = /^add chain (ip kube-proxy \S+) \{$/.exec(line);
    if (block) {
      chain = block[1];
      continue;
    }
    const declared = /^add (?:set|map) (ip kube-proxy \S+) \{ .* elements = \{ (.*) \} ; \}$/.exec(line);
    out.push(declared ? `add element ${declared[1]} { ${declared[2]} }` : line);
  }
  return out.join("\n");
}

const config = makeNodeAConfig({ serviceCIDRs: ["10.0.0.0/24"] });
const bulk = (n: number, eps = 2): { service: ServicePortInfo; endpoints: EndpointInfo[] }[] =>
  Array.from({ length: n }, (_, i) => ({
    service: makeServicePort("bulk", `svc-${i}`, (s) => ((s.clusterIP = `10.0.0.${100 + i}`), (s.nodePort = i % 2 === 0 ? 31000 + i : 0))),
    endpoints: Array.from({ length: eps }, (_, j) => makeEndpoint(`10.1.${20 + j}.${i + 1}`, 80, j === 0 ? "node-a" : "node-b", "node-a")),
  }));
const lb = (s: ServicePortInfo): void => {
  s.nodePort = 30802;
  s.loadBalancerVIPs = ["203.0.113.10"];
  s.loadBalancerSourceRanges = ["198.51.100.0/24"];
};

/** The states walked through, each with the services that changed since the one before. */
const steps: { name: string; state: ProxyState; changed: string[] }[] = [
  { name: "start", state: makeProxyState([{ service: makeNginxService(), endpoints: makeNginxEndpoints() }, ...bulk(5)]), changed: [] },
  { name: "an endpoint leaves", state: makeProxyState([{ service: makeNginxService(), endpoints: makeNginxEndpoints().slice(1) }, ...bulk(5)]), changed: ["default/nginx-service"] },
  { name: "session affinity on", state: makeProxyState([{ service: makeNginxService((s) => (s.stickySeconds = 10800)), endpoints: makeNginxEndpoints() }, ...bulk(5)]), changed: ["default/nginx-service"] },
  { name: "affinity timeout changes", state: makeProxyState([{ service: makeNginxService((s) => (s.stickySeconds = 60)), endpoints: makeNginxEndpoints() }, ...bulk(5)]), changed: ["default/nginx-service"] },
  {
    name: "an endpoint leaves, affinity kept",
    state: makeProxyState([{ service: makeNginxService((s) => (s.stickySeconds = 60)), endpoints: makeNginxEndpoints().slice(1) }, ...bulk(5)]),
    changed: ["default/nginx-service"],
  },
  {
    // Nothing deleted: the only transaction whose chain blocks name affinity sets nft has not cached.
    name: "the endpoint comes back, affinity kept",
    state: makeProxyState([{ service: makeNginxService((s) => (s.stickySeconds = 60)), endpoints: makeNginxEndpoints() }, ...bulk(5)]),
    changed: ["default/nginx-service"],
  },
  { name: "LoadBalancer with source ranges", state: makeProxyState([{ service: makeNginxService(lb), endpoints: makeNginxEndpoints() }, ...bulk(5)]), changed: ["default/nginx-service"] },
  {
    name: "externalTrafficPolicy Local, no local endpoint",
    state: makeProxyState([{ service: makeNginxService((s) => (lb(s), (s.externalPolicyLocal = true))), endpoints: makeNginxEndpoints("node-z") }, ...bulk(5)]),
    changed: ["default/nginx-service"],
  },
  { name: "no endpoints", state: makeProxyState([{ service: makeNginxService(lb), endpoints: [] }, ...bulk(5)]), changed: ["default/nginx-service"] },
  { name: "service deleted, another added, one scaled", state: makeProxyState([...bulk(4), ...bulk(7, 3).slice(4)]), changed: ["default/nginx-service", "bulk/svc-4", "bulk/svc-5", "bulk/svc-6"] },
  { name: "the first state again", state: makeProxyState([{ service: makeNginxService(), endpoints: makeNginxEndpoints() }, ...bulk(5)]), changed: ["default/nginx-service", "bulk/svc-4", "bulk/svc-5", "bulk/svc-6"] },
];

describe("nftables transactions against the real nft", { skip }, () => {
  const id = randomBytes(4).toString("hex");
  const incremental = `svcnet-t${id}-nft-inc`;
  const fresh = `svcnet-t${id}-nft-full`;
  const ip = new ExecIpRunner();
  const nftInc = new ExecNft({ netns: incremental });
  const nftFull = new ExecNft({ netns: fresh });
  const blocks = `svcnet-t${id}-nft-blk`;
  const lines = `svcnet-t${id}-nft-lin`;
  const nftBlocks = new ExecNft({ netns: blocks });
  const nftLines = new ExecNft({ netns: lines });

  before(async () => {
    await ip.ip(["netns", "add", incremental]);
    await ip.ip(["netns", "add", fresh]);
    await ip.ip(["netns", "add", blocks]);
    await ip.ip(["netns", "add", lines]);
  });
  after(async () => {
    await ip.ip(["netns", "del", incremental]).catch(() => undefined);
    await ip.ip(["netns", "del", fresh]).catch(() => undefined);
    await ip.ip(["netns", "del", blocks]).catch(() => undefined);
    await ip.ip(["netns", "del", lines]).catch(() => undefined);
  });

  const listJSON = async (netns: string): Promise<string> => {
    const { execFile } = await import("node:child_process");
    return new Promise((resolve, reject) =>
      execFile("ip", ["netns", "exec", netns, "nft", "-j", "list", "table", "ip", "kube-proxy"], (err, out) => (err ? reject(err) : resolve(String(out)))),
    );
  };

  it("after each partial sync the table equals a fresh full sync of the same state (gone elements deleted at once, or deferred as in large clusters)", async () => {
    for (const deferGone of [false, true]) {
      const store = new NftRuleStore();
      let now = 0;
      for (const [i, step] of steps.entries()) {
        if (i === 0) await nftInc.run(store.full(step.state, config).text);
        else {
          now += 2000;
          const stale = store.deleteStaleChains(now);
          if (stale.text) await nftInc.run(stale.text);
          const tx = store.partial(step.state, config, new Set(step.changed), now, { deferGone });
          if (tx.text) await nftInc.run(tx.text).catch((e: unknown) => assert.fail(`${step.name}: ${String(e)}\n${tx.text}`));
          assert.ok(!tx.text.includes("bulk/svc-0/"), `${step.name}: an unchanged service is not written`);
          // What this step left behind (flushed chains, gone elements, then the chains those named)
          // goes in the cleanups that follow; compare after them, as the kernel ends up.
          for (let at = now + 1000; ; at += 1000) {
            const later = store.deleteStaleChains(at);
            if (!later.text) break;
            await nftInc.run(later.text).catch((e: unknown) => assert.fail(`${step.name} (cleanup): ${String(e)}\n${later.text}`));
          }
        }
        await nftFull.run(generateNftablesRules(step.state, config).text);
        assert.equal(normalise(await listJSON(incremental)), normalise(await listJSON(fresh)), `${step.name}${deferGone ? " (deferred)" : ""}`);
      }
    }
  });

  it("deferred: affinity off and on again before the cleanup leaves the table a fresh sync writes", async () => {
    const sticky = makeProxyState([{ service: makeNginxService((s) => (s.stickySeconds = 10800)), endpoints: makeNginxEndpoints() }, ...bulk(2)]);
    const plain = makeProxyState([{ service: makeNginxService(), endpoints: makeNginxEndpoints() }, ...bulk(2)]);
    const store = new NftRuleStore();
    const changed = new Set(["default/nginx-service"]);
    await cleanupNftables(nftInc);
    await nftInc.run(store.full(sticky, config).text);
    await nftInc.run(store.partial(plain, config, changed, 0, { deferGone: true }).text);
    await nftInc.run(store.partial(sticky, config, changed, 100, { deferGone: true }).text);
    await nftInc.run(store.partial(plain, config, changed, 200, { deferGone: true }).text);
    assert.equal(store.lingeringSets, 3);
    const cleanup = store.deleteStaleChains(5000);
    assert.equal(cleanup.sets, 3);
    if (cleanup.text) await nftInc.run(cleanup.text);
    await nftFull.run(generateNftablesRules(plain, config).text);
    assert.equal(normalise(await listJSON(incremental)), normalise(await listJSON(fresh)));
  });

  it("chain blocks and set/map re-declarations give the table `add rule` / `add element` give", async () => {
    const store = new NftRuleStore();
    let now = 0;
    let partialsWithBlocks = 0;
    for (const [i, step] of steps.entries()) {
      if (i === 0) {
        const text = store.full(step.state, config).text;
        await nftBlocks.run(text);
        await nftLines.run(text);
      } else {
        now += 2000;
        const stale = store.deleteStaleChains(now);
        const tx = store.partial(step.state, config, new Set(step.changed), now);
        for (const text of [stale.text, tx.text]) {
          if (!text) continue;
          const old = asRuleAndElementLines(text);
          if (old !== text) partialsWithBlocks++;
          await nftBlocks.run(text).catch((e: unknown) => assert.fail(`${step.name}: ${String(e)}\n${text}`));
          await nftLines.run(old).catch((e: unknown) => assert.fail(`${step.name} (add rule/add element): ${String(e)}\n${old}`));
        }
      }
      assert.equal(await nftBlocks.listTable(), await nftLines.listTable(), step.name);
    }
    assert.ok(partialsWithBlocks >= steps.length - 1, "every partial sync used the block shapes");
  });

  it("a table built from nothing in parts equals the one-transaction table", async (t) => {
    for (const step of [steps[2], steps[7], steps[9]] as (typeof steps)[number][]) {
      await t.test(step.name, async () => {
        await cleanupNftables(nftBlocks);
        await cleanupNftables(nftLines);
        const tx = new NftRuleStore().full(step.state, config, 2);
        const parts = tx.coldParts ?? [];
        assert.ok(parts.length >= 3, `${parts.length} parts`);
        for (const part of parts) await nftBlocks.run(part).catch((e: unknown) => assert.fail(`${String(e)}\n${part}`));
        await nftLines.run(tx.text);
        assert.equal(await nftBlocks.listTable(), await nftLines.listTable());
      });
    }
  });

  it("cleanup deletes the table, and a second cleanup finds nothing to do", async () => {
    assert.equal(await nftInc.tableExists(), true);
    assert.equal(await cleanupNftables(nftInc), true);
    assert.equal(await nftInc.tableExists(), false);
    assert.equal(await cleanupNftables(nftInc), false);
  });

  it("a failed transaction changes nothing (nft applies all or none)", async () => {
    await nftFull.run(generateNftablesRules(steps[0]?.state as ProxyState, config).text);
    const before = await listJSON(fresh);
    await assert.rejects(nftFull.run("add element ip kube-proxy cluster-ips { 10.0.0.99 }\nadd rule ip kube-proxy no-such-chain accept\n"), /No such file or directory/);
    assert.equal(await listJSON(fresh), before);
  });
});
