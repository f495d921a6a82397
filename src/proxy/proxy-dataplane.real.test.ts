// The proxy's data plane for real (as root): a two-node namespace sandbox with the node agents,
// each running the service proxy in its node's namespace — once per proxy mode (iptables, then
// nftables), the same behaviour table for both. Traffic flows only between the
// sandbox's own namespaces: from a client pod to ClusterIPs, from the outside-client namespace
// to NodePorts. Checks the seed's service (all three nginx pods reached, iptables counters
// moving), scaling up and to zero (connection refused at once), session affinity, the
// client source IP kept by externalTrafficPolicy Local, a client retrying from a port whose SYN
// went to a dark endpoint, and a long-lived UDP flow that follows its service to a new pod
// instead of staying black-holed on a stale conntrack entry.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import type { EndpointSlice, Pod, Service } from "../api/types.js";
import { resource } from "../controllers/controller-context.js";
import type { TestCluster } from "../controllers/test-cluster.js";
import type { SandboxNetwork } from "../sandbox/sandbox-network.js";
import type { TestSandbox } from "../agent/node/test-sandbox.js";
import { startTestSandbox } from "../agent/node/test-sandbox.js";
import type { ProxyMode } from "./service-proxy.js";

const isRoot = process.getuid?.() === 0;

interface Ran {
  stdout: string;
  code: number;
}

function inNetns(netns: string, argv: string[], timeoutMs = 10_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile("ip", ["netns", "exec", netns, ...argv], { timeout: timeoutMs }, (err, stdout) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ stdout: String(stdout), code });
    });
  });
}

/** curl inside a namespace: the body, or the curl exit code when it failed (7 = refused, 28 = timeout). */
async function curl(netns: string, url: string): Promise<Ran> {
  return inNetns(netns, ["curl", "-s", "--max-time", "2", url]);
}

/**
 * One UDP datagram "hostname" from a fixed source port (a long-lived flow, like a resolver's or
 * statsd's) to ip:port inside a namespace; the reply, or "" after 700 ms.
 */
async function udpAsk(netns: string, ip: string, port: number): Promise<string> {
  const script = [
    "const s = require('node:dgram').createSocket('udp4');",
    "s.on('message', (m) => { process.stdout.write(String(m)); process.exit(0); });",
    `s.bind(40053, () => s.send('hostname', ${port}, '${ip}'));`,
    "setTimeout(() => process.exit(0), 700);",
  ].join("");
  return (await inNetns(netns, [process.execPath, "-e", script])).stdout;
}

/**
 * GET /hostname over a new TCP connection from a fixed source port to ip:port inside a namespace:
 * the answer's body, or "" when nothing came back in 1.5 s.
 */
async function tcpAskFromPort(netns: string, ip: string, port: number, localPort: number): Promise<string> {
  const script = [
    `const s = require('node:net').connect({ host: '${ip}', port: ${port}, localPort: ${localPort} });`,
    "let got = '';",
    "s.on('connect', () => s.write('GET /hostname HTTP/1.0\\r\\n\\r\\n'));",
    "s.on('data', (d) => (got += d)).on('end', () => { process.stdout.write(got.split('\\r\\n\\r\\n')[1] ?? ''); process.exit(0); });",
    "s.on('error', () => process.exit(0));",
    "setTimeout(() => process.exit(0), 1500);",
  ].join("");
  return (await inNetns(netns, [process.execPath, "-e", script])).stdout.trim();
}

/**
 * Connections conntrack saw DNATed from ip:port, per endpoint "ip:port" (mode-neutral: nftables
 * rules carry no counters). Closed TCP connections stay listed for minutes (TIME_WAIT).
 */
async function conntrackCounters(netns: string, ip: string, port: number): Promise<Map<string, number>> {
  const out = await inNetns(netns, ["conntrack", "-L", "-p", "tcp", "--orig-dst", ip, "--dport", String(port)]);
  const counts = new Map<string, number>();
  for (const line of out.stdout.split("\n")) {
    // orig: src= dst= sport= dport= … reply: src=<endpoint> dst= sport=<endpoint port> …
    const m = /dport=\d+ .*?src=(\S+) dst=\S+ sport=(\d+)/.exec(line);
    if (m) counts.set(`${m[1]}:${m[2]}`, (counts.get(`${m[1]}:${m[2]}`) ?? 0) + 1);
  }
  return counts;
}

