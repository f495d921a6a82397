// The proxy in the sandbox (issue 5's end-to-end figures), as root, everything inside the
// sandbox's own namespaces: (1) network programming latency — from an EndpointSlice write to the
// end of the iptables restore that carries it, on every node, with 200 other services × 10
// endpoints in the tables and kube-proxy's default --min-sync-period of 1 s, against the 1 s aim
// and the 30 s scale-test threshold; (2) HTTP throughput and latency from a pod through a
// ClusterIP versus straight to the pod IP, fresh connections, in the same run (aim ≥ 0.95×).
// Run: node dist/bench/proxy-dataplane.js [--changes 60] [--seconds 5]

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SandboxNode } from "../src/agent/node/sandbox-node.js";
import type { EndpointSlice, Pod, Service } from "../src/api/types.js";
import { testToken } from "../src/apiserver/test-api.js";
import { InProcessTransport } from "../src/client/index.js";
import { allControllers } from "../src/controllers/all-controllers.js";
import { resource } from "../src/controllers/controller-context.js";
import { startTestCluster } from "../src/controllers/test-cluster.js";
import { destroyByPrefix } from "../src/sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../src/sandbox/ip-runner.js";
import { buildSandboxNetwork } from "../src/sandbox/sandbox-network.js";
import { planTopology, podNetnsName } from "../src/sandbox/topology-plan.js";
import { summarize } from "./stats.js";
import type { RequestLoad } from "./stats.js";

const arg = (name: string, fallback: number, max: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Math.min(max, Math.max(1, Number(process.argv[i + 1]) || fallback)) : fallback;
};
const CHANGES = arg("--changes", 60, 500);
const SECONDS = arg("--seconds", 5, 30);
const BACKGROUND_SERVICES = 200;

function load(netns: string, url: string, mode: "fresh" | "keepalive" = "fresh"): Promise<RequestLoad> {
  const script = join(import.meta.dirname, "http-load.js");
  return new Promise((resolve, reject) => {
    execFile("ip", ["netns", "exec", netns, process.execPath, script, url, String(SECONDS), "8", mode], { timeout: (SECONDS + 20) * 1000 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout) as RequestLoad);
    });
  });
}

