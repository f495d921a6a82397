// A measurement, not a test: what each fault of issue 8 costs, and what a rolling restart of the
// whole control plane costs, on `svcnet up --store etcd` (3 etcd members, 2 API servers, 3 nodes,
// node grace period 20 s) with steady traffic: requests to a ClusterIP from a pod and to a
// NodePort from outside, each on a fresh connection every 50 ms, and two API writers on kept-alive
// HTTPS through the failover address.
//
//   1. Each fault in turn (control-plane-faults.ts): the time from injection until service
//      traffic succeeds again (0 when nothing failed) and until API writes succeed again,
//      against the limit measured in the same run (the node grace period for a lost node; the
//      fault's own duration for the API).
//   2. A rolling restart: every etcd member, then every API server, stopped with SIGTERM and
//      started again one at a time, each waiting for all parts to be ready. Requests lost, of
//      how many (aim: zero).
// Needs root; all traffic stays inside the sandbox's namespaces.
//
//   node dist/bench/control-plane-faults.js [--trials N]

import { podNetnsName } from "../src/sandbox/topology-plan.js";
import type { FaultName } from "../test/e2e/helpers/control-plane-faults.js";
import { FAULTS, runFault, seededRandom } from "../test/e2e/helpers/control-plane-faults.js";
import { chaosSettled, chaosWorkload } from "../test/e2e/helpers/chaos-workload.js";
import { webEndpointIPs, webPods } from "../test/e2e/helpers/web-workload.js";
import { KubeHttp } from "../test/e2e/helpers/kube-http.js";
import type { ProbeAttempt, Prober } from "../test/e2e/helpers/prober.js";
import { startProber } from "../test/e2e/helpers/prober.js";
import type { UpCluster } from "../test/e2e/helpers/up-cluster.js";
import { startUp } from "../test/e2e/helpers/up-cluster.js";
import { sleep, waitFor } from "../test/e2e/helpers/wait-for.js";
import { yamlStream } from "../test/e2e/helpers/yaml-stream.js";

const trialsFlag = process.argv.indexOf("--trials");
const TRIALS = trialsFlag > 0 ? Math.min(10, Math.max(1, Number(process.argv[trialsFlag + 1]) || 1)) : 1;
const GRACE_MS = 20_000;

interface Outcome {
  t: number;
  ok: boolean;
  cause?: string;
}

/** Milliseconds from `from` until the first success after the last failure in [from, to); 0 when none failed. */
function recoveryMs(outcomes: readonly Outcome[], from: number, to: number): number {
  const inWindow = outcomes.filter((o) => o.t >= from && o.t < to);
  const last = inWindow.filter((o) => !o.ok).at(-1);
  if (!last) return 0;
  const next = inWindow.find((o) => o.ok && o.t > last.t);
  return (next?.t ?? to) - from;
}

/** Steady API writes through the failover address until stop() (two writers, 100 ms apart each). */
function startWriters(up: UpCluster): { outcomes: Outcome[]; stop(): Promise<void> } {
  const http = KubeHttp.fromKubeconfig(up.kubeconfig);
  const outcomes: Outcome[] = [];
  let writing = true;
  const writers = [0, 1].map(async (w) => {
    for (let n = 0; writing; n++) {
      const t = Date.now();
      try {
        const r = await http.request("/api/v1/namespaces/default/configmaps", { method: "POST", body: { metadata: { name: `bench-${t}-${w}-${n}` } }, timeoutMs: 15_000 });
        outcomes.push(r.status === 201 ? { t, ok: true } : { t, ok: false, cause: `${r.status}` });
      } catch (e) {
        outcomes.push({ t, ok: false, cause: (e as NodeJS.ErrnoException).code ?? String(e) });
      }
      await sleep(100);
    }
  });
  return {
    outcomes,
    async stop() {
      writing = false;
      await Promise.all(writers);
      http.close();
    },
  };
}

const causes = (outcomes: readonly Outcome[]): string => {
  const counts = new Map<string, number>();
  for (const o of outcomes) if (!o.ok) counts.set(o.cause ?? "?", (counts.get(o.cause ?? "?") ?? 0) + 1);
  return [...counts].map(([c, n]) => `${n}× ${c}`).join(", ");
};