/** Packets counted by each KUBE-SEP chain's DNAT rule in a node's nat table. */
async function dnatCounters(netns: string): Promise<Map<string, number>> {
  const out = await inNetns(netns, ["iptables", "-t", "nat", "-L", "-v", "-n", "-x"]);
  const counts = new Map<string, number>();
  let chain = "";
  for (const line of out.stdout.split("\n")) {
    const head = /^Chain (\S+)/.exec(line);
    if (head) chain = head[1];
    const rule = /^\s*(\d+)\s+\d+\s+DNAT\s.*to:(\S+)/.exec(line);
    if (rule && chain.startsWith("KUBE-SEP-")) counts.set(rule[2], Number(rule[1]));
  }
  return counts;
}

/** What the rules look like in each mode, for the checks that read them. */
const modeChecks: Record<Exclude<ProxyMode, "userspace">, { endpointCount(nodeNetns: string): Promise<number>; hasAffinity(nodeNetns: string): Promise<boolean> }> = {
  iptables: {
    async endpointCount(node) {
      const nat = await inNetns(node, ["iptables-save", "-t", "nat"]);
      return nat.stdout.split("\n").filter((l) => l.startsWith("-A KUBE-SVC-V2OKYYMBY3REGZOG") && l.includes("-j KUBE-SEP-")).length;
    },
    async hasAffinity(node) {
      return (await inNetns(node, ["iptables-save", "-t", "nat"])).stdout.includes("--rcheck");
    },
  },
  nftables: {
    async endpointCount(node) {
      const chain = await inNetns(node, ["nft", "list", "chain", "ip", "kube-proxy", "service-UOJBH74F-default/nginx-service/tcp/"]);
      return Number(/numgen random mod (\d+)/.exec(chain.stdout)?.[1] ?? 0);
    },
    async hasAffinity(node) {
      return (await inNetns(node, ["nft", "list", "sets", "ip"])).stdout.includes("affinity-");
    },
  },
};

