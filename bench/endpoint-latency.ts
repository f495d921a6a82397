// A measurement, not a test: how long from a pod's status turning Ready (the kubelet's
// pods/status write) until a watching client sees its EndpointSlice endpoint ready, with the
// three endpoint controllers running in startTestCluster over 100 Services × 10 pods.
//
//   node dist/bench/endpoint-latency.js [--services N]
//
// Half the pods turn Ready one at a time, the other half ten at a time (ten Services at once).

import type { EndpointSlice } from "../src/api/types.js";
import { summarize } from "./stats.js";
import { testToken } from "../src/apiserver/test-api.js";
import { InProcessTransport, Informer, KubeClient } from "../src/client/index.js";
import { resource } from "../src/controllers/controller-context.js";
import { startTestCluster } from "../src/controllers/test-cluster.js";
import { clientsOf, createNode, createPod, createService, setPodState } from "../src/controllers/endpoints/cluster-fixtures.js";
import { endpointControllers } from "../src/controllers/endpoints/index.js";

const servicesFlag = process.argv.indexOf("--services");
const SERVICES = servicesFlag > 0 ? Math.min(2000, Math.max(10, Number(process.argv[servicesFlag + 1]) || 1000)) : 1000;
const PODS = 10;
const AIM_P99_MS = 100;

const ipOf = (s: number, p: number): string => `10.${100 + Math.floor(s / 50)}.${s % 50}.${p + 2}`;

function summary(label: string, samples: number[]): string {
  const s = summarize(samples);
  return `${label}: n=${s.count} p50=${s.p50.toFixed(2)} ms p99=${s.p99.toFixed(2)} ms max=${s.max.toFixed(2)} ms; p99/aim(${AIM_P99_MS} ms) = ${(s.p99 / AIM_P99_MS).toFixed(3)}×`;
}

/** CPU (% of one core) and RSS of this process — API server and controllers — over `ms`. */
async function usage(ms: number, during: () => Promise<void>): Promise<string> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all([during(), new Promise((r) => setTimeout(r, ms))]);
  const cpu = process.cpuUsage(cpu0);
  const pct = ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100;
  return `cpu ${pct.toFixed(1)}% of one core, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  const cluster = await startTestCluster({ controllers: endpointControllers });
  const stop = new AbortController();
  try {
    const c = clientsOf(cluster);
    await createNode(c, "core-v2-01");
    // Headless, so that 1,000 services fit the default /24 service range; their slices are the same.
    for (let s = 0; s < SERVICES; s++) {
      await createService(c, "default", `svc-${s}`, (x) => {
        x.spec.selector = { app: `svc-${s}` };
        x.spec.clusterIP = "None";
      });
    }
    for (let s = 0; s < SERVICES; s++) {
      await Promise.all(
        Array.from({ length: PODS }, (_, p) => createPod(c, "default", `svc-${s}-${p}`, { labels: { app: `svc-${s}` }, state: { ip: ipOf(s, p), ready: false } })),
      );
    }

    // A watching client, as kube-proxy would be.
    const readyAt = new Map<string, number>();
    const waiting = new Map<string, () => void>();
    const listed = new Set<string>();
    const transport = new InProcessTransport(cluster.api.api, { token: testToken });
    const slices = new Informer<EndpointSlice>(new KubeClient(transport, resource("discovery.k8s.io", "v1", "endpointslices")));
    const look = (slice: EndpointSlice): void => {
      for (const e of slice.endpoints ?? []) {
        const ip = e.addresses[0];
        listed.add(ip);
        if (e.conditions?.ready && !readyAt.has(ip)) {
          readyAt.set(ip, performance.now());
          waiting.get(ip)?.();
        }
      }
    };
    slices.addEventHandler({ onAdd: look, onUpdate: (_old, s) => look(s) });
    void slices.run(stop.signal);
    await cluster.waitFor("every pod in a slice", async () => [...listed].filter((ip) => ip.startsWith("10.1")).length === SERVICES * PODS, 60_000);

    const measure = async (s: number, p: number): Promise<number> => {
      const ip = ipOf(s, p);
      const seen = new Promise<void>((resolve) => waiting.set(ip, resolve));
      const start = performance.now();
      await setPodState(c, "default", `svc-${s}-${p}`, { ip, ready: true });
      await seen;
      return (readyAt.get(ip) ?? Number.NaN) - start;
    };
    const sequential: number[] = [];
    for (let s = 0; s < SERVICES; s++) for (let p = 0; p < PODS / 2; p++) sequential.push(await measure(s, p));
    const concurrent: number[] = [];
    for (let p = PODS / 2; p < PODS; p++) {
      for (let s = 0; s < SERVICES; s += 10) concurrent.push(...(await Promise.all(Array.from({ length: 10 }, (_, k) => measure(s + k, p)))));
    }
    console.log(`${SERVICES} services × ${PODS} pods, pod Ready → EndpointSlice ready seen by a watcher`);
    console.log(summary("one at a time", sequential));
    console.log(summary("ten at a time", concurrent));
    console.log(`at rest (5 s): ${await usage(5000, async () => {})}`);
    // 1,000 pod readiness changes per minute for 10 s: one every 60 ms.
    const churn = async (): Promise<void> => {
      for (let i = 0; i < 166; i++) {
        const s = i % SERVICES;
        await setPodState(c, "default", `svc-${s}-0`, { ip: ipOf(s, 0), ready: i % 2 === 1 });
        await new Promise((r) => setTimeout(r, 60));
      }
    };
    console.log(`under 1,000 pod churns/min (10 s): ${await usage(10_000, churn)}`);
  } finally {
    stop.abort();
    await cluster.stop();
  }
}

await main();
