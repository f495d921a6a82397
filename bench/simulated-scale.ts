// Scale of the control plane with simulated nodes (issue 4's figure; kwok's CI bar is each
// within 60 s): N simulated nodes register Ready, then M pods (one Deployment-less batch of
// bare pods) are scheduled and reported Ready. API server, controllers and the simulated
// kubelets share this one process and the machine's 2 cores. Progress is counted from informers
// (one list, then watch), as clusterloader does, not by relisting every object again and again.
// Run: node dist/bench/simulated-scale.js [--nodes 5000] [--pods 10000]

import { setMaxListeners } from "node:events";
import { SimulatedNode } from "../src/agent/simulated/simulated-node.js";
import { nthNode } from "../src/cli/agent-command.js";
import type { KubeObject, Node, Pod } from "../src/api/types.js";
import { testToken } from "../src/apiserver/test-api.js";
import { InProcessTransport, Informer, keyOf, objectKey } from "../src/client/index.js";
import { allControllers } from "../src/controllers/all-controllers.js";
import { resource } from "../src/controllers/controller-context.js";
import { startTestCluster } from "../src/controllers/test-cluster.js";

function flag(name: string, dflt: number, max: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Math.min(max, Math.max(1, Number(process.argv[i + 1]) || dflt)) : dflt;
}

const NODES = flag("nodes", 5000, 10_000);
const PODS = flag("pods", 10_000, 20_000);
const LIMIT_S = 60;

/** Keys of the informer's objects that satisfy `test`, kept up to date by its handlers. */
function countWhere<T extends KubeObject>(informer: Informer<T>, test: (obj: T) => boolean): Set<string> {
  const keys = new Set<string>();
  const see = (obj: T): void => void (test(obj) ? keys.add(objectKey(obj)) : keys.delete(objectKey(obj)));
  informer.addEventHandler({ onAdd: see, onUpdate: (_old, obj) => see(obj), onDelete: (obj) => keys.delete(keyOf(obj)) });
  return keys;
}

async function main(): Promise<void> {
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  // What pods need on their way to Running: their namespace's service account (admission
  // requires it), a scheduler, and the node lifecycle controller watching the nodes.
  const wanted = ["serviceaccount", "scheduler", "nodelifecycle"];
  const cluster = await startTestCluster({ controllers: allControllers.filter((c) => wanted.includes(c.name)) });
  try {
    const transport = new InProcessTransport(cluster.api.api, { token: testToken, userAgent: "kubelet/svcnet" });
    const t0 = performance.now();
    const base = { name: "sim-00001", ip: "172.20.0.1", podCIDR: "10.100.0.0/24" };
    for (let i = 0; i < NODES; i++) {
      const n = nthNode(base, i, NODES);
      void new SimulatedNode({ transport, name: n.name, nodeIP: n.ip, podCIDR: n.podCIDR, renewMs: 30_000 }).run(stop.signal).catch(() => {});
    }
    const nodes = new Informer<Node>(cluster.client<Node>(resource("", "v1", "nodes")));
    const pods = new Informer<Pod>(cluster.client<Pod>(resource("", "v1", "pods")), { namespace: "default" });
    const readyNodes = countWhere(nodes, (n) => Boolean(n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")));
    const runningPods = countWhere(pods, (p) => p.status?.phase === "Running");
    void nodes.run(stop.signal);
    void pods.run(stop.signal);
    await cluster.waitFor(`${NODES} Ready nodes`, async () => readyNodes.size >= NODES, 600_000);
    const nodesReady = (performance.now() - t0) / 1000;
    const podClient = cluster.client<Pod>(resource("", "v1", "pods"));
    const t1 = performance.now();
    for (let i = 0; i < PODS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, PODS - i) }, (_, k) =>
          podClient.create({ metadata: { name: `pod-${i + k}`, namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox", command: ["sleep", "3600"] }] } }),
        ),
      );
    }
    await cluster.waitFor(`${PODS} Running pods`, async () => runningPods.size >= PODS, 900_000);
    const podsReady = (performance.now() - t1) / 1000;
    console.log(`simulated scale: ${NODES} nodes Ready in ${nodesReady.toFixed(1)} s (${(nodesReady / LIMIT_S).toFixed(2)}× kwok's 60 s bar)`);
    console.log(`                 ${PODS} pods created and Running in ${podsReady.toFixed(1)} s (${(podsReady / LIMIT_S).toFixed(2)}× the 60 s bar)`);
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(`                 rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, peak ${peakRssMiB.toFixed(0)} MiB`);
    const figures = { nodesReadySeconds: nodesReady, podsReadySeconds: podsReady, peakRssMiB, limitSeconds: LIMIT_S };
    console.log(`BENCH_JSON ${JSON.stringify({ bench: "simulated-scale", nodes: NODES, pods: PODS, ...figures })}`);
  } finally {
    stop.abort();
    await cluster.stop();
  }
}

await main();
