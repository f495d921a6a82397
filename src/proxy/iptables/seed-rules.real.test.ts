// Loads the seed profile into a real kernel, inside a network namespace made for this test, and
// checks that `iptables -t nat -L -v -n` prints what the seed document shows. Also checks that
// our model agrees with the kernel: the parser reads the kernel's iptables-save, applyRestore
// predicts the chains a restore leaves, and the tracer gives the same answers on both.
// Needs root, `ip` and `iptables-restore`; skipped otherwise. Sends no traffic.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { generateSeedRules } from "./seed-rules.js";
import { jumpRuleArgs, jumpRules } from "./jump-rules.js";
import type { ParsedRuleset } from "./restore-parse.js";
import { applyRestore, parseRestore } from "./restore-parse.js";
import type { TraceBranch, TracePacket } from "../trace/packet-tracer.js";
import { tracePacket } from "../trace/packet-tracer.js";
import { makeNginxService, makeProxyState, makeRemoteEndpoint } from "./testdata/nginx-fixtures.js";
import type { NodeProxyConfig, ProxyState } from "../types.js";
import { defaultNodeProxyConfig } from "../types.js";

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${err}`))));
    if (input !== undefined) {
      child.stdin?.on("error", reject); // the command may exit before reading everything
      child.stdin?.end(input);
    }
  });
}

async function whyNotRunnable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "needs root (network namespaces and iptables)";
  for (const [cmd, args] of [["ip", ["-V"]], ["iptables-restore", ["--version"]], ["iptables", ["--version"]], ["iptables-save", ["--version"]]] as const) {
    try {
      await run(cmd, [...args]);
    } catch {
      return `\`${cmd}\` is not available`;
    }
  }
  return undefined;
}

const skip = await whyNotRunnable();

/** nginx-service with endpoints on the given IPs (default the three of the worked examples). */
function nginx(opts: { nodePort?: number; endpoints?: string[] } = {}): ProxyState {
  const service = makeNginxService((s) => (s.nodePort = opts.nodePort ?? 0));
  const endpoints = (opts.endpoints ?? ["10.1.13.2", "10.1.13.3", "10.1.13.4"]).map((ip) => makeRemoteEndpoint(ip, 80));
  return makeProxyState([{ service, endpoints }]);
}

const config: NodeProxyConfig = { ...defaultNodeProxyConfig, nodeName: "core-v2-01", nodeIPs: ["172.17.8.102"] };

/** `iptables -L` output as chain → its lines with runs of blanks collapsed (header line first). */
function chainBlocks(listing: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of listing.split("\n")) {
    const line = raw.trim().replace(/\s+/g, " ");
    if (line === "") {
      current = undefined;
    } else if (line.startsWith("Chain ")) {
      current = [line];
      blocks.set(line.split(" ")[1], current);
    } else current?.push(line);
  }
  return blocks;
}

/** iptables from 1.8.9 prints the prot column as a number; older builds print the name. */
function protColumn(numeric: boolean): (line: string) => string {
  const numbers: Record<string, string> = { all: "0", tcp: "6", udp: "17", sctp: "132" };
  return (line) => {
    const words = line.split(" ");
    if (!numeric || words.length < 4 || !/^\d+$/.test(words[0])) return line;
    words[3] = numbers[words[3]] ?? words[3];
    return words.join(" ");
  };
}

/** Where the branches end, sorted; probabilities compared to 1e-6 (the kernel keeps p in 31 bits). */
function assertSameOutcomes(got: TraceBranch[], want: [to: string, p: number, masq: boolean][], message: string): void {
  const shape = (bs: [string, number, boolean][]): [string, number, boolean][] => [...bs].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const g = shape(got.map((b) => [b.dnat ?? b.verdict, b.probability, b.masquerade]));
  const w = shape(want);
  assert.deepEqual(g.map(([to, , masq]) => [to, masq]), w.map(([to, , masq]) => [to, masq]), message);
  g.forEach(([to, p], i) => assert.ok(Math.abs(p - w[i][1]) < 1e-6, `${message}: ${to} p=${p}, want ${w[i][1]}`));
}

const asWant = (branches: TraceBranch[]): [string, number, boolean][] => branches.map((b) => [b.dnat ?? b.verdict, b.probability, b.masquerade]);

