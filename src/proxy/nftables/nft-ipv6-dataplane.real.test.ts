// The IPv6 table in a real kernel (as root, in namespaces of its own, every address in
// fd00::/8 or in ranges living only inside those namespaces): a "node" namespace loads the
// `table ip6 kube-proxy` (and `table ip kube-proxy`) generated for the dual-stack nginx-service,
// a client namespace reaches it over one veth, and two endpoint namespaces (HTTP servers that
// answer their own name) hang off a bridge in the node. The client's requests to the IPv6
// ClusterIP are spread over both endpoints, the same holds for the IPv4 ClusterIP beside it, and
// a ClusterIP without endpoints refuses connections at once. Namespaces and servers are removed
// even when a test fails.

import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { KubeObject, Service } from "../../api/types.js";
import type { IPFamily } from "../../allocators/ip.js";
import { ExecIpRunner } from "../../sandbox/ip-runner.js";
import { makeNodeAConfig } from "../iptables/testdata/nginx-fixtures.js";
import { proxyStateFromObjects } from "../objects-state.js";
import type { NodeProxyConfig } from "../types.js";
import { ExecNft, cleanupNftables } from "./nft-commands.js";
import { generateNftablesRules } from "./nft-rule-store.js";
import { NGINX_CLUSTER_IPV6, makeDualStackNginxService, makeNginxSlice } from "./testdata/dual-stack-nginx.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to create network namespaces (CI runs as root)";

interface Ran {
  stdout: string;
  code: number;
}

function inNetns(netns: string, argv: readonly string[], timeoutMs = 10_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile("ip", ["netns", "exec", netns, ...argv], { timeout: timeoutMs }, (err, stdout) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ stdout: String(stdout), code });
    });
  });
}

/** curl from a namespace: the body, or curl's exit code (7 = refused, 28 = timed out). */
function curl(netns: string, url: string): Promise<Ran> {
  return inNetns(netns, ["curl", "-g", "-s", "--max-time", "2", url]);
}

