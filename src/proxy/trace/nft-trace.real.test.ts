// The nftables tracer against the kernel (as root, in network namespaces of its own): the rules
// generated for the seed's nginx-service (examples/seed/nginx-service-objects.yaml), and for the
// richer JSON fixture state, are loaded with `nft -f`, read back with `nft -j list table ip
// kube-proxy`, and every packet's trace of the live table must equal its trace of the generated
// model — same branches, probabilities, steps and rule texts. Also: how a node without the table
// answers (what `svcnet trace --node` relies on). The namespaces are removed even when a test fails.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { ExecIpRunner } from "../../sandbox/ip-runner.js";
import { ExecNft, NftCommandError } from "../nftables/nft-commands.js";
import { generateNftablesRules } from "../nftables/nft-rule-store.js";
import { flattenObjects, proxyStateFromObjects } from "../objects-state.js";
import type { NodeProxyConfig, ProxyState } from "../types.js";
import { defaultNodeProxyConfig } from "../types.js";
import { generatedNftTable } from "./nft-generated-table.js";
import { hasKubeProxyTable, readKubeProxyTable } from "./nft-live-table.js";
import { traceNftPacket } from "./nft-packet-tracer.js";
import { canonicalNftTable } from "./testdata/nft-table-canonical.js";
import { nftJsonFixtureConfig, nftJsonFixtureState } from "./testdata/nft-json-fixture-state.js";
import type { TracePacket } from "./trace-result.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to create network namespaces (CI runs as root)";

function seedState(): ProxyState {
  const path = new URL("../../../../examples/seed/nginx-service-objects.yaml", import.meta.url);
  const objects = parseAllDocuments(readFileSync(path, "utf8")).map((d) => d.toJS() as unknown);
  return proxyStateFromObjects(flattenObjects(objects), "core-v2-01");
}

const SEED_NODE = "172.17.8.101";
const seedConfig: NodeProxyConfig = { ...defaultNodeProxyConfig, nodeName: "core-v2-01", nodeIPs: [SEED_NODE], clusterCIDR: "10.1.0.0/16" };

type P = Pick<TracePacket, "origin" | "source" | "destination" | "port" | "protocol">;

const suites: { name: string; state: () => ProxyState; config: NodeProxyConfig; node: string; packets: P[] }[] = [
  {
    name: "the seed's nginx-service",
    state: seedState,
    config: seedConfig,
    node: SEED_NODE,
    packets: [
      { origin: "pod", source: "10.1.13.9", destination: "10.0.0.252", port: 8000, protocol: "TCP" },
      { origin: "pod", source: "10.1.13.3", destination: "10.0.0.252", port: 8000, protocol: "TCP" },
      { origin: "node", source: SEED_NODE, destination: "10.0.0.252", port: 8000, protocol: "TCP" },
      { origin: "outside", source: "203.0.113.99", destination: "10.0.0.252", port: 8000, protocol: "TCP" },
      { origin: "pod", source: "10.1.13.9", destination: "10.0.0.252", port: 8001, protocol: "TCP" },
      { origin: "pod", source: "10.1.13.9", destination: "10.0.0.252", port: 8000, protocol: "UDP" },
    ],
  },
  {
    name: "LoadBalancer with source ranges, Local policy, affinity; a service without endpoints",
    state: nftJsonFixtureState,
    config: nftJsonFixtureConfig(),
    node: "192.168.0.10",
    packets: [
      { origin: "pod", source: "10.1.13.5", destination: "10.0.0.252", port: 8000, protocol: "TCP" },
      { origin: "outside", source: "203.0.113.99", destination: "203.0.113.10", port: 8000, protocol: "TCP" },
      { origin: "outside", source: "198.51.100.7", destination: "203.0.113.10", port: 8000, protocol: "TCP" },
      { origin: "outside", source: "203.0.113.99", destination: "192.168.0.10", port: 30802, protocol: "TCP" },
      { origin: "node", source: "192.168.0.10", destination: "192.168.0.10", port: 30802, protocol: "TCP" },
      { origin: "outside", source: "203.0.113.99", destination: "192.0.2.50", port: 8000, protocol: "TCP" },
      { origin: "pod", source: "10.1.13.5", destination: "10.0.0.10", port: 53, protocol: "UDP" },
      { origin: "pod", source: "10.1.13.5", destination: "10.0.0.77", port: 80, protocol: "TCP" },
    ],
  },
];

describe("nftables traces of the live table equal those of the generated rules", { skip }, () => {
  const id = randomBytes(3).toString("hex");
  const loaded = `svcnet-${id}-nfttrace`;
  const empty = `svcnet-${id}-nfttrace-empty`;
  const ip = new ExecIpRunner();
  before(async () => {
    await ip.ip(["netns", "add", loaded]);
    await ip.ip(["netns", "add", empty]);
  });
  after(async () => {
    await ip.ip(["netns", "del", loaded]).catch(() => undefined);
    await ip.ip(["netns", "del", empty]).catch(() => undefined);
  });

  for (const suite of suites) {
    it(suite.name, async () => {
      const state = suite.state();
      await new ExecNft({ netns: loaded }).run(generateNftablesRules(state, suite.config).text);
      assert.equal(await hasKubeProxyTable({ netns: loaded }), true);
      const live = await readKubeProxyTable({ netns: loaded });
      const generated = generatedNftTable(state, suite.config);
      assert.deepEqual(canonicalNftTable(live), canonicalNftTable(generated));
      const node = { localAddresses: [suite.node] };
      for (const packet of suite.packets) {
        const fromKernel = traceNftPacket(live, packet, node);
        const fromGenerator = traceNftPacket(generated, packet, node);
        assert.ok(fromKernel.branches.length > 0);
        assert.deepEqual(fromKernel, fromGenerator, `${packet.origin} ${packet.source} → ${packet.destination}:${packet.port}/${packet.protocol}`);
      }
    });
  }

  it("a namespace without the table: detected as not nftables, and listing it fails with 'No such file or directory'", async () => {
    assert.equal(await hasKubeProxyTable({ netns: empty }), false);
    await assert.rejects(readKubeProxyTable({ netns: empty }), (e: unknown) => e instanceof NftCommandError && /No such file or directory/.test(e.stderr));
  });
});
