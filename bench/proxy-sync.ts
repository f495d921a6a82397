// The iptables proxier's sync cost (issue 5's figures), measured against the real kernel in a
// network namespace of its own: for S services × 10 endpoints, a cold full sync split into rule
// generation and iptables-restore, a warm full sync, and a partial sync after one endpoint
// change; rule bytes and counts. Ratios are against the limits the issue sets: generation ≤ 10 %
// of restore time, partial sync ≤ 100 ms — and the two iptables backends side by side: the
// nf_tables build (Debian's default `iptables`) and the legacy x_tables build. iptables 1.8.9's
// nf_tables restore with --noflush grows quadratically with the number of chains, so it is run
// only up to --nft-max services (default 2000). Beside them, in the same run, the nftables
// proxier (kube-proxy's nftables mode): a cold full sync (transactions of 500 services, as the
// proxier builds a table that does not exist yet), a partial sync after one endpoint change, and — up to --nftables-warm-max services (default 2000) — a
// warm full sync (one transaction replacing the table); the ratio is against issue 9's aim,
// nftables partial sync ≤ 50 ms at 10k.
// Needs root.
// --nftables-only skips the iptables measurements.
// Run: node dist/bench/proxy-sync.js [--services 1000,2000,10000] [--nft-max 2000] [--nftables-warm-max 2000] [--nftables-only]
// (PROXY_SYNC_DUMP=/tmp/x also writes the deletion transaction to /tmp/x-delete-N.nft.)

import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import type { IptablesBackend } from "../src/proxy/iptables/iptables-commands.js";
import { ExecIptables } from "../src/proxy/iptables/iptables-commands.js";
import { SHARED_CHAINS } from "../src/proxy/iptables/iptables-proxier.js";
import { generateModernRules } from "../src/proxy/iptables/modern-rules.js";
import { chainNamesOf, ensureJumpRules, perServiceChains } from "../src/proxy/iptables/netfilter-setup.js";
import { chainTexts, omitUnchangedChains } from "../src/proxy/iptables/restore-delta.js";
import type { ModernRulesCache } from "../src/proxy/iptables/rules-result.js";
import { wholeTableRestore } from "../src/proxy/iptables/whole-table-restore.js";
import { makeEndpoint, makeNodeAConfig, makeServicePort } from "../src/proxy/iptables/testdata/nginx-fixtures.js";
import { ExecNft } from "../src/proxy/nftables/nft-commands.js";
import { NftRuleStore } from "../src/proxy/nftables/nft-rule-store.js";
import { servicePortKey } from "../src/proxy/service-port-name.js";
import type { EndpointInfo, ProxyState, ServicePortInfo } from "../src/proxy/types.js";

const ENDPOINTS_PER_SERVICE = 10;
const flag = process.argv.indexOf("--services");
const SIZES = (flag > 0 ? process.argv[flag + 1] : "1000,2000,10000").split(",").map(Number).filter((n) => n > 0 && n <= 20_000);
const nftFlag = process.argv.indexOf("--nft-max");
const NFT_MAX = nftFlag > 0 ? Number(process.argv[nftFlag + 1]) : 2000;
const warmFlag = process.argv.indexOf("--nftables-warm-max");
const NFTABLES_WARM_MAX = warmFlag > 0 ? Number(process.argv[warmFlag + 1]) : 2000;
const NFTABLES_ONLY = process.argv.includes("--nftables-only");

// node-a with the ClusterCIDR detector on 10.1.0.0/16, at the sandbox's first node IP (core-v2-01).
const config = makeNodeAConfig({ nodeIPs: ["172.17.8.101"] });