for (const mode of ["iptables", "nftables"] as const) describe(`the service proxy's data plane in the sandbox (${mode} mode)`, { skip: isRoot ? false : "needs root (network namespaces)" }, () => {
  let sandbox: TestSandbox;
  let c: TestCluster;
  let net: SandboxNetwork;

  before(async () => {
    sandbox = await startTestSandbox({ idPrefix: mode === "iptables" ? "p" : "q", proxy: { mode, minSyncPeriodMs: 100, syncPeriodMs: 2000 } });
    ({ cluster: c, net } = sandbox);
  });
  after(async () => {
    await sandbox?.stop();
    assert.deepEqual(await sandbox?.leftovers(), [], "no namespace of this test is left");
  });

  const pods = () => c.client<Pod>(resource("", "v1", "pods"));
  const services = () => c.client<Service>(resource("", "v1", "services"));
  const podNetns = (name: string): string => sandbox.podNetns(name);
  const nodeNetns = (nodeName: string): string => sandbox.nodeNetns(nodeName);

  async function runningPods(selector: string, count: number): Promise<Pod[]> {
    return c.waitFor(`${count} running pods ${selector}`, async () => {
      const list = (await pods().list("default", { labelSelector: selector })).items;
      return list.length === count && list.every((p) => p.status?.phase === "Running" && p.status.containerStatuses?.every((s) => s.ready)) && list;
    }, 30_000);
  }

  async function rc(name: string, replicas: number, image: string, port: number): Promise<void> {
    await c.client(resource("", "v1", "replicationcontrollers")).create({
      metadata: { name, namespace: "default" },
      spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image, ports: [{ containerPort: port }] }] } } },
    });
  }

  async function scale(name: string, replicas: number): Promise<void> {
    await c.client(resource("", "v1", "replicationcontrollers")).patch("default", name, { type: "merge", body: { spec: { replicas } } });
  }

  async function readyEndpoints(service: string, count: number): Promise<void> {
    await c.waitFor(`${count} ready endpoints of ${service}`, async () => {
      const slices = (await c.client<EndpointSlice>(resource("discovery.k8s.io", "v1", "endpointslices")).list("default", { labelSelector: `kubernetes.io/service-name=${service}` })).items;
      const ready = slices.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false);
      return ready.length === count;
    }, 30_000);
  }

  let client: Pod;

  test("the seed's nginx-service: a pod reaches all three nginx pods through the ClusterIP, and the NodePort answers on both nodes", async () => {
    await rc("nginx", 3, "nginx", 80);
    await services().create({
      metadata: { name: "nginx-service", namespace: "default" },
      spec: { type: "NodePort", selector: { app: "nginx" }, ports: [{ port: 8000, targetPort: 80, nodePort: 30802 }] },
    } as Service);
    await pods().create({ metadata: { name: "client", namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "sleep 3600"] }] } } as Pod);
    await runningPods("app=nginx", 3);
    [client] = await Promise.all([c.waitFor("client running", async () => {
      const p = await pods().get("default", "client");
      return p.status?.phase === "Running" && p;
    }, 30_000), readyEndpoints("nginx-service", 3)]);
    const svc = await services().get("default", "nginx-service");
    const url = `http://${svc.spec.clusterIP}:8000/`;
    await c.waitFor("the ClusterIP answers", async () => (await curl(podNetns("client"), url)).stdout.includes("Welcome to nginx!"), 10_000);
    const node = nodeNetns(client.spec.nodeName ?? "");
    // The ClusterIP answers as soon as the rules hold one endpoint; the spread is measured once
    // they hold all three (a later sync rewrites the service's chains, restarting its counters).
    await c.waitFor("three endpoints in nginx-service's dispatch", async () => (await modeChecks[mode].endpointCount(node)) === 3, 5000);
    const counters = (): Promise<Map<string, number>> => (mode === "iptables" ? dnatCounters(node) : conntrackCounters(node, svc.spec.clusterIP ?? "", 8000));
    const before = await counters();
    const requests = 45;
    for (let i = 0; i < requests; i++) {
      const r = await curl(podNetns("client"), url);
      assert.match(r.stdout, /Welcome to nginx!/, `request ${i} through the ClusterIP`);
    }
    const after = await counters();
    const spread = [...after].map(([endpoint, n]) => [endpoint, n - (before.get(endpoint) ?? 0)] as const).filter(([, n]) => n > 0);
    const nginxIPs = (await runningPods("app=nginx", 3)).map((p) => `${p.status?.podIP}:80`).sort();
    assert.deepEqual(spread.map(([e]) => e).sort(), nginxIPs, `every nginx pod got connections: ${JSON.stringify(spread)}`);
    for (const [endpoint, n] of spread) assert.ok(n >= 5, `${endpoint} got ${n} of ${requests} connections (expected about a third)`);
    console.log(`# ${mode}: ClusterIP spread over the three nginx pods (${requests} requests): ${spread.map(([e, n]) => `${e}=${n}`).join(" ")}`);

    for (const nodeIP of net.nodes.map((n) => n.ip)) {
      const r = await curl(net.plan.client.netns, `http://${nodeIP}:30802/`);
      assert.match(r.stdout, /Welcome to nginx!/, `NodePort on ${nodeIP} from outside the cluster`);
    }
  });

  test("scaling to 5 adds endpoints to the rules; scaling to 0 refuses connections at once", async () => {
    const svc = await services().get("default", "nginx-service");
    const url = `http://${svc.spec.clusterIP}:8000/`;
    await scale("nginx", 5);
    await readyEndpoints("nginx-service", 5);
    const node = nodeNetns(client.spec.nodeName ?? "");
    await c.waitFor("five endpoints in nginx-service's dispatch", async () => (await modeChecks[mode].endpointCount(node)) === 5, 5000);
    await scale("nginx", 0);
    await readyEndpoints("nginx-service", 0);
    const start = Date.now();
    const refused = await c.waitFor("connection refused", async () => {
      const r = await curl(podNetns("client"), url);
      return r.code === 7 && r;
    }, 5000);
    assert.equal(refused.code, 7, "curl: (7) Failed to connect — refused, not a timeout");
    console.log(`# ${mode}: refused ${Date.now() - start} ms after the endpoints emptied`);
  });

  test("session affinity keeps one client on one pod; externalTrafficPolicy Local keeps the client's address", async () => {
    await rc("echo", 3, "svcnet/netexec", 8080);
    await services().create({
      metadata: { name: "echo", namespace: "default" },
      spec: { type: "NodePort", selector: { app: "echo" }, ports: [{ port: 80, targetPort: 8080 }] },
    } as Service);
    const echoPods = await runningPods("app=echo", 3);
    await readyEndpoints("echo", 3);
    const svc = await services().get("default", "echo");
    const url = `http://${svc.spec.clusterIP}/hostname`;
    await c.waitFor("echo answers", async () => (await curl(podNetns("client"), url)).code === 0, 10_000);
    // Who answers, from requests that got an answer: this is about the spread, not about loss
    // (a lone failed request was seen once in CI; it is retried and reported, not counted).
    const seen = new Set<string>();
    const failed: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await curl(podNetns("client"), url);
      if (r.code === 0) seen.add(r.stdout);
      else failed.push(r.code);
    }
    if (failed.length) console.log(`# ${mode}: ${failed.length} of 30 requests without an answer (curl exit ${failed.join(", ")})`);
    assert.ok(failed.length <= 1, `requests without an answer: curl exit ${failed.join(", ")}`);
    assert.equal(seen.size, 3, `without affinity all three pods answer: ${[...seen].join(",")}`);

    await services().patch("default", "echo", { type: "merge", body: { spec: { sessionAffinity: "ClientIP" } } });
    await c.waitFor("affinity rules", async () => modeChecks[mode].hasAffinity(nodeNetns(client.spec.nodeName ?? "")), 5000);
    const sticky = new Set<string>();
    for (let i = 0; i < 15; i++) {
      const r = await curl(podNetns("client"), url);
      if (r.code === 0) sticky.add(r.stdout);
    }
    assert.equal(sticky.size, 1, `with ClientIP affinity one pod answers: ${[...sticky].join(",")}`);

    const nodePort = svc.spec.ports?.[0]?.nodePort ?? 0;
    const withPod = net.nodes.find((n) => echoPods.some((p) => p.spec.nodeName === n.name)) ?? assert.fail("no node with an echo pod");
    const clusterPolicy = await curl(net.plan.client.netns, `http://${withPod.ip}:${nodePort}/clientip`);
    assert.equal(clusterPolicy.code, 0);
    assert.ok(!clusterPolicy.stdout.startsWith(`${net.plan.client.ip}:`), `Cluster policy masquerades: ${clusterPolicy.stdout}`);
    await services().patch("default", "echo", { type: "merge", body: { spec: { externalTrafficPolicy: "Local", sessionAffinity: "None" } } });
    const local = await c.waitFor("the client's own address", async () => {
      const r = await curl(net.plan.client.netns, `http://${withPod.ip}:${nodePort}/clientip`);
      return r.stdout.startsWith(`${net.plan.client.ip}:`) && r.stdout;
    }, 5000);
    assert.match(local, /^172\.17\.8\.200:\d+$/);
  });

  test("a client retrying from the same port after its endpoint went dark reaches the new one (half-open TCP entries removed)", async () => {
    // Pod "dark-a" serves, then its link goes down while it is still an endpoint: a SYN DNATed to
    // it is never answered and conntrack keeps that half-open entry for two minutes.
    const labels = { app: "halfopen" };
    const netexec = (name: string): Pod => ({ metadata: { name, namespace: "default", labels }, spec: { containers: [{ name: "netexec", image: "svcnet/netexec", ports: [{ containerPort: 8080 }] }] } }) as Pod;
    await pods().create(netexec("dark-a"));
    await services().create({ metadata: { name: "halfopen", namespace: "default" }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } } as Service);
    await runningPods("app=halfopen", 1);
    await readyEndpoints("halfopen", 1);
    const ip = (await services().get("default", "halfopen")).spec.clusterIP ?? "";
    // A fresh source port per try: a try made before the proxy has the service's rules leaves an
    // un-NATed entry for its port, which later tries from the same port would follow (the very
    // thing this test is about), so the warm-up must not reuse one.
    let warmUpPort = 40100;
    await c.waitFor("halfopen answers", async () => (await tcpAskFromPort(podNetns("client"), ip, 80, warmUpPort++)) === "dark-a", 10_000);
    await inNetns(podNetns("dark-a"), ["ip", "link", "set", "eth0", "down"]);
    const port = 40081;
    assert.equal(await tcpAskFromPort(podNetns("client"), ip, 80, port), "", "no answer from a pod whose link is down");
    const node = nodeNetns(client.spec.nodeName ?? "");
    const halfOpen = async (): Promise<string> => (await inNetns(node, ["conntrack", "-L", "-p", "tcp", "--orig-dst", ip, "--orig-port-src", String(port)])).stdout;
    assert.match(await halfOpen(), /SYN_SENT .*\[UNREPLIED\]/, "the unanswered SYN left a half-open entry");
    // Its replacement serves; the dark pod leaves the endpoints. The same client port must now be balanced anew.
    await pods().create(netexec("dark-b"));
    const darkB = (await runningPods("app=halfopen", 2)).find((p) => p.metadata.name === "dark-b")?.status?.podIP;
    await pods().delete("default", "dark-a", { gracePeriodSeconds: 0 });
    await c.waitFor("only dark-b in the endpoints", async () => {
      const slices = (await c.client<EndpointSlice>(resource("discovery.k8s.io", "v1", "endpointslices")).list("default", { labelSelector: "kubernetes.io/service-name=halfopen" })).items;
      return slices.flatMap((x) => x.endpoints ?? []).filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses).join() === darkB;
    }, 30_000);
    await c.waitFor("the half-open entry to dark-a gone", async () => !/SYN_SENT/.test(await halfOpen()), 5000);
    // Tried until the proxy has dark-b (a SYN rejected meanwhile leaves no entry); without the
    // cleanup every try would follow the old entry to dark-a for two minutes.
    const answer = await c.waitFor("an answer to a retry from the same port", async () => (await tcpAskFromPort(podNetns("client"), ip, 80, port)) || undefined, 6000);
    assert.equal(answer, "dark-b", "the retry from the same port reaches the serving pod");
  });

  test("a UDP flow moves to the new pod when its endpoint goes away (stale conntrack entries removed)", async () => {
    await rc("udp", 1, "svcnet/netexec", 8081);
    await services().create({
      metadata: { name: "udp", namespace: "default" },
      spec: { selector: { app: "udp" }, ports: [{ port: 53, targetPort: 8081, protocol: "UDP" }] },
    } as Service);
    const [first] = await runningPods("app=udp", 1);
    await readyEndpoints("udp", 1);
    const svc = await services().get("default", "udp");
    const ip = svc.spec.clusterIP ?? "";
    const answer = await c.waitFor("the UDP service answers", async () => (await udpAsk(podNetns("client"), ip, 53)) || undefined, 10_000);
    assert.equal(answer, first.metadata.name);
    // The flow keeps sending from the same port while its pod is replaced.
    await pods().delete("default", first.metadata.name ?? "", { gracePeriodSeconds: 0 });
    const moved = await c.waitFor("an answer from the replacement pod", async () => {
      const reply = await udpAsk(podNetns("client"), ip, 53);
      return reply !== "" && reply !== first.metadata.name && reply;
    }, 20_000);
    const [second] = await runningPods("app=udp", 1);
    assert.equal(moved, second.metadata.name);
  });
});