async function until<T>(what: string, probe: () => Promise<T | false | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== false && got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const id = randomBytes(3).toString("hex");
const ns = { node: `svcnet-${id}-v6node`, client: `svcnet-${id}-v6client`, ep2: `svcnet-${id}-v6ep2`, ep3: `svcnet-${id}-v6ep3` };

/** The endpoints: the first two of the dual-stack nginx-service's slices (…::2 and …::3, 10.1.13.2 and .3). */
const endpoints = [
  { netns: ns.ep2, name: "nginx-a", ipv6: "fd00:10:1:13::2", ipv4: "10.1.13.2", nodeLink: "e2" },
  { netns: ns.ep3, name: "nginx-b", ipv6: "fd00:10:1:13::3", ipv4: "10.1.13.3", nodeLink: "e3" },
];
const node = { clientSideV6: "fd00:77::1", clientSideV4: "10.200.77.1", bridgeV6: "fd00:10:1:13::1", bridgeV4: "10.1.13.1" };
const client = { v6: "fd00:77::2", v4: "10.200.77.2" };
const emptyIPs = { v4: "10.0.0.253", v6: "fd00:10:96::fd" };

/** The dual-stack nginx-service with two endpoints per family, and one Service without any. */
function objects(): KubeObject[] {
  const slices = (["IPv4", "IPv6"] as const).map((family) => {
    const slice = makeNginxSlice(family);
    slice.endpoints = (slice.endpoints ?? []).slice(0, 2);
    return slice;
  });
  const empty = makeDualStackNginxService((s: Service) => {
    s.metadata.name = "empty";
    s.spec.clusterIP = emptyIPs.v4;
    s.spec.clusterIPs = [emptyIPs.v4, emptyIPs.v6];
  });
  return [makeDualStackNginxService(), ...slices, empty];
}

function nodeConfig(ipFamily: IPFamily): NodeProxyConfig {
  return makeNodeAConfig({
    ipFamily,
    nodeIPs: [node.clientSideV4, node.clientSideV6],
    clusterCIDR: "10.1.0.0/16,fd00:10:1::/56",
    serviceCIDRs: ["10.0.0.0/24", "fd00:10:96::/112"],
  });
}

describe("table ip6 kube-proxy in a real kernel: a client reaches both endpoints through the IPv6 ClusterIP", { skip }, () => {
  const ip = new ExecIpRunner();
  const servers: ChildProcess[] = [];
  const nft6 = new ExecNft({ netns: ns.node, ipFamily: "IPv6" });
  const nft4 = new ExecNft({ netns: ns.node });

  before(async () => {
    for (const name of Object.values(ns)) await ip.ip(["netns", "add", name]);
    const inNode = (...args: string[]): Promise<string> => ip.ip(["-n", ns.node, ...args]);
    await inNetns(ns.node, ["sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1", "net.ipv4.ip_forward=1"]);
    // Client link.
    await inNode("link", "add", "c0", "type", "veth", "peer", "name", "eth0", "netns", ns.client);
    await inNode("addr", "add", `${node.clientSideV6}/64`, "dev", "c0", "nodad");
    await inNode("addr", "add", `${node.clientSideV4}/24`, "dev", "c0");
    await inNode("link", "set", "c0", "up");
    await ip.ip(["-n", ns.client, "addr", "add", `${client.v6}/64`, "dev", "eth0", "nodad"]);
    await ip.ip(["-n", ns.client, "addr", "add", `${client.v4}/24`, "dev", "eth0"]);
    await ip.ip(["-n", ns.client, "link", "set", "eth0", "up"]);
    await ip.ip(["-n", ns.client, "link", "set", "lo", "up"]);
    await ip.ip(["-n", ns.client, "-6", "route", "add", "default", "via", node.clientSideV6]);
    await ip.ip(["-n", ns.client, "route", "add", "default", "via", node.clientSideV4]);
    // The node routes everything else back out (like a node's default route), so a packet to an
    // unallocated service address reaches the forward hook instead of failing routing.
    await inNode("-6", "route", "add", "default", "via", client.v6);
    // Pod bridge with the two endpoints.
    await inNode("link", "add", "br0", "type", "bridge", "forward_delay", "0");
    await inNode("addr", "add", `${node.bridgeV6}/64`, "dev", "br0", "nodad");
    await inNode("addr", "add", `${node.bridgeV4}/24`, "dev", "br0");
    await inNode("link", "set", "br0", "up");
    for (const ep of endpoints) {
      await inNode("link", "add", ep.nodeLink, "type", "veth", "peer", "name", "eth0", "netns", ep.netns);
      await inNode("link", "set", ep.nodeLink, "master", "br0", "up");
      await ip.ip(["-n", ep.netns, "addr", "add", `${ep.ipv6}/64`, "dev", "eth0", "nodad"]);
      await ip.ip(["-n", ep.netns, "addr", "add", `${ep.ipv4}/24`, "dev", "eth0"]);
      await ip.ip(["-n", ep.netns, "link", "set", "eth0", "up"]);
      await ip.ip(["-n", ep.netns, "link", "set", "lo", "up"]);
      await ip.ip(["-n", ep.netns, "-6", "route", "add", "default", "via", node.bridgeV6]);
      await ip.ip(["-n", ep.netns, "route", "add", "default", "via", node.bridgeV4]);
      // Answers "<name> <client address as seen>"; IPv4 clients appear as ::ffff:a.b.c.d.
      const script = `require("node:http").createServer((q, r) => r.end(${JSON.stringify(ep.name)} + " " + q.socket.remoteAddress.replace(/^::ffff:/, ""))).listen(80, "::")`;
      servers.push(spawn("ip", ["netns", "exec", ep.netns, process.execPath, "-e", script], { stdio: "ignore" }));
    }
    for (const ep of endpoints) {
      await until(`${ep.name} serving`, async () => (await curl(ns.node, `http://[${ep.ipv6}]:80/`)).stdout.startsWith(`${ep.name} `), 10_000);
    }
  });

  after(async () => {
    for (const server of servers) server.kill();
    for (const name of Object.values(ns)) await ip.ip(["netns", "del", name]).catch(() => undefined);
  });

  it("loads both families' tables, each found by its own ExecNft", async () => {
    for (const family of ["IPv6", "IPv4"] as const) {
      const state = proxyStateFromObjects(objects(), "node-a", { ipFamily: family });
      await (family === "IPv6" ? nft6 : nft4).run(generateNftablesRules(state, nodeConfig(family)).text);
    }
    assert.equal(await nft6.tableExists(), true);
    assert.equal(await nft4.tableExists(), true);
    const listed = await nft6.listTable();
    assert.match(listed, /^table ip6 kube-proxy \{/m);
    assert.match(listed, new RegExp(`${NGINX_CLUSTER_IPV6.replaceAll(":", "\\:")} \\. tcp \\. 8000 : goto service-`));
  });

  for (const c of [
    { family: "IPv6", url: `http://[${NGINX_CLUSTER_IPV6}]:8000/`, requests: 30, masqueradedTo: node.bridgeV6 },
    { family: "IPv4", url: "http://10.0.0.252:8000/", requests: 20, masqueradedTo: node.bridgeV4 },
  ]) {
    it(`the ${c.family} ClusterIP spreads a client's connections over both endpoints, masqueraded`, async () => {
      const seen = new Map<string, number>();
      for (let i = 0; i < c.requests; i++) {
        const r = await curl(ns.client, c.url);
        assert.equal(r.code, 0, `request ${i} to ${c.url}: curl exit ${r.code}`);
        const [name, source] = r.stdout.split(" ");
        // The client is outside the pod range: the endpoint sees the node's bridge address.
        assert.equal(source, c.masqueradedTo, `request ${i}: source as the endpoint saw it`);
        seen.set(name ?? "", (seen.get(name ?? "") ?? 0) + 1);
      }
      assert.deepEqual([...seen.keys()].sort(), endpoints.map((e) => e.name), `answers: ${JSON.stringify([...seen])}`);
      // Each endpoint has probability ½; fewer than 3 of 30 (or of 20) would be a 1-in-10,000 event.
      for (const [name, n] of seen) assert.ok(n >= 3, `${name} answered ${n} of ${c.requests}`);
      console.log(`# ${c.family} ClusterIP spread over ${c.requests} requests: ${[...seen].map(([k, n]) => `${k}=${n}`).join(" ")}`);
    });
  }

  it("a ClusterIP without endpoints refuses connections at once, in both families", async () => {
    for (const url of [`http://[${emptyIPs.v6}]:8000/`, `http://${emptyIPs.v4}:8000/`]) {
      const start = Date.now();
      const r = await curl(ns.client, url);
      assert.equal(r.code, 7, `${url}: curl exit ${r.code}, want 7 (connection refused)`);
      assert.ok(Date.now() - start < 1500, `${url} refused after ${Date.now() - start} ms`);
    }
    // Another port of a ClusterIP is rejected; an unallocated address of the service range is
    // dropped (a timeout: without the rule the node would answer "no route", exit 7).
    assert.equal((await curl(ns.client, `http://[${NGINX_CLUSTER_IPV6}]:9999/`)).code, 7, "invalid port of a ClusterIP rejected");
    assert.equal((await curl(ns.client, "http://[fd00:10:96::99]:8000/")).code, 28, "unallocated ClusterIP dropped");
  });

  it("cleanup removes the ip6 table and leaves the ip one", async () => {
    assert.equal(await cleanupNftables(nft6), true);
    assert.equal(await nft6.tableExists(), false);
    assert.equal(await nft4.tableExists(), true);
    assert.notEqual((await curl(ns.client, `http://[${NGINX_CLUSTER_IPV6}]:8000/`)).code, 0, "no IPv6 service without its table");
    assert.equal((await curl(ns.client, "http://10.0.0.252:8000/")).code, 0, "IPv4 still served");
  });
});
