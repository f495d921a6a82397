// Two LoadBalancerSpeakers against the in-process API, announcing into a real two-node sandbox
// (root). No controllers run: the test writes the Nodes, the pool, the Service's ingress and its
// EndpointSlice as the other components would. It checks that exactly the elected node holds the
// address and records "nodeAssigned"; that a graceful stop hands the address over at once; that
// the hash winner takes it back when it returns; and that after a crash (no release, its
// interface down) the other node holds the address and the outside client reaches it within 3 s.
// Everything is removed even on failure.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { IPAddressPool, L2Advertisement } from "../../api/metallb-types.js";
import { METALLB_API_VERSION, METALLB_GROUP, METALLB_NAMESPACE, METALLB_VERSION } from "../../api/metallb-types.js";
import { findResource, requireResource } from "../../api/resources.js";
import type { EndpointSlice, Event, Lease, Namespace, Node, Service } from "../../api/types.js";
import { testToken } from "../../apiserver/test-api.js";
import { InProcessTransport, isNotFound } from "../../client/index.js";
import type { TestCluster } from "../../controllers/test-cluster.js";
import { startTestCluster } from "../../controllers/test-cluster.js";
import { destroyByPrefix, listNamespaces } from "../../sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../../sandbox/ip-runner.js";
import { detectProbeMethod, probeReachable } from "../../sandbox/reachability.js";
import { buildSandboxNetwork } from "../../sandbox/sandbox-network.js";
import type { NodePlan } from "../../sandbox/topology-plan.js";
import { planTopology } from "../../sandbox/topology-plan.js";
import { AddressAnnouncer } from "./address-announcer.js";
import { NODE_ASSIGNED_REASON, nodeAssignedMessage, LoadBalancerSpeaker } from "./load-balancer-speaker.js";
import { electionOrder } from "./speaker-election.js";
import { SPEAKER_LEASE_NAMESPACE, speakerLeaseName } from "./speaker-liveness.js";

const isRoot = process.getuid?.() === 0;
const served = findResource(METALLB_GROUP, METALLB_VERSION, "ipaddresspools") !== undefined;
const skip = !isRoot ? "needs root to create network namespaces (CI runs as root)" : !served ? "the API does not serve metallb.io/v1beta1 yet" : false;

const runner = new ExecIpRunner();
const vip = "172.17.8.201";

interface Running {
  speaker: LoadBalancerSpeaker;
  stop: AbortController;
  done: Promise<void>;
}