function serviceState(services: number): { services: Map<string, ServicePortInfo>; endpoints: Map<string, EndpointInfo[]> } {
  const svcs = new Map<string, ServicePortInfo>();
  const eps = new Map<string, EndpointInfo[]>();
  for (let i = 0; i < services; i++) {
    const info = makeServicePort("bench", `svc-${i}`, (s) => {
      s.name.port = "http";
      s.clusterIP = `10.96.${(i >> 8) & 255}.${i & 255}`;
    });
    const key = servicePortKey(info.name);
    svcs.set(key, info);
    const list: EndpointInfo[] = [];
    for (let e = 0; e < ENDPOINTS_PER_SERVICE; e++) {
      const n = i * ENDPOINTS_PER_SERVICE + e;
      const ip = `10.${64 + ((n >> 16) & 63)}.${(n >> 8) & 255}.${n & 255}`;
      list.push(makeEndpoint(ip, 8080, e === 0 ? "node-a" : "node-b", config.nodeName));
    }
    list.sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
    eps.set(key, list);
  }
  return { services: svcs, endpoints: eps };
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/** How full syncs are written: kube-proxy's --noflush restore, or replacing the tables (the proxier's nf_tables fast path). */
type FullSyncMode = "noflush" | "whole-table";

interface SizeFigures {
  backend: IptablesBackend;
  mode: FullSyncMode;
  services: number;
  endpoints: number;
  bytes: number;
  natRules: number;
  natChains: number;
  coldGenerateMs: number;
  coldRestoreMs: number;
  warmGenerateMs: number;
  warmRestoreMs: number;
  partialGenerateMs: number;
  partialRestoreMs: number;
  partialBytes: number;
  staleScanMs: number;
}

async function measure(backend: IptablesBackend, mode: FullSyncMode, services: number): Promise<SizeFigures> {
  const netns = `svcnet-b${randomBytes(4).toString("hex")}-sync`;
  execFileSync("ip", ["netns", "add", netns]);
  try {
    const cmds = new ExecIptables({ netns, backend, timeoutMs: 300_000 });
    const fullRestore = (text: string): Promise<void> => (mode === "whole-table" ? cmds.restoreAll(wholeTableRestore(text, "modern")) : cmds.restore(text));
    if (mode === "noflush") await ensureJumpRules(cmds, "modern");
    const state = serviceState(services);
    const cold = timed(() => generateModernRules(state, config));
    const coldRestore = await timedAsync(() => fullRestore(cold.value.text));
    // A warm full sync: the same rules again, with the stale-chain scan a full sync does.
    const scan = await timedAsync(async () => perServiceChains(chainNamesOf(await cmds.save("nat"))));
    const cache: ModernRulesCache = { blocks: new Map() };
    const warm = timed(() => generateModernRules(state, config, { existingNatChains: scan.value, cache }));
    const warmRestore = await timedAsync(() => fullRestore(warm.value.text));
    // One endpoint of one service moves: a partial sync (large clusters skip the stale scan).
    const changed = moveOneEndpoint(state, services);
    // As the proxier does it: the cache replays unchanged services, unchanged shared chains are left out.
    const previous = chainTexts(warm.value.text, SHARED_CHAINS);
    const partial = timed(() => {
      const rules = generateModernRules(state as ProxyState, config, { changedServices: changed, cache });
      return { rules, text: omitUnchangedChains(rules.text, previous, SHARED_CHAINS).text };
    });
    const partialRestore = await timedAsync(() => cmds.restore(partial.value.text));
    const check = await cmds.save("nat");
    if (!check.includes("10.127.255.254:8080")) throw new Error("the partial sync did not reach the kernel");
    return {
      backend,
      mode,
      services,
      endpoints: services * ENDPOINTS_PER_SERVICE,
      bytes: cold.value.text.length,
      natRules: cold.value.natRules,
      natChains: cold.value.activeNatChains.size,
      coldGenerateMs: cold.ms,
      coldRestoreMs: coldRestore.ms,
      warmGenerateMs: warm.ms,
      warmRestoreMs: warmRestore.ms,
      partialGenerateMs: partial.ms,
      partialRestoreMs: partialRestore.ms,
      partialBytes: partial.value.text.length,
      staleScanMs: scan.ms,
    };
  } finally {
    execFileSync("ip", ["netns", "del", netns]);
  }
}

interface NftablesFigures {
  services: number;
  bytes: number;
  chains: number;
  coldGenerateMs: number;
  coldRunMs: number;
  /** Undefined above --nftables-warm-max (replacing a large table takes minutes). */
  warmMs?: number;
  partialGenerateMs: number;
  partialRunMs: number;
  partialBytes: number;
  /** A partial sync after one service was deleted (its elements and chains go). */
  deleteGenerateMs: number;
  deleteRunMs: number;
  /** The later cleanup that deletes the elements and chains left behind (at most every 30 s at this size). */
  cleanupRunMs: number;
  /** Partial syncs turning ClientIP affinity on for one service (sets made, chains rewritten), then off again (sets left to the cleanup). */
  affinityOnRunMs: number;
  affinityOffRunMs: number;
}

/**
 * Moves the first endpoint of the middle service to 10.127.255.254 (the change both modes'
 * partial syncs are timed on) and returns the changed service's name as the trackers give it.
 */
function moveOneEndpoint(state: ReturnType<typeof serviceState>, services: number): Set<string> {
  const key = [...state.services.keys()][Math.floor(services / 2)];
  const list = [...(state.endpoints.get(key) ?? [])];
  list[0] = { ...list[0], ip: "10.127.255.254", endpoint: "10.127.255.254:8080" };
  list.sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
  state.endpoints.set(key, list);
  return new Set([`bench/${state.services.get(key)?.name.name ?? ""}`]);
}

/** The nftables proxier's syncs for `services` services in a namespace of their own. */
async function measureNftables(services: number): Promise<NftablesFigures> {
  const netns = `svcnet-b${randomBytes(4).toString("hex")}-nft`;
  execFileSync("ip", ["netns", "add", netns]);
  try {
    const nft = new ExecNft({ netns, timeoutMs: 1_800_000 });
    const state = serviceState(services);
    const store = new NftRuleStore();
    const cold = timed(() => store.full(state, config));
    // As the proxier builds a table that does not exist yet: in parts of whole services.
    const coldRun = await timedAsync(async () => {
      for (const part of cold.value.coldParts ?? [cold.value.text]) await nft.run(part);
    });
    let warmMs: number | undefined;
    if (services <= NFTABLES_WARM_MAX) warmMs = (await timedAsync(() => nft.run(store.full(state, config).text))).ms;
    // One endpoint of one service moves, as in the iptables measurement.
    const changed = moveOneEndpoint(state, services);
    const partial = timed(() => store.partial(state, config, changed, Date.now()));
    const partialRun = await timedAsync(() => nft.run(partial.value.text));
    const check = execFileSync("ip", ["netns", "exec", netns, "nft", "list", "chain", "ip", "kube-proxy", partial.value.text.match(/add chain ip kube-proxy (endpoint-\S+10\.127\.255\.254\S*)/)?.[1] ?? "missing"], { encoding: "utf8" });
    if (!check.includes("dnat to 10.127.255.254:8080")) throw new Error("the nftables partial sync did not reach the kernel");
    // One service is deleted: its map elements and chains go in the same kind of sync.
    const gone = [...state.services.keys()][Math.floor(services / 3)];
    const goneName = `bench/${state.services.get(gone)?.name.name ?? ""}`;
    state.services.delete(gone);
    state.endpoints.delete(gone);
    // As the proxier does above 1,000 endpoints: gone elements are left to the cleanup.
    const deletion = timed(() => store.partial(state, config, new Set([goneName]), Date.now(), { deferGone: true }));
    const deletionRun = await timedAsync(() => nft.run(deletion.value.text));
    if (process.env.PROXY_SYNC_DUMP) writeFileSync(`${process.env.PROXY_SYNC_DUMP}-delete-${services}.nft`, deletion.value.text);
    // The cleanup the proxier runs after a later sync: the deleted service's elements and the chains they do not name.
    const cleanup = store.deleteStaleChains(Date.now() + 60_000);
    const cleanupRun = await timedAsync(() => nft.run(cleanup.text));
    // ClientIP affinity on for one service, then off again (as the proxier above 1,000 endpoints).
    const stickyKey = [...state.services.keys()][Math.floor(services / 4)];
    const plain = state.services.get(stickyKey) as ServicePortInfo;
    const stickyName = new Set([`bench/${plain.name.name}`]);
    state.services.set(stickyKey, { ...plain, stickySeconds: 10800 });
    const affinityOn = await timedAsync(() => nft.run(store.partial(state, config, stickyName, Date.now(), { deferGone: true }).text));
    state.services.set(stickyKey, plain);
    const off = store.partial(state, config, stickyName, Date.now(), { deferGone: true });
    if (off.text.includes("delete set")) throw new Error("turning affinity off deleted sets in the sync");
    const affinityOff = await timedAsync(() => nft.run(off.text));
    return {
      services,
      bytes: cold.value.text.length,
      chains: cold.value.stats.serviceChains,
      coldGenerateMs: cold.ms,
      coldRunMs: coldRun.ms,
      warmMs,
      partialGenerateMs: partial.ms,
      partialRunMs: partialRun.ms,
      partialBytes: partial.value.text.length,
      deleteGenerateMs: deletion.ms,
      deleteRunMs: deletionRun.ms,
      cleanupRunMs: cleanupRun.ms,
      affinityOnRunMs: affinityOn.ms,
      affinityOffRunMs: affinityOff.ms,
    };
  } finally {
    execFileSync("ip", ["netns", "del", netns]);
  }
}

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("proxy-sync needs root (it programs iptables in its own network namespace)");
  const version = execFileSync("iptables", ["--version"], { encoding: "utf8" }).trim();
  console.log(`iptables proxier sync cost, ${ENDPOINTS_PER_SERVICE} endpoints per service (${version}), real kernel in a private namespace`);
  const results: SizeFigures[] = [];
  const nftables: NftablesFigures[] = [];
  for (const size of SIZES) {
    if (!NFTABLES_ONLY) {
      if (size <= NFT_MAX) results.push(await measure("nft", "noflush", size));
      results.push(await measure("nft", "whole-table", size));
      results.push(await measure("legacy", "noflush", size));
    }
    nftables.push(await measureNftables(size));
  }
  const rows: [string, (f: SizeFigures) => string][] = [
    ["rules (nat -A lines)", (f) => f.natRules.toLocaleString("en-US")],
    ["per-service chains", (f) => f.natChains.toLocaleString("en-US")],
    ["restore input (MiB)", (f) => (f.bytes / 1048576).toFixed(2)],
    ["cold full sync: generate ms", (f) => fmt(f.coldGenerateMs)],
    ["cold full sync: restore ms", (f) => fmt(f.coldRestoreMs)],
    ["  generate / restore (aim ≤ 0.10)", (f) => (f.coldGenerateMs / f.coldRestoreMs).toFixed(3)],
    ["warm full sync: stale scan ms", (f) => fmt(f.staleScanMs)],
    ["warm full sync: generate ms", (f) => fmt(f.warmGenerateMs)],
    ["warm full sync: restore ms", (f) => fmt(f.warmRestoreMs)],
    ["  generate / restore (aim ≤ 0.10)", (f) => (f.warmGenerateMs / f.warmRestoreMs).toFixed(3)],
    ["partial sync (1 endpoint): generate ms", (f) => fmt(f.partialGenerateMs)],
    ["partial sync (1 endpoint): restore ms", (f) => fmt(f.partialRestoreMs)],
    ["partial sync input (KiB)", (f) => (f.partialBytes / 1024).toFixed(0)],
    ["  partial total / 100 ms aim", (f) => ((f.partialGenerateMs + f.partialRestoreMs) / 100).toFixed(2)],
  ];
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  if (results.length > 0) {
    console.log(`${"".padEnd(width)}${results.map((r) => `${r.services.toLocaleString("en-US")} ${r.backend}${r.mode === "whole-table" ? "+W" : ""}`.padStart(14)).join("")}`);
    for (const [label, get] of rows) console.log(`${label.padEnd(width)}${results.map((r) => get(r).padStart(14)).join("")}`);
  }
  for (const nft of results.filter((r) => r.backend === "nft")) {
    const legacy = results.find((r) => r.backend === "legacy" && r.services === nft.services);
    if (nft.mode === "whole-table") {
      if (legacy) console.log(`${nft.services.toLocaleString("en-US")} services, nft whole-table / legacy: cold restore ${(nft.coldRestoreMs / legacy.coldRestoreMs).toFixed(1)}×, partial restore ${(nft.partialRestoreMs / legacy.partialRestoreMs).toFixed(2)}×`);
      continue;
    }
    if (!legacy) continue;
    console.log(
      `${nft.services.toLocaleString("en-US")} services, nft / legacy: cold restore ${(nft.coldRestoreMs / legacy.coldRestoreMs).toFixed(1)}×, ` +
        `partial restore ${(nft.partialRestoreMs / legacy.partialRestoreMs).toFixed(1)}×`,
    );
  }
  const nftVersion = execFileSync("nft", ["--version"], { encoding: "utf8" }).trim();
  console.log(`\nnftables proxier (${nftVersion}; a cold table in transactions of 500 services, else one nft -f transaction per sync), same services and endpoints`);
  const nrows: [string, (f: NftablesFigures) => string][] = [
    ["per-service chains", (f) => f.chains.toLocaleString("en-US")],
    ["transaction (MiB)", (f) => (f.bytes / 1048576).toFixed(2)],
    ["cold full sync: generate ms", (f) => fmt(f.coldGenerateMs)],
    ["cold full sync: nft -f ms", (f) => fmt(f.coldRunMs)],
    ["warm full sync (replace table) ms", (f) => (f.warmMs === undefined ? "–" : fmt(f.warmMs))],
    ["partial sync (1 endpoint): generate ms", (f) => fmt(f.partialGenerateMs)],
    ["partial sync (1 endpoint): nft -f ms", (f) => fmt(f.partialRunMs)],
    ["partial transaction (bytes)", (f) => String(f.partialBytes)],
    ["  partial total / 50 ms aim", (f) => ((f.partialGenerateMs + f.partialRunMs) / 50).toFixed(2)],
    ["partial sync (1 service deleted): generate ms", (f) => fmt(f.deleteGenerateMs)],
    ["partial sync (1 service deleted): nft -f ms", (f) => fmt(f.deleteRunMs)],
    ["  deletion total / 50 ms aim", (f) => ((f.deleteGenerateMs + f.deleteRunMs) / 50).toFixed(2)],
    ["later cleanup (deleted elements, stale chains): nft -f ms", (f) => fmt(f.cleanupRunMs)],
    ["partial sync (affinity on, 1 service): nft -f ms", (f) => fmt(f.affinityOnRunMs)],
    ["partial sync (affinity off, 1 service): nft -f ms", (f) => fmt(f.affinityOffRunMs)],
  ];
  console.log(`${"".padEnd(width)}${nftables.map((r) => `${r.services.toLocaleString("en-US")} nftables`.padStart(16)).join("")}`);
  for (const [label, get] of nrows) console.log(`${label.padEnd(width)}${nftables.map((r) => get(r).padStart(16)).join("")}`);
  for (const n of NFTABLES_ONLY ? [] : nftables) {
    const legacy = results.find((r) => r.backend === "legacy" && r.services === n.services);
    const whole = results.find((r) => r.backend === "nft" && r.mode === "whole-table" && r.services === n.services);
    const parts = [legacy && `legacy iptables ${((n.partialGenerateMs + n.partialRunMs) / (legacy.partialGenerateMs + legacy.partialRestoreMs)).toFixed(2)}×`, whole && `iptables-nft ${((n.partialGenerateMs + n.partialRunMs) / (whole.partialGenerateMs + whole.partialRestoreMs)).toFixed(2)}×`].filter(Boolean);
    console.log(`${n.services.toLocaleString("en-US")} services, nftables partial sync vs ${parts.join(", ")}; cold full sync vs legacy ${legacy ? ((n.coldGenerateMs + n.coldRunMs) / (legacy.coldGenerateMs + legacy.coldRestoreMs)).toFixed(1) : "–"}×`);
  }
  console.log(JSON.stringify({ bench: "proxy-sync", endpointsPerService: ENDPOINTS_PER_SERVICE, results, nftables }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