function slice(name: string, ips: string[]): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${name}-manual`, namespace: "default", labels: { "kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "bench" } },
    addressType: "IPv4",
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: "", port: 8080, protocol: "TCP" }],
  };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("proxy-dataplane needs root (it builds network namespaces)");
  const id = `b${randomBytes(4).toString("hex")}`;
  const runner = new ExecIpRunner();
  const dataDir = mkdtempSync(join(tmpdir(), "svcnet-bench-proxy-"));
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const cluster = await startTestCluster({ controllers: allControllers });
  const net = await buildSandboxNetwork(planTopology({ id, nodes: 2 }), runner);
  const runs: Promise<void>[] = [];
  try {
    const transport = new InProcessTransport(cluster.api.api, { token: testToken, userAgent: "kubelet/svcnet" });
    const agents = net.nodes.map(
      (n) => new SandboxNode({ transport, clientCA: cluster.api.pki.caCert, name: n.name, nodeIP: n.ip, podCIDR: n.podCidr, sandbox: net, dataDir: join(dataDir, n.name), renewMs: 2000 }),
    );
    for (const a of agents) runs.push(a.run(stop.signal));
    const services = cluster.client<Service>(resource("", "v1", "services"));
    const slices = cluster.client<EndpointSlice>(resource("discovery.k8s.io", "v1", "endpointslices"));
    const pods = cluster.client<Pod>(resource("", "v1", "pods"));

    // Background: 200 selector-less services with 10 endpoints each.
    for (let i = 0; i < BACKGROUND_SERVICES; i++) {
      await services.create({ metadata: { name: `bg-${i}`, namespace: "default" }, spec: { ports: [{ port: 80, targetPort: 8080 }] } } as Service);
      await slices.create(slice(`bg-${i}`, Array.from({ length: 10 }, (_, e) => `10.1.${100 + (i % 50)}.${(Math.floor(i / 50) * 10 + e + 2) % 250}`)));
    }
    await services.create({ metadata: { name: "probe", namespace: "default" }, spec: { ports: [{ port: 80, targetPort: 8080 }] } } as Service);
    await slices.create(slice("probe", ["10.1.99.2"]));

    // (1) Programming latency: one endpoint change at a time, each waited for on both nodes.
    await cluster.waitFor("both proxies synced", async () => agents.every((a) => (a.proxy?.status.syncs ?? 0) > 0), 60_000);
    const latencies: number[] = [];
    const changedKey = "default/probe";
    for (let i = 0; i < CHANGES; i++) {
      const current = await slices.get("default", "probe-manual");
      // Spread the writes over the min-sync window, as real changes arrive.
      await new Promise((r) => setTimeout(r, Math.random() * 1000));
      const writtenAt = Date.now();
      await slices.update({ ...current, endpoints: [{ addresses: [`10.1.99.${3 + (i % 200)}`], conditions: { ready: true } }] });
      await Promise.all(
        agents.map(async (a) => {
          const proxy = a.proxy;
          if (!proxy) throw new Error("no proxy");
          for (;;) {
            await proxy.nextSync();
            const last = proxy.status.lastSync;
            if (last && last.update.changedServices.has(changedKey) && last.finishedAt >= writtenAt) {
              latencies.push(last.finishedAt - writtenAt);
              return;
            }
          }
        }),
      );
    }
    const programming = summarize(latencies);

    // (2) Throughput through a ClusterIP vs straight to the pod.
    await cluster.client(resource("", "v1", "replicationcontrollers")).create({
      metadata: { name: "echo", namespace: "default" },
      spec: { replicas: 1, selector: { app: "echo" }, template: { metadata: { labels: { app: "echo" } }, spec: { containers: [{ name: "echo", image: "svcnet/netexec" }] } } },
    });
    await services.create({ metadata: { name: "echo", namespace: "default" }, spec: { selector: { app: "echo" }, ports: [{ port: 80, targetPort: 8080 }] } } as Service);
    await pods.create({ metadata: { name: "loadgen", namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox", command: ["sleep", "3600"] }] } } as Pod);
    const [echo] = await cluster.waitFor("echo and loadgen running", async () => {
      const list = (await pods.list("default")).items.filter((p) => p.status?.phase === "Running" && p.status.containerStatuses?.every((s) => s.ready));
      const e = list.filter((p) => p.metadata.labels?.["app"] === "echo");
      return e.length === 1 && list.some((p) => p.metadata.name === "loadgen") && e;
    }, 60_000);
    const svc = await services.get("default", "echo");
    const loadgenNetns = podNetnsName(net.plan.prefix, "default/loadgen");
    const viaService = `http://${svc.spec.clusterIP}/hostname`;
    const direct = `http://${echo.status?.podIP}:8080/hostname`;
    await cluster.waitFor("the ClusterIP answers", async () => (await load(loadgenNetns, viaService).catch(() => undefined))?.requests !== undefined, 30_000);
    // Thousands of fresh connections a second would run the client out of ports within seconds
    // (TIME_WAIT), for both paths alike; let the load generator's namespace reuse them.
    for (const setting of ["net.ipv4.tcp_tw_reuse=1", "net.ipv4.ip_local_port_range=1024 65000"]) {
      await new Promise((r) => execFile("ip", ["netns", "exec", loadgenNetns, "sysctl", "-w", setting], r));
    }
    // Alternate to even out noise: direct, service, direct, service.
    const mean = (xs: RequestLoad[], f: (l: RequestLoad) => number): number => xs.reduce((s, l) => s + f(l), 0) / xs.length;
    const pair = async (mode: "fresh" | "keepalive"): Promise<{ direct: RequestLoad[]; service: RequestLoad[] }> => {
      const out = { direct: [] as RequestLoad[], service: [] as RequestLoad[] };
      for (let round = 0; round < 2; round++) {
        out.direct.push(await load(loadgenNetns, direct, mode));
        out.service.push(await load(loadgenNetns, viaService, mode));
      }
      return out;
    };
    const fresh = await pair("fresh");
    const kept = await pair("keepalive");
    const report = (label: string, runs: RequestLoad[]): string =>
      `  ${label}: ${mean(runs, (l) => l.perSecond).toFixed(0)} req/s, p50 ${mean(runs, (l) => l.p50).toFixed(2)} ms, p99 ${mean(runs, (l) => l.p99).toFixed(2)} ms, errors ${runs.reduce((s, l) => s + l.errors, 0)}${runs.find((l) => l.firstError)?.firstError ? ` (${runs.find((l) => l.firstError)?.firstError})` : ""}`;

    console.log(`network programming latency, EndpointSlice write → restore done on each node (${CHANGES} changes × 2 nodes, ${BACKGROUND_SERVICES} other services × 10 endpoints, min-sync-period 1 s):`);
    console.log(`  p50 ${programming.p50.toFixed(0)} ms, p99 ${programming.p99.toFixed(0)} ms, max ${programming.max.toFixed(0)} ms — p99 ${(programming.p99 / 1000).toFixed(2)}× the 1 s aim, ${(programming.p99 / 30_000).toFixed(3)}× the 30 s scale-test threshold`);
    for (const [mode, runs] of [["fresh connection per request", fresh], ["kept-alive connections", kept]] as const) {
      console.log(`HTTP from a pod, ${mode}, 8 concurrent, ${SECONDS} s × 2 each (same pod, same run):`);
      console.log(report("straight to the pod IP", runs.direct));
      console.log(report("through the ClusterIP ", runs.service));
      console.log(`  ClusterIP / direct throughput: ${(mean(runs.service, (l) => l.perSecond) / mean(runs.direct, (l) => l.perSecond)).toFixed(3)} (aim ≥ 0.95)`);
    }
    console.log(JSON.stringify({ bench: "proxy-dataplane", programming, fresh, kept }));
  } finally {
    stop.abort();
    await Promise.allSettled(runs);
    await net.destroy().catch(() => undefined);
    await destroyByPrefix(runner, { id }).catch(() => undefined);
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
