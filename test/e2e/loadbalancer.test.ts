// LoadBalancer services without a cloud, end to end with real pieces: `svcnet server` (with the
// service-lb-controller), three `svcnet agent` processes on a namespace sandbox (proxy and
// layer-2 speaker each), MetalLB-shaped pool objects applied with the real kubectl, and curl from
// the sandbox's outside-client namespace (172.17.8.200) on the node network. Needs root.

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { podNetnsName } from "../../src/sandbox/topology-plan.js";
import type { AgentCluster } from "./helpers/agent-cluster.js";
import { startAgentCluster } from "./helpers/agent-cluster.js";
import { repoRoot } from "./helpers/repo.js";
import { waitFor } from "./helpers/wait-for.js";
import { yamlStream } from "./helpers/yaml-stream.js";

const isRoot = process.getuid?.() === 0;
const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);

const pools = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "metallb-system" } },
  {
    apiVersion: "metallb.io/v1beta1",
    kind: "IPAddressPool",
    metadata: { name: "default", namespace: "metallb-system" },
    spec: { addresses: ["172.17.8.201-172.17.8.250"] },
  },
  {
    apiVersion: "metallb.io/v1beta1",
    kind: "IPAddressPool",
    metadata: { name: "tiny", namespace: "metallb-system" },
    spec: { addresses: ["172.17.8.199/32"], autoAssign: false },
  },
  { apiVersion: "metallb.io/v1beta1", kind: "L2Advertisement", metadata: { name: "l2", namespace: "metallb-system" }, spec: {} },
];