test("the seed's rules in a real kernel print as the seed shows them", { skip: skip ?? false }, async (t) => {
  const ns = `svcnet-t${randomBytes(4).toString("hex")}-seed`;
  const inNs = (cmd: string, args: string[], input?: string): Promise<string> => run("ip", ["netns", "exec", ns, cmd, ...args], input);
  await run("ip", ["netns", "add", ns]);
  try {
    const version = await inNs("iptables", ["--version"]);
    const [major, minor, patch] = (/v(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
    const numericProt = major > 1 || (major === 1 && (minor > 8 || (minor === 8 && patch >= 9)));
    const asPrinted = protColumn(numericProt);

    // What kube-proxy did before each restore: make its chains, then hook them in at position 1.
    for (const rule of jumpRules("seed")) {
      await inNs("iptables", ["-t", rule.table, "-N", rule.target]).catch(() => undefined); // may exist already
      await inNs("iptables", ["-t", rule.table, "-I", rule.chain, "1", ...jumpRuleArgs(rule)]);
    }

    const clusterIPOnly = generateSeedRules(nginx(), config);
    await inNs("iptables-restore", ["--noflush"], clusterIPOnly.text);
    const nat = chainBlocks(await inNs("iptables", ["-t", "nat", "-L", "-v", "-n"]));
    const header = "pkts bytes target prot opt in out source destination";

    await t.test("the prot column is printed as this iptables prints it", () => {
      const svcLine = nat.get("KUBE-SERVICES")?.[2] ?? "";
      assert.equal(svcLine.split(" ")[3], numericProt ? "6" : "tcp", `${version.trim()}: ${svcLine}`);
    });

    await t.test("§1.3 of the seed: PREROUTING, KUBE-SERVICES, KUBE-SVC, KUBE-SEP", () => {
      const want: Record<string, string[]> = {
        PREROUTING: [
          "Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)", header,
          "0 0 KUBE-SERVICES all -- * * 0.0.0.0/0 0.0.0.0/0 /* kubernetes service portals */",
        ],
        "KUBE-SERVICES": [
          "Chain KUBE-SERVICES (2 references)", header,
          "0 0 KUBE-SVC-GKN7Y2BSGW4NJTYL tcp -- * * 0.0.0.0/0 10.0.0.252 /* default/nginx-service: cluster IP */ tcp dpt:8000",
          "0 0 KUBE-NODEPORTS all -- * * 0.0.0.0/0 0.0.0.0/0 /* kubernetes service nodeports; NOTE: this must be the last rule in this chain */ ADDRTYPE match dst-type LOCAL",
        ],
        "KUBE-SVC-GKN7Y2BSGW4NJTYL": [
          "Chain KUBE-SVC-GKN7Y2BSGW4NJTYL (1 references)", header,
          "0 0 KUBE-SEP-7ROBBXFV7SD4AIRW all -- * * 0.0.0.0/0 0.0.0.0/0 /* default/nginx-service: */ statistic mode random probability 0.33332999982",
          "0 0 KUBE-SEP-XY3F6VJIZ7ELIF4Z all -- * * 0.0.0.0/0 0.0.0.0/0 /* default/nginx-service: */ statistic mode random probability 0.50000000000",
          "0 0 KUBE-SEP-JIDZHFC4A3T535AK all -- * * 0.0.0.0/0 0.0.0.0/0 /* default/nginx-service: */",
        ],
        "KUBE-SEP-7ROBBXFV7SD4AIRW": [
          "Chain KUBE-SEP-7ROBBXFV7SD4AIRW (1 references)", header,
          "0 0 KUBE-MARK-MASQ all -- * * 10.1.13.2 0.0.0.0/0 /* default/nginx-service: */",
          "0 0 DNAT tcp -- * * 0.0.0.0/0 0.0.0.0/0 /* default/nginx-service: */ tcp to:10.1.13.2:80",
        ],
        "KUBE-SEP-JIDZHFC4A3T535AK": [
          "Chain KUBE-SEP-JIDZHFC4A3T535AK (1 references)", header,
          "0 0 KUBE-MARK-MASQ all -- * * 10.1.13.4 0.0.0.0/0 /* default/nginx-service: */",
          "0 0 DNAT tcp -- * * 0.0.0.0/0 0.0.0.0/0 /* default/nginx-service: */ tcp to:10.1.13.4:80",
        ],
        "KUBE-MARK-MASQ": [
          "Chain KUBE-MARK-MASQ (3 references)", header,
          "0 0 MARK all -- * * 0.0.0.0/0 0.0.0.0/0 MARK or 0x4000",
        ],
        "KUBE-POSTROUTING": [
          "Chain KUBE-POSTROUTING (1 references)", header,
          "0 0 MASQUERADE all -- * * 0.0.0.0/0 0.0.0.0/0 /* kubernetes service traffic requiring SNAT */ mark match 0x4000/0x4000",
        ],
      };
      for (const [chain, lines] of Object.entries(want)) assert.deepEqual(nat.get(chain), lines.map(asPrinted), chain);
    });

    const firstSave = parseRestore(await inNs("iptables-save", []));

    await t.test("the parser reads the kernel's iptables-save, and the tracer agrees with the restore text", () => {
      // The restore text has no built-in chains: the tracer adds the seed's hooks to it itself.
      const fromText = parseRestore(clusterIPOnly.text);
      const cases: TracePacket[] = [
        { origin: "pod", source: "10.1.13.5", destination: "10.0.0.252", port: 8000, protocol: "TCP" },
        { origin: "pod", source: "10.1.13.2", destination: "10.0.0.252", port: 8000, protocol: "TCP" },
        { origin: "node", source: "172.17.8.102", destination: "10.0.0.252", port: 8000, protocol: "TCP" },
        { origin: "pod", source: "10.1.13.5", destination: "10.0.0.252", port: 8000, protocol: "UDP" },
      ];
      for (const packet of cases) {
        const node = { localAddresses: ["172.17.8.102"], jumpRules: "seed" as const };
        const kernel = tracePacket(firstSave, packet, node).branches;
        assertSameOutcomes(kernel, asWant(tracePacket(fromText, packet, node).branches), JSON.stringify(packet));
      }
      // 5 decimals are not quite fair: 0.33333, then 0.66667 × 0.5 twice.
      assertSameOutcomes(tracePacket(firstSave, cases[0], { localAddresses: [] }).branches, [
        ["10.1.13.2:80", 0.33333, false], ["10.1.13.3:80", 0.333335, false], ["10.1.13.4:80", 0.333335, false],
      ], "pod → ClusterIP on the kernel's rules");
    });

    // The seed's §2: the service becomes a NodePort. Then an endpoint goes away (stale chain).
    const asNodePort = generateSeedRules(nginx({ nodePort: 30802 }), config, { existingNatChains: natChains(firstSave) });
    await inNs("iptables-restore", ["--noflush"], asNodePort.text);
    const afterNodePort = chainBlocks(await inNs("iptables", ["-t", "nat", "-L", "-v", "-n"]));

    await t.test("§2 of the seed: KUBE-NODEPORTS, and KUBE-SVC now has 2 references", () => {
      assert.deepEqual(afterNodePort.get("KUBE-NODEPORTS"), [
        "Chain KUBE-NODEPORTS (1 references)", header,
        "0 0 KUBE-MARK-MASQ tcp -- * * 0.0.0.0/0 0.0.0.0/0 /* default/nginx-service: */ tcp dpt:30802",
        "0 0 KUBE-SVC-GKN7Y2BSGW4NJTYL tcp -- * * 0.0.0.0/0 0.0.0.0/0 /* default/nginx-service: */ tcp dpt:30802",
      ].map(asPrinted));
      assert.equal(afterNodePort.get("KUBE-SVC-GKN7Y2BSGW4NJTYL")?.[0], "Chain KUBE-SVC-GKN7Y2BSGW4NJTYL (2 references)");
    });

    await t.test("a stale endpoint chain is deleted, as applyRestore predicts", async () => {
      const before = parseRestore(await inNs("iptables-save", []));
      const twoLeft = generateSeedRules(nginx({ nodePort: 30802, endpoints: ["10.1.13.2", "10.1.13.3"] }), config, { existingNatChains: natChains(before) });
      assert.equal(twoLeft.deletedChains, 1);
      await inNs("iptables-restore", ["--noflush"], twoLeft.text);
      const kernel = parseRestore(await inNs("iptables-save", []));
      const predicted = applyRestore(before, twoLeft.text);
      assert.ok(!natChains(kernel).has("KUBE-SEP-JIDZHFC4A3T535AK"));
      for (const table of ["filter", "nat"] as const) {
        const shape = (rs: ParsedRuleset): string[] =>
          [...(rs.tables.get(table)?.chains ?? new Map())].map(([name, c]) => `${name}:${c.rules.length}`).sort();
        assert.deepEqual(shape(predicted), shape(kernel), table);
      }
      const packet: TracePacket = { origin: "outside", source: "203.0.113.99", destination: "172.17.8.102", port: 30802, protocol: "TCP" };
      assertSameOutcomes(tracePacket(kernel, packet, { localAddresses: ["172.17.8.102"] }).branches, [
        ["10.1.13.2:80", 0.5, true], ["10.1.13.3:80", 0.5, true],
      ], "outside → NodePort after the endpoint went away");
    });
  } finally {
    await run("ip", ["netns", "del", ns]);
  }
});

function natChains(rs: ParsedRuleset): Set<string> {
  return new Set(rs.tables.get("nat")?.chains.keys() ?? []);
}