async function main(): Promise<void> {
  const up = await startUp(["--store", "etcd", "--etcd-members", "3", "--servers", "2", "--nodes", "3", "--node-monitor-grace-period", `${GRACE_MS / 1000}s`], { idPrefix: "b" });
  let probers: Prober[] = [];
  try {
    const created = await up.kubectl(["create", "-f", "-"], { input: yamlStream(chaosWorkload) });
    if (created.code !== 0) throw new Error(created.stderr);
    await waitFor("the workload ready", async () => (await chaosSettled(up)) && /Running/.test((await up.kubectl(["get", "pod", "client", "-o", "jsonpath={.status.phase}"])).stdout), { timeoutMs: 60_000, intervalMs: 500 });
    const clusterIP = (await up.kubectl(["get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}"])).stdout;
    const nodePort = (await up.kubectl(["get", "svc", "web", "-o", "jsonpath={.spec.ports[0].nodePort}"])).stdout;
    probers = [
      // 3 s: room for one TCP SYN retransmission (1 s), so a delayed request is not counted as lost.
      startProber("ClusterIP from a pod", podNetnsName(up.prefix, "default/client"), `http://${clusterIP}/hostname`, { timeoutMs: 3000 }),
      startProber("NodePort from outside", `${up.prefix}client`, `http://172.17.8.101:${nodePort}/hostname`, { timeoutMs: 3000 }),
    ];
    const writers = startWriters(up);
    const random = seededRandom(1);
    const whileNodeLost = async (node: string): Promise<void> => {
      const lost = (await webPods(up)).filter((p) => p.node === node).map((p) => p.ip);
      await waitFor(`the pods of ${node} out of the endpoints`, async () => (await webEndpointIPs(up)).every((ip) => !lost.includes(ip)), { timeoutMs: 40_000, intervalMs: 200 });
    };
    await sleep(2000);

    const rows: { fault: FaultName; trial: number; service: number[]; api: number; held: number; failures: string }[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      for (const fault of FAULTS) {
        const r = await runFault(fault, { control: up.control, losableNodes: ["core-v2-02", "core-v2-03"], random, whileNodeLost });
        await waitFor(`settled after ${fault}`, () => chaosSettled(up), { timeoutMs: 60_000, intervalMs: 500 });
        await sleep(2000);
        const end = Date.now();
        const service = probers.map((p) => recoveryMs(p.attempts as ProbeAttempt[], r.injectedAt, end));
        const api = recoveryMs(writers.outcomes, r.injectedAt, end);
        const failed = [...probers.flatMap((p) => p.attempts.filter((a) => !a.ok && a.t >= r.injectedAt && a.t < end)), ...writers.outcomes.filter((o) => !o.ok && o.t >= r.injectedAt && o.t < end)];
        rows.push({ fault, trial, service, api, held: r.restoredAt - r.injectedAt, failures: causes(failed) });
        console.log(`trial ${trial} ${fault} (${r.victims.join(", ")}): service traffic back after ${service.join(" / ")} ms, API writes after ${api} ms (fault held ${r.restoredAt - r.injectedAt} ms)${failed.length ? `; failed: ${causes(failed)}` : ""}`);
      }
    }

    // The rolling restart.
    await sleep(2000);
    const rollFrom = Date.now();
    const parts = await up.control.parts();
    for (const p of [...parts.filter((x) => x.kind === "etcd"), ...parts.filter((x) => x.kind === "apiserver")]) {
      await up.control.stop(p.name, "SIGTERM");
      await up.control.start(p.name);
      await waitFor(`every part ready after restarting ${p.name}`, async () => (await up.control.parts()).every((x) => x.running && x.ready), { timeoutMs: 60_000, intervalMs: 200 });
      await sleep(1000);
    }
    const rollTo = Date.now();
    await sleep(2000);
    await writers.stop();
    const traffic = await Promise.all(probers.map(async (p) => ({ name: p.name, attempts: await p.stop() })));
    probers = [];

    console.log("");
    console.log(`Faults on svcnet up --store etcd (3 etcd members, 2 API servers, 3 nodes), ${TRIALS} trial(s) each; time from injection until traffic succeeds again:`);
    for (const fault of FAULTS) {
      const mine = rows.filter((r) => r.fault === fault);
      const worst = (f: (r: (typeof rows)[number]) => number): number => Math.max(...mine.map(f));
      const service = worst((r) => Math.max(...r.service));
      const api = worst((r) => r.api);
      const limit = fault === "node-loss" ? GRACE_MS : worst((r) => r.held);
      const limitName = fault === "node-loss" ? "the node grace period" : "the fault's duration";
      console.log(`  ${fault.padEnd(20)} service ${String(service).padStart(6)} ms (${(service / limit).toFixed(2)}× ${limitName}, ${limit} ms)   API writes ${String(api).padStart(6)} ms (${(api / worst((r) => r.held)).toFixed(2)}× the fault's duration)`);
    }
    const rollService = traffic.map((t) => ({ name: t.name, all: t.attempts.filter((a) => a.t >= rollFrom && a.t < rollTo) }));
    const rollApi = writers.outcomes.filter((o) => o.t >= rollFrom && o.t < rollTo);
    console.log(`Rolling restart of all ${parts.filter((p) => p.kind !== "node").length} control-plane processes (SIGTERM, start, wait ready; ${((rollTo - rollFrom) / 1000).toFixed(1)} s):`);
    for (const s of rollService) console.log(`  ${s.name}: ${s.all.filter((a) => !a.ok).length} of ${s.all.length} requests lost (aim 0)${s.all.some((a) => !a.ok) ? `: ${causes(s.all)}` : ""}`);
    console.log(`  API writes through the failover address: ${rollApi.filter((o) => !o.ok).length} of ${rollApi.length} lost (aim 0)${rollApi.some((o) => !o.ok) ? `: ${causes(rollApi)}` : ""}`);
    console.log(
      `BENCH_JSON ${JSON.stringify({
        bench: "control-plane-faults",
        trials: TRIALS,
        faults: rows,
        rollingRestart: { seconds: (rollTo - rollFrom) / 1000, service: rollService.map((s) => ({ name: s.name, lost: s.all.filter((a) => !a.ok).length, total: s.all.length })), api: { lost: rollApi.filter((o) => !o.ok).length, total: rollApi.length } },
      })}`,
    );
  } finally {
    await Promise.all(probers.map((p) => p.stop()));
    await up.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