describe("LoadBalancer services on the namespace sandbox", { skip: isRoot ? false : "needs root for the namespace sandbox" }, () => {
  let c: AgentCluster;
  const nodes = ["core-v2-01", "core-v2-02", "core-v2-03"];
  const vip = "172.17.8.201";
  const kubectl = (args: string[], input?: string) => c.server.kubectl(args, input === undefined ? {} : { input });
  const curlFromClient = (url: string, timeoutS = 2) => c.inNetns(c.plan.client.netns, ["curl", "-s", "--max-time", String(timeoutS), url], (timeoutS + 2) * 1000);
  /** The nodes whose eth0 carries `ip` as a speaker's address. */
  async function owners(ip: string): Promise<string[]> {
    const out: string[] = [];
    for (const n of c.plan.nodes) {
      const r = await c.inNetns(n.netns, ["ip", "-4", "-o", "addr", "show", "dev", "eth0", "label", "eth0:lb"]);
      if (r.stdout.includes(` ${ip}/`)) out.push(n.name);
    }
    return out;
  }

  before(async () => {
    c = await startAgentCluster({ nodes: nodes.length, idPrefix: "l" });
    for (const n of nodes) await c.startAgent(n);
    const applied = await kubectl(["apply", "-f", "-"], yamlStream(pools));
    assert.equal(applied.code, 0, applied.stderr);
    const created = await kubectl(["create", "-f", seed("rc_nginx.yaml"), "-f", seed("service_nginx_loadbalancer.yaml")]);
    assert.equal(created.code, 0, created.stderr);
  });
  after(async () => {
    await c?.stop();
  });

  test("the service gets the pool's first address; kubectl shows it as it shows a cloud's", async () => {
    let row = "";
    await waitFor("EXTERNAL-IP assigned", async () => {
      row = (await kubectl(["get", "svc", "nginx-service", "--no-headers"])).stdout;
      return !row.includes("<pending>");
    }, { timeoutMs: 10_000, state: () => row });
    assert.match(row, /^nginx-service\s+LoadBalancer\s+10\.0\.0\.\d+\s+172\.17\.8\.201\s+8000:3\d{4}\/TCP\s/);
    await waitFor("an announcing node's Event", async () => /nodeAssigned/.test((await kubectl(["describe", "svc", "nginx-service"])).stdout), { timeoutMs: 10_000 });
    const described = (await kubectl(["describe", "svc", "nginx-service"])).stdout;
    assert.match(described, /LoadBalancer Ingress:\s+172\.17\.8\.201/);
    assert.match(described, /IPAllocated\s+.*Assigned IP \["172\.17\.8\.201"\]/);
    assert.match(described, /nodeAssigned\s+.*announcing from node "core-v2-0\d" with protocol "layer2"/);
  });

  test("from outside the cluster, the address reaches the nginx pods; exactly one node announces it", async () => {
    let page = { code: -1, stdout: "", stderr: "" };
    await waitFor(`curl ${vip}:8000 from the client`, async () => {
      page = await curlFromClient(`http://${vip}:8000/`);
      return page.code === 0;
    }, { timeoutMs: 15_000, state: () => `curl exit ${page.code}` });
    assert.match(page.stdout, /Welcome to nginx!/);
    assert.equal((await owners(vip)).length, 1);
    // The seed's pods have no readiness probe, so a pod is Ready once nginx is started, which may
    // be a moment before nginx listens (as in Kubernetes). Wait until every pod serves, so that
    // what follows tests the rules and not nginx's start.
    const podIPs = (await kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].status.podIP}"])).stdout.split(" ").filter(Boolean);
    assert.equal(podIPs.length, 3, `pod IPs: ${podIPs.join(",")}`);
    for (const ip of podIPs) {
      await waitFor(`nginx at ${ip}:80 serves`, async () => (await c.inNetns(c.plan.nodes[0].netns, ["curl", "-s", "--max-time", "1", `http://${ip}:80/`])).code === 0, { timeoutMs: 10_000 });
    }
    // And from inside the cluster, through the proxy's rules for the ingress address: from a node
    // and from each pod (kubectl exec), a few times, so every endpoint is likely chosen.
    const fromNode = await c.inNetns(c.plan.nodes[0].netns, ["curl", "-s", "--max-time", "2", `http://${vip}:8000/`]);
    assert.match(fromNode.stdout, /Welcome to nginx!/, `from a node: exit ${fromNode.code}`);
    const pods = (await kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName}{\"\\n\"}{end}"])).stdout.trim().split("\n");
    for (const line of pods) {
      const [pod, node] = line.split(" ");
      for (let i = 0; i < 3; i++) {
        const fromPod = await kubectl(["exec", pod, "--", "curl", "-s", "--max-time", "2", `http://${vip}:8000/`]);
        if (/Welcome to nginx!/.test(fromPod.stdout)) continue;
        const netns = c.plan.nodes.find((n) => n.name === node)?.netns ?? "";
        const rules = (await c.inNetns(netns, ["iptables-save", "-t", "nat"])).stdout.split("\n").filter((l) => l.includes(vip)).join("\n");
        const tracked = (await c.inNetns(netns, ["conntrack", "-L", "-d", vip])).stdout;
        assert.fail(`from pod ${pod} on ${node} (try ${i + 1}): exit ${fromPod.code} ${fromPod.stderr}\nowners: ${(await owners(vip)).join(",")}; pod IPs: ${podIPs.join(",")}\n${node}'s rules for ${vip}:\n${rules}\nconntrack:\n${tracked}`);
      }
    }
  });

  test("loadBalancerSourceRanges that exclude the client block it; including it lets it in", async () => {
    const patch = (ranges: string[]) => kubectl(["patch", "svc", "nginx-service", "--type=merge", "-p", JSON.stringify({ spec: { loadBalancerSourceRanges: ranges } })]);
    assert.equal((await patch(["10.99.0.0/16"])).code, 0);
    await waitFor("the client is refused", async () => (await curlFromClient(`http://${vip}:8000/`, 1)).code !== 0, { timeoutMs: 10_000 });
    assert.equal((await patch(["172.17.8.200/32"])).code, 0);
    await waitFor("the client is let in again", async () => (await curlFromClient(`http://${vip}:8000/`, 1)).code === 0, { timeoutMs: 10_000 });
    assert.equal((await kubectl(["patch", "svc", "nginx-service", "--type=json", "-p", '[{"op":"remove","path":"/spec/loadBalancerSourceRanges"}]'])).code, 0);
  });

  test("externalTrafficPolicy Local: the client's address is kept and only the endpoint's node announces", async () => {
    const objects = [
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "netexec", namespace: "default", labels: { app: "netexec" } },
        spec: { nodeName: "core-v2-02", containers: [{ name: "netexec", image: "svcnet/netexec", args: ["--http-port=8080"] }] },
      },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "netexec-local", namespace: "default" },
        spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", selector: { app: "netexec" }, ports: [{ port: 8080, targetPort: 8080 }] },
      },
    ];
    assert.equal((await kubectl(["create", "-f", "-"], yamlStream(objects))).code, 0);
    let ip = "";
    await waitFor("netexec-local gets an address", async () => {
      ip = (await kubectl(["get", "svc", "netexec-local", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"])).stdout;
      return ip !== "";
    }, { timeoutMs: 10_000 });
    let seen = { code: -1, stdout: "", stderr: "" };
    await waitFor("/clientip through the address", async () => {
      seen = await curlFromClient(`http://${ip}:8080/clientip`);
      return seen.code === 0;
    }, { timeoutMs: 20_000, state: () => `curl exit ${seen.code}` });
    assert.match(seen.stdout, /^172\.17\.8\.200:\d+$/);
    assert.deepEqual(await owners(ip), ["core-v2-02"]);
  });

  test("an exhausted pool, an address in use and another class: clear Events, nothing else disturbed", async () => {
    const svc = (name: string, extra: { annotations?: Record<string, string>; spec?: Record<string, unknown> }) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: "default", ...(extra.annotations && { annotations: extra.annotations }) },
      spec: { type: "LoadBalancer", selector: { app: "nginx" }, ports: [{ port: 9000, targetPort: 80 }], ...extra.spec },
    });
    const objects = [
      svc("tiny-a", { annotations: { "metallb.io/address-pool": "tiny" } }),
      svc("tiny-b", { annotations: { "metallb.io/address-pool": "tiny" } }),
      svc("wants-201", { annotations: { "metallb.io/loadBalancerIPs": vip } }),
      svc("other-class", { spec: { loadBalancerClass: "example.com/other" } }),
    ];
    assert.equal((await kubectl(["create", "-f", "-"], yamlStream(objects.slice(0, 1)))).code, 0);
    await waitFor("tiny-a gets the tiny pool's address", async () => (await kubectl(["get", "svc", "tiny-a", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"])).stdout === "172.17.8.199", { timeoutMs: 10_000 });
    assert.equal((await kubectl(["create", "-f", "-"], yamlStream(objects.slice(1)))).code, 0);
    const events = async (name: string) => (await kubectl(["get", "events", "--field-selector", `involvedObject.name=${name}`, "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"])).stdout;
    await waitFor("tiny-b: AllocationFailed", async () => /AllocationFailed: .*(exhausted|no available)/i.test(await events("tiny-b")), { timeoutMs: 10_000 });
    await waitFor("wants-201: AllocationFailed", async () => /AllocationFailed: .*172\.17\.8\.201/.test(await events("wants-201")), { timeoutMs: 10_000 });
    const condition = (await kubectl(["get", "svc", "tiny-b", "-o", "jsonpath={.status.conditions[0].type} {.status.conditions[0].status} {.status.conditions[0].reason}"])).stdout;
    assert.equal(condition, "LoadBalancerAddressAssigned False PoolExhausted");
    // The other class is not ours: left pending, never written, no Events.
    await new Promise((r) => setTimeout(r, 500));
    assert.match((await kubectl(["get", "svc", "other-class", "--no-headers"])).stdout, /<pending>/);
    assert.equal(await events("other-class"), "");
    assert.equal((await kubectl(["get", "svc", "nginx-service", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"])).stdout, vip);
    assert.equal((await curlFromClient(`http://${vip}:8000/`)).code, 0);
    assert.equal((await kubectl(["delete", "svc", "tiny-a", "tiny-b", "wants-201", "other-class"])).code, 0);
  });

  test("the control plane stops: the address stays where it is and keeps serving; when it returns nothing moves", async () => {
    const before = await owners(vip);
    assert.equal(before.length, 1);
    const pods = (await kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.containerStatuses[0].restartCount} {end}"])).stdout;
    const clusterIP = (await kubectl(["get", "svc", "nginx-service", "-o", "jsonpath={.spec.clusterIP}"])).stdout;
    const nodePort = (await kubectl(["get", "svc", "nginx-service", "-o", "jsonpath={.spec.ports[0].nodePort}"])).stdout;
    const aPod = pods.split("=")[0];
    await c.server.kill("SIGKILL");
    // Well past the speakers' 2 s lease: without the API nobody can renew, and nobody gives up.
    await new Promise((r) => setTimeout(r, 4000));
    assert.deepEqual(await owners(vip), before);
    assert.match((await curlFromClient(`http://${vip}:8000/`)).stdout, /Welcome to nginx!/);
    // ClusterIP from a pod and NodePorts from outside keep working too: the proxies keep their rules.
    const fromPod = await c.inNetns(podNetnsName(c.plan.prefix, `default/${aPod}`), ["curl", "-s", "--max-time", "2", `http://${clusterIP}:8000/`]);
    assert.match(fromPod.stdout, /Welcome to nginx!/, `ClusterIP from pod ${aPod} with the API down: exit ${fromPod.code}`);
    for (const n of c.plan.nodes) assert.match((await curlFromClient(`http://${n.ip}:${nodePort}/`)).stdout, /Welcome to nginx!/, `NodePort on ${n.name} with the API down`);
    await c.server.restart();
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(await owners(vip), before);
    assert.match((await curlFromClient(`http://${vip}:8000/`)).stdout, /Welcome to nginx!/);
    const after = (await kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.containerStatuses[0].restartCount} {end}"])).stdout;
    assert.equal(after, pods, "the same pods, not restarted");
  });

  test("the owner dies (agent SIGKILLed, its interface down): another node announces and requests succeed again", async () => {
    const [owner] = await owners(vip);
    assert.ok(owner, "someone announces the address");
    const ownerPlan = c.plan.nodes.find((n) => n.name === owner);
    assert.ok(ownerPlan);
    const t0 = Date.now();
    await c.stopAgent(owner, "SIGKILL");
    await c.inNetns(ownerPlan.netns, ["ip", "link", "set", "eth0", "down"]);
    await waitFor("a request through the address succeeds again", async () => (await curlFromClient(`http://${vip}:8000/`, 1)).code === 0, { timeoutMs: 20_000, intervalMs: 100 });
    const gapMs = Date.now() - t0;
    // The dead node still carries the address on its downed interface; among the living, one owns it.
    const now = (await owners(vip)).filter((n) => n !== owner);
    assert.equal(now.length, 1, `owners after failover: ${now.join(",")}`);
    console.log(`failover gap: ${gapMs} ms (owner ${owner} → ${now.join(",")})`);
    assert.ok(gapMs < 10_000, `failover took ${gapMs} ms; MetalLB counts more than 10 s as a bug`);
  });
});
