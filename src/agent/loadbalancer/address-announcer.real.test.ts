// The announcer in the real kernel (root): a two-node sandbox whose outside client shares the
// node bridge. Node 1 takes the address and the client resolves it to node 1's MAC; node 1 lets
// go (the client's entry stays: nothing told it) and node 2 takes it, and the client's entry
// moves to node 2's MAC from node 2's gratuitous ARP alone, before the client sends anything.
// Every packet stays inside the sandbox's namespaces; the sandbox is removed even on failure.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { destroyByPrefix, listNamespaces } from "../../sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../../sandbox/ip-runner.js";
import { detectProbeMethod, probeReachable } from "../../sandbox/reachability.js";
import { buildSandboxNetwork } from "../../sandbox/sandbox-network.js";
import { planTopology } from "../../sandbox/topology-plan.js";
import { AddressAnnouncer } from "./address-announcer.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to create network namespaces (CI runs as root)";

const runner = new ExecIpRunner();

async function macOf(netns: string, dev: string): Promise<string> {
  const out = await runner.ip(["-n", netns, "-o", "link", "show", "dev", dev]);
  const m = /link\/ether ([0-9a-f:]{17})/.exec(out);
  assert.ok(m, `no MAC in ${out}`);
  return m[1];
}

/** The client's neighbour entry for `ip`: its MAC, or undefined when there is none. */
async function neighbour(netns: string, ip: string): Promise<string | undefined> {
  const out = await runner.ip(["-n", netns, "neigh", "show", ip]);
  return /lladdr ([0-9a-f:]{17})/.exec(out)?.[1];
}

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await cond()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe("address announcer in the real kernel", { skip }, () => {
  const id = `la${randomBytes(4).toString("hex")}`;
  const plan = planTopology({ id, nodes: 2 });

  after(async () => {
    await destroyByPrefix(runner, { id });
    assert.deepEqual(await listNamespaces(runner, plan.prefix), []);
  });

  it("moves a LoadBalancer address between nodes, and the client follows the gratuitous ARP", async () => {
    const vip = "172.17.8.201";
    const net = await buildSandboxNetwork(plan, runner);
    const [node1, node2] = net.nodes;
    const client = plan.client.netns;
    const logs: string[] = [];
    const one = new AddressAnnouncer({ runner, netns: node1.netns, log: (l) => logs.push(l) });
    const two = new AddressAnnouncer({ runner, netns: node2.netns, log: (l) => logs.push(l) });
    const mac1 = await macOf(node1.netns, "eth0");
    const mac2 = await macOf(node2.netns, "eth0");
    assert.notEqual(mac1, mac2);

    // Node 1 takes the address; only its labelled addresses are listed (not the node IP).
    assert.deepEqual(await one.sync([vip]), { added: [vip], removed: [], skipped: [] });
    assert.deepEqual(await one.held(), [vip]);
    assert.match(await runner.ip(["-n", node1.netns, "-4", "-o", "addr", "show", "dev", "eth0"]), new RegExp(`inet ${node1.ip}/24 .*\\n.*inet ${vip}/32 .* eth0:lb`));
    // Syncing again changes nothing.
    assert.deepEqual(await one.sync([vip]), { added: [], removed: [], skipped: [] });
    await one.idle();

    // The client reaches the address and learns node 1's MAC from the ordinary ARP exchange.
    const method = await detectProbeMethod();
    assert.equal(await probeReachable(runner, { from: client, to: vip, method, timeoutMs: 2000 }), true);
    assert.equal(await neighbour(client, vip), mac1);

    // Node 1 lets go: the client's cache still points at it (nobody told it otherwise).
    assert.deepEqual(await one.sync([]), { added: [], removed: [vip], skipped: [] });
    assert.deepEqual(await one.held(), []);
    assert.equal(await neighbour(client, vip), mac1);

    // Node 2 takes over: its gratuitous ARP alone moves the client's entry, with no client traffic.
    const takeover = Date.now();
    assert.deepEqual(await two.sync([vip]), { added: [vip], removed: [], skipped: [] });
    const ms = await waitFor("the client's entry to move to node 2", async () => (await neighbour(client, vip)) === mac2, 3000);
    console.log(`client neighbour entry moved ${ms} ms after the takeover began (${Date.now() - takeover} ms in all)`);
    assert.equal(await probeReachable(runner, { from: client, to: vip, method, timeoutMs: 2000 }), true);
    assert.equal(await neighbour(client, vip), mac2);

    // IPv6 is reported, not held; releasing leaves no address behind.
    assert.deepEqual(await two.sync([vip, "fd00::c8"]), { added: [], removed: [], skipped: ["fd00::c8"] });
    await two.idle();
    assert.deepEqual(await two.releaseAll(), [vip]);
    assert.deepEqual(await two.held(), []);
    assert.deepEqual(await one.held(), []);
    assert.deepEqual(logs, []);
    await net.destroy();
  });
});
