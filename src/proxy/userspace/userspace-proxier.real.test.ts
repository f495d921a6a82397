// The userspace proxy for real, on loopback and without any namespace or privilege: service IPs
// and backends are random 127.x addresses (every 127.x address is local on Linux), the proxier
// is driven through the change tracker exactly as the service proxy drives it. Round robin,
// affinity and its expiry, a dead backend skipped, every backend dead, no endpoints (refused),
// half-close, draining on endpoint and service removal, UDP sessions (reply source, idle
// timeout, moving off a removed endpoint), and the metrics.

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Server } from "node:net";
import type { EndpointSlice, Service } from "../../api/types.js";
import { ProxyChangeTracker } from "../change-tracker.js";
import { createProxyMetrics } from "../metrics/proxy-metrics.js";
import { Registry } from "../metrics/registry.js";
import type { ProxyBackend } from "../service-proxy.js";
import { defaultNodeProxyConfig } from "../types.js";
import type { UserspaceProxierOptions } from "./userspace-proxier.js";
import { UserspaceProxier } from "./userspace-proxier.js";
import { LineClient, UdpClient, freePort, loopbackBlock, makeService, makeSlice, randomLoopback, tcpBackend, tcpRequest, udpBackend } from "./testdata/fixtures.js";

class Harness {
  readonly tracker = new ProxyChangeTracker("node-a");
  readonly registry = new Registry();
  readonly proxier: UserspaceProxier;
  /** Added to the wall clock the balancer sees (affinity expiry without waiting). */
  skewMs = 0;
  readonly #services = new Map<string, Service>();
  readonly #slices = new Map<string, EndpointSlice>();

  constructor(options: Partial<UserspaceProxierOptions> = {}) {
    this.proxier = new UserspaceProxier({
      tracker: this.tracker,
      config: { ...defaultNodeProxyConfig, nodeName: "node-a" },
      metrics: createProxyMetrics(this.registry),
      registry: this.registry,
      now: () => Date.now() + this.skewMs,
      random: () => 0,
      ...options,
    });
  }