describe("LoadBalancerSpeaker in a sandbox", { skip }, () => {
  const id = `ls${randomBytes(4).toString("hex")}`;
  const plan = planTopology({ id, nodes: 2 });
  const running = new Set<Running>();
  const logs: string[] = [];
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster({ controllers: [] });
  });

  after(async () => {
    for (const r of running) r.stop.abort();
    await Promise.allSettled([...running].map((r) => r.done));
    await destroyByPrefix(runner, { id });
    await cluster?.stop();
    assert.deepEqual(await listNamespaces(runner, plan.prefix), []);
  });

  function start(node: NodePlan, releaseOnStop = true): Running {
    const stop = new AbortController();
    const speaker = new LoadBalancerSpeaker({
      transport: new InProcessTransport(cluster.api.api, { token: testToken, userAgent: `svcnet-speaker/${node.name}` }),
      nodeName: node.name,
      netns: node.netns,
      runner,
      releaseOnStop,
      log: (line) => logs.push(`${node.name}: ${line}`),
    });
    const r: Running = { speaker, stop, done: speaker.run(stop.signal) };
    running.add(r);
    return r;
  }

  async function stopSpeaker(r: Running): Promise<void> {
    r.stop.abort();
    await r.done;
    running.delete(r);
  }

  const held = (node: NodePlan): Promise<string[]> => new AddressAnnouncer({ runner, netns: node.netns }).held();

  async function waitHeld(node: NodePlan, want: string[], timeoutMs: number): Promise<number> {
    const started = Date.now();
    await cluster.waitFor(`${node.name} to hold [${want.join(", ")}] (log: ${logs.join(" | ")})`, async () => JSON.stringify(await held(node)) === JSON.stringify(want), timeoutMs);
    return Date.now() - started;
  }

  it("announces from the elected node and fails over", async () => {
    const net = await buildSandboxNetwork(plan, runner);
    const [first, second] = electionOrder(vip, net.nodes.map((n) => n.name)).map((name) => net.nodes.find((n) => n.name === name) as NodePlan);
    const client = plan.client.netns;
    const method = await detectProbeMethod();
    await seedCluster(cluster, net.nodes);

    // Both speakers run; the hash winner holds the address, the other nothing.
    const a = start(first);
    const b = start(second);
    await waitHeld(first, [vip], 5000);
    await waitHeld(second, [], 1000);
    assert.equal(await probeReachable(runner, { from: client, to: vip, method, timeoutMs: 2000 }), true);
    const events = await cluster.waitFor("the nodeAssigned event", async () => {
      const list = await cluster.client<Event>(requireResource("", "v1", "events")).list("default");
      const found = list.items.filter((e) => e.reason === NODE_ASSIGNED_REASON && e.involvedObject?.name === "web");
      return found.length > 0 && found;
    });
    assert.deepEqual(
      events.map((e) => [e.type, e.message, e.source?.component]),
      [["Normal", nodeAssignedMessage(first.name), "svcnet-speaker"]],
    );
    assert.match(logs.join("\n"), new RegExp(`${first.name}: holding ${vip.replaceAll(".", "\\.")}: default/web: elected among pool default, 2 eligible nodes`));

    // A graceful stop removes the address and the lease: the other node takes over at once,
    // even before the stopped speaker's last arping process has exited.
    let t = Date.now();
    const stopping = stopSpeaker(a);
    await waitHeld(second, [vip], 2000);
    const handover = Date.now() - t;
    await stopping;
    assert.deepEqual(await held(first), []);
    await assert.rejects(cluster.client<Lease>(requireResource("coordination.k8s.io", "v1", "leases")).get(SPEAKER_LEASE_NAMESPACE, speakerLeaseName(first.name)), isNotFound);

    // The hash winner comes back and takes the address back; the other lets go.
    t = Date.now();
    const a2 = start(first, false);
    await waitHeld(first, [vip], 5000);
    await waitHeld(second, [], 2000);
    const takeBack = Date.now() - t;

    // The winner crashes (no release) and its node's interface goes down: within 3 s the other
    // holds the address and the outside client reaches it there.
    t = Date.now();
    await stopSpeaker(a2);
    assert.deepEqual(await held(first), [vip], "a crashed speaker leaves its address");
    await runner.ip(["-n", first.netns, "link", "set", "eth0", "down"]);
    await waitHeld(second, [vip], 3000);
    await cluster.waitFor("the client to reach the address on the new owner", () => probeReachable(runner, { from: client, to: vip, method, timeoutMs: 500 }), 3000);
    const failover = Date.now() - t;
    assert.ok(failover <= 3000, `failover took ${failover} ms`);
    console.log(`graceful handover ${handover} ms, take-back ${takeBack} ms, crash failover to a reachable address ${failover} ms`);

    // The last speaker stops gracefully: no address is left anywhere.
    await stopSpeaker(b);
    assert.deepEqual(await held(second), []);
    await net.destroy();
  });
});

/** What the node agents, the pool add-on, the allocator and the endpoint controllers would write. */
async function seedCluster(cluster: TestCluster, nodes: readonly NodePlan[]): Promise<void> {
  const nodeClient = cluster.client<Node>(requireResource("", "v1", "nodes"));
  for (const n of nodes) {
    const created = await nodeClient.create({ apiVersion: "v1", kind: "Node", metadata: { name: n.name, labels: { "kubernetes.io/hostname": n.name } } });
    await nodeClient.updateStatus({ ...created, status: { conditions: [{ type: "Ready", status: "True", reason: "KubeletReady" }], addresses: [{ type: "InternalIP", address: n.ip }] } });
  }
  await cluster.client<Namespace>(requireResource("", "v1", "namespaces")).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: METALLB_NAMESPACE } });
  await cluster.client<IPAddressPool>(requireResource(METALLB_GROUP, METALLB_VERSION, "ipaddresspools")).create({
    apiVersion: METALLB_API_VERSION,
    kind: "IPAddressPool",
    metadata: { name: "default", namespace: METALLB_NAMESPACE },
    spec: { addresses: ["172.17.8.201-172.17.8.250"] },
  });
  await cluster.client<L2Advertisement>(requireResource(METALLB_GROUP, METALLB_VERSION, "l2advertisements")).create({
    apiVersion: METALLB_API_VERSION,
    kind: "L2Advertisement",
    metadata: { name: "default", namespace: METALLB_NAMESPACE },
    spec: { ipAddressPools: ["default"] },
  });
  const services = cluster.client<Service>(requireResource("", "v1", "services"));
  const svc = await services.create({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 8000, protocol: "TCP" }] } });
  await services.updateStatus({ ...svc, status: { loadBalancer: { ingress: [{ ip: vip, ipMode: "VIP" }] } } });
  await cluster.client<EndpointSlice>(requireResource("discovery.k8s.io", "v1", "endpointslices")).create({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "web-abcde", namespace: "default", labels: { "kubernetes.io/service-name": "web" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.1.13.2"], nodeName: nodes[0].name, conditions: { ready: true } }],
    ports: [{ port: 80, protocol: "TCP" }],
  });
}
