// Pod startup latency on the namespace sandbox (issue 4's figure): create → Ready for 30 pods
// (busybox `sleep`) on two real sandbox nodes, with the control plane, controllers and node
// agents in this process; p50/p99 against Kubernetes' SLO (p99 ≤ 5 s) and the 1 s aim; and
// the agents' memory per running pod (this process's RSS growth; each pod's own process is
// separate). Needs root. Run: node dist/bench/pod-startup.js [--pods N]

import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SandboxNode } from "../src/agent/node/sandbox-node.js";
import type { Pod } from "../src/api/types.js";
import { testToken } from "../src/apiserver/test-api.js";
import { InProcessTransport } from "../src/client/index.js";
import { allControllers } from "../src/controllers/all-controllers.js";
import { resource } from "../src/controllers/controller-context.js";
import { startTestCluster } from "../src/controllers/test-cluster.js";
import { destroyByPrefix } from "../src/sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../src/sandbox/ip-runner.js";
import { buildSandboxNetwork } from "../src/sandbox/sandbox-network.js";
import { planTopology } from "../src/sandbox/topology-plan.js";
import { summarize } from "./stats.js";

const podsFlag = process.argv.indexOf("--pods");
const PODS = podsFlag > 0 ? Math.min(100, Math.max(1, Number(process.argv[podsFlag + 1]) || 30)) : 30;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("pod-startup needs root (it builds network namespaces)");
  const id = `b${randomBytes(4).toString("hex")}`;
  const runner = new ExecIpRunner();
  const dataDir = mkdtempSync(join(tmpdir(), "svcnet-bench-pods-"));
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const cluster = await startTestCluster({ controllers: allControllers });
  const net = await buildSandboxNetwork(planTopology({ id, nodes: 2 }), runner);
  const agents: Promise<void>[] = [];
  try {
    const transport = new InProcessTransport(cluster.api.api, { token: testToken, userAgent: "kubelet/svcnet" });
    for (const n of net.nodes) {
      agents.push(new SandboxNode({ transport, clientCA: cluster.api.pki.caCert, name: n.name, nodeIP: n.ip, podCIDR: n.podCidr, sandbox: net, dataDir: join(dataDir, n.name), renewMs: 2000 }).run(stop.signal));
    }
    const pods = cluster.client<Pod>(resource("", "v1", "pods"));
    await cluster.waitFor("two nodes", async () => (await cluster.client(resource("", "v1", "nodes")).list(undefined)).items.length === 2, 20_000);
    const rssBefore = process.memoryUsage().rss;
    const created = new Map<string, number>();
    const readyAt = new Map<string, number>();
    for (let i = 0; i < PODS; i++) {
      const name = `startup-${i}`;
      created.set(name, performance.now());
      await pods.create({ metadata: { name, namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox", command: ["sleep", "3600"] }] } });
    }
    await cluster.waitFor(
      `${PODS} Ready pods`,
      async () => {
        for (const p of (await pods.list("default")).items) {
          const name = p.metadata.name ?? "";
          if (!readyAt.has(name) && p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) readyAt.set(name, performance.now());
        }
        return readyAt.size >= PODS;
      },
      120_000,
    );
    const samples = [...created].map(([name, t]) => (readyAt.get(name) ?? Number.NaN) - t);
    const s = summarize(samples);
    const perPodKiB = (process.memoryUsage().rss - rssBefore) / 1024 / PODS;
    console.log(`pod startup on the namespace sandbox, ${PODS} busybox pods on 2 nodes (create → Ready, polled every 25 ms)`);
    console.log(`p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms`);
    console.log(`p99 / Kubernetes SLO (5000 ms) = ${(s.p99 / 5000).toFixed(3)}×; p99 / aim (1000 ms) = ${(s.p99 / 1000).toFixed(3)}×`);
    console.log(`agent-side memory per running pod (RSS growth of the control plane + agents process): ${perPodKiB.toFixed(0)} KiB`);
    console.log(`BENCH_JSON ${JSON.stringify({ bench: "pod-startup", pods: PODS, p50Ms: s.p50, p99Ms: s.p99, maxMs: s.max, sloRatio: s.p99 / 5000, aimRatio: s.p99 / 1000, perPodKiB })}`);
  } finally {
    stop.abort();
    await Promise.allSettled(agents);
    await net.destroy().catch(() => {});
    await destroyByPrefix(runner, { id }).catch(() => {});
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