  async set(service: Service | undefined, slice: EndpointSlice | undefined, name: string): Promise<void> {
    this.tracker.onService(this.#services.get(name), service);
    if (service) this.#services.set(name, service);
    else this.#services.delete(name);
    this.tracker.onSlice(this.#slices.get(name), slice);
    if (slice) this.#slices.set(name, slice);
    else this.#slices.delete(name);
    const sync = await this.proxier.sync();
    assert.deepEqual(sync.result.failures, [], "every listener bound");
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Three TCP backends b1..b3 on consecutive 127.x addresses and one common port. */
async function threeBackends(): Promise<{ ips: string[]; port: number; servers: Server[] }> {
  const ips = loopbackBlock(4);
  const port = await freePort(ips[0]);
  const servers = await Promise.all(ips.slice(0, 3).map((ip, i) => tcpBackend(`b${i + 1}`, ip, port)));
  cleanups.push(() => servers.forEach((s) => s.close()));
  return { ips, port, servers };
}

function harness(options: Partial<UserspaceProxierOptions> = {}): Harness {
  const h = new Harness(options);
  // The service proxy can drive it like the other backends (its sync type joins BackendSync there).
  const backend: Omit<ProxyBackend, "sync"> & { sync(): Promise<{ full: boolean }> } = h.proxier;
  void backend;
  cleanups.push(() => h.proxier.close());
  return h;
}

const nameOf = (answer: string): string => answer.split(" ")[0];

describe("userspace proxy on loopback (TCP)", () => {
  test("round robin over three backends, half-close carried both ways", async () => {
    const { ips, port } = await threeBackends();
    const h = harness();
    const vip = randomLoopback();
    await h.set(makeService("default", "web", { clusterIP: vip, port: 8000 }), makeSlice("default", "web", ips.slice(0, 3), port), "web");
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(await tcpRequest(vip, 8000, "hello"));
    // The backend answers after the client's FIN with the bytes it got: the FIN went through
    // and the answer came back on the half-open connection.
    assert.deepEqual(answers, ["b1 5", "b2 5", "b3 5", "b1 5", "b2 5", "b3 5"]);
    assert.match(h.proxier.lastRestoreInput, new RegExp(`TCP/${vip.replaceAll(".", "\\.")}:8000 cluster-ip default/web → `));
  });

  test("ClientIP affinity sticks per client address and lapses after its timeout", async () => {
    const { ips, port } = await threeBackends();
    const h = harness();
    const vip = randomLoopback();
    await h.set(makeService("default", "sticky", { clusterIP: vip, port: 8000, stickySeconds: 60 }), makeSlice("default", "sticky", ips.slice(0, 3), port), "sticky");
    const [clientA, clientB] = loopbackBlock(2);
    const a = await Promise.all([1, 2, 3].map(() => tcpRequest(vip, 8000, "", clientA)));
    const b = await tcpRequest(vip, 8000, "", clientB);
    assert.equal(new Set(a.map(nameOf)).size, 1, `client A sticks: ${a.join(", ")}`);
    assert.notEqual(nameOf(b), nameOf(a[0]), "client B is balanced to another endpoint");
    h.skewMs = 61_000;
    const later = await tcpRequest(vip, 8000, "", clientA);
    assert.notEqual(nameOf(later), nameOf(a[0]), "after the timeout client A is balanced again");
  });

  test("a dead backend is skipped; with every backend dead the client is reset", async () => {
    const { ips, port } = await threeBackends();
    const h = harness();
    const vip = randomLoopback();
    // ips[3] has nothing listening: connects to it are refused at once.
    await h.set(makeService("default", "flaky", { clusterIP: vip, port: 8000 }), makeSlice("default", "flaky", [ips[0], ips[3]], port), "flaky");
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push(await tcpRequest(vip, 8000));
    assert.deepEqual(answers, ["b1 0", "b1 0", "b1 0", "b1 0"]);
    assert.ok(h.registry.render().includes('svcnet_userspace_endpoint_connect_failures_total{protocol="tcp"} 2'), "two refused connects counted");

    await h.set(makeService("default", "flaky", { clusterIP: vip, port: 8000 }), makeSlice("default", "flaky", [ips[3]], port), "flaky");
    assert.equal(await tcpRequest(vip, 8000), "error:ECONNRESET");
  });

  test("no endpoints: connection refused; endpoints back: served", async () => {
    const { ips, port } = await threeBackends();
    const h = harness();
    const vip = randomLoopback();
    const svc = makeService("default", "empty", { clusterIP: vip, port: 8000 });
    await h.set(svc, undefined, "empty");
    assert.equal(await tcpRequest(vip, 8000), "error:ECONNREFUSED");
    await h.set(svc, makeSlice("default", "empty", [ips[1]], port), "empty");
    assert.equal(await tcpRequest(vip, 8000), "b2 0");
    await h.set(svc, makeSlice("default", "empty", [], port), "empty");
    assert.equal(await tcpRequest(vip, 8000), "error:ECONNREFUSED");
  });

  test("draining: a removed endpoint keeps its connections, a removed service stops accepting and drains within the bound", async () => {
    const { ips, port } = await threeBackends();
    const h = harness({ drainTimeoutMs: 1500 });
    const vip = randomLoopback();
    const svc = makeService("default", "drain", { clusterIP: vip, port: 8000 });
    await h.set(svc, makeSlice("default", "drain", ips.slice(0, 2), port), "drain");
    const held = await LineClient.open(vip, 8000);
    assert.equal(await held.ask("one"), "b1 one");

    await h.set(svc, makeSlice("default", "drain", [ips[1]], port), "drain");
    assert.equal(await held.ask("two"), "b1 two", "the open connection still reaches the removed endpoint");
    assert.equal(await tcpRequest(vip, 8000), "b2 0", "new connections go to the remaining endpoint");

    await h.set(undefined, undefined, "drain");
    assert.equal(await tcpRequest(vip, 8000), "error:ECONNREFUSED", "the listener is gone");
    assert.equal(await held.ask("three"), "b1 three", "still draining");
    await new Promise((r) => setTimeout(r, 1800));
    assert.equal(held.closed, true, "closed after the drain bound");
    held.close();
  });

  test("NodePort and externalIP listeners forward like the cluster IP", async () => {
    const { ips, port } = await threeBackends();
    const nodeAddress = randomLoopback();
    const nodePort = await freePort(nodeAddress);
    const h = harness({ nodePortAddresses: () => [nodeAddress] });
    const [vip, extIP] = loopbackBlock(2);
    const svc = makeService("default", "np", { clusterIP: vip, port: 8000, type: "NodePort", nodePort, externalIPs: [extIP] });
    await h.set(svc, makeSlice("default", "np", [ips[2]], port), "np");
    assert.equal(await tcpRequest(vip, 8000), "b3 0");
    assert.equal(await tcpRequest(extIP, 8000), "b3 0");
    assert.equal(await tcpRequest(nodeAddress, nodePort), "b3 0");
    const text = h.registry.render();
    assert.match(text, /svcnet_userspace_connections_total\{protocol="tcp",result="forwarded"\} 3/);
    assert.match(text, /svcnet_userspace_listeners\{protocol="tcp"\} 3/);
    assert.match(text, /kubeproxy_sync_proxy_rules_duration_seconds_count\{ip_family="IPv4"\} 1/);
  });
});

describe("userspace proxy on loopback (UDP)", () => {
  test("sessions per client, replies from the service address, idle timeout, moving off a removed endpoint", async () => {
    const ips = loopbackBlock(3);
    const first = await udpBackend("u1", ips[0], 0);
    const second = await udpBackend("u2", ips[1], first.port);
    cleanups.push(() => (first.close(), second.close()));
    const h = harness({ udpIdleTimeoutMs: 1000 });
    const vip = randomLoopback();
    const svc = makeService("default", "dns", { clusterIP: vip, port: 5353, protocol: "UDP" });
    await h.set(svc, makeSlice("default", "dns", ips.slice(0, 2), first.port, "UDP"), "dns");
    const c1 = await UdpClient.open();
    const c2 = await UdpClient.open();
    cleanups.push(() => (c1.close(), c2.close()));

    const r1 = await c1.ask(vip, 5353, "q1");
    assert.deepEqual(r1, { text: "u1 q1", from: `${vip}:5353` }, "the reply comes from the service address");
    assert.equal((await c1.ask(vip, 5353, "q2")).text, "u1 q2", "same session, same endpoint");
    assert.equal((await c2.ask(vip, 5353, "q1")).text, "u2 q1", "a new client gets the next endpoint");
    const fw = h.proxier.forwarder(`UDP/${vip}:5353`);
    assert.ok(fw && "sessions" in fw);
    assert.equal(fw.sessions, 2);

    await new Promise((r) => setTimeout(r, 1400));
    assert.equal(fw.sessions, 0, "idle sessions ended");

    // A session on u1; u1 leaves the endpoints; the next datagram goes to u2.
    const c3 = await UdpClient.open();
    cleanups.push(() => c3.close());
    const before = await c3.ask(vip, 5353, "a");
    const stayed = before.text.startsWith("u1") ? ips[1] : ips[0];
    await h.set(svc, makeSlice("default", "dns", [stayed], first.port, "UDP"), "dns");
    const afterMove = await c3.ask(vip, 5353, "b");
    assert.equal(afterMove.text, `${stayed === ips[0] ? "u1" : "u2"} b`, `moved from ${before.text}`);

    // No endpoints: the socket is closed; datagrams get port unreachable (no answer).
    await h.set(svc, undefined, "dns");
    assert.equal((await c3.ask(vip, 5353, "c", 300)).text, "timeout");
    assert.match(h.registry.render(), /svcnet_userspace_bytes_total\{direction="to_endpoint",protocol="udp"\} [1-9]/);
  });
});
