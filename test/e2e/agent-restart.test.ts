// `svcnet agent --sandbox-id` as its own process on a node of a real namespace sandbox, killed
// with SIGKILL and started again: its running pods are adopted, not restarted (same container,
// address, restart count, readiness); a container that exited while no agent ran is reported
// with its real exit code; a pod deleted meanwhile is removed with its namespace and processes.
// Needs root; everything lives in svcnet-<random>-* namespaces and a temp dir.

import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isRunning } from "../../src/agent/runtime/proc-scan.js";
import { destroyByPrefix, listNamespaces } from "../../src/sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../../src/sandbox/ip-runner.js";
import { buildSandboxNetwork } from "../../src/sandbox/sandbox-network.js";
import { planTopology, podNetnsName } from "../../src/sandbox/topology-plan.js";
import { svcnetBin } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to build the namespace sandbox (CI runs as root)";

interface PodView {
  phase?: string;
  podIP?: string;
  containerID?: string;
  restartCount?: number;
  ready?: boolean;
  startedAt?: string;
  exitCode?: number;
}

describe("svcnet agent: SIGKILL and start again", { skip }, () => {
  const runner = new ExecIpRunner();
  const id = `a${randomBytes(4).toString("hex")}`;
  const plan = planTopology({ id, nodes: 1 });
  let s: ServerProcess;
  let dataDir = "";
  let agent: ChildProcess | undefined;
  let agentLog = "";
  const pids: number[] = [];

  before(async () => {
    s = await startServer();
    dataDir = mkdtempSync(join(tmpdir(), "svcnet-agent-restart-"));
    await buildSandboxNetwork(plan, runner);
  });
  after(async () => {
    try {
      await stopAgent("SIGTERM");
    } finally {
      // The agent leaves pods running on purpose; removing the sandbox kills what is inside it.
      await destroyByPrefix(runner, { id });
      rmSync(dataDir, { recursive: true, force: true });
      await s?.stop();
    }
    assert.deepEqual(await listNamespaces(runner, plan.prefix), [], "no namespace of this test is left");
    await waitFor("every pod process gone", async () => (await Promise.all(pids.map(isRunning))).every((running) => !running), { timeoutMs: 5000 });
  });

  function startAgent(): void {
    const child = spawn(process.execPath, [svcnetBin(), "agent", "--kubeconfig", s.kubeconfig, "--sandbox-id", id, "--node-name", "core-v2-01", "--data-dir", dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (c: Buffer) => (agentLog += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (agentLog += c.toString()));
    agent = child;
  }

  async function stopAgent(signal: NodeJS.Signals): Promise<void> {
    const child = agent;
    agent = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await gone;
  }

  /** Synchronous liveness for assertions: /proc/<pid>/stat exists and is not a zombie. */
  function alive(pid: number): boolean {
    try {
      return !/^\d+ \(.*\) [ZX] /s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      return false;
    }
  }

  async function view(name: string): Promise<PodView | undefined> {
    const r = await s.kubectl(["get", "pod", name, "-o", "json"]);
    if (r.code !== 0) return undefined;
    const pod = JSON.parse(r.stdout) as { status?: { phase?: string; podIP?: string; containerStatuses?: Record<string, unknown>[] } };
    const c = pod.status?.containerStatuses?.[0] as
      | { containerID?: string; restartCount?: number; ready?: boolean; state?: { running?: { startedAt?: string }; terminated?: { exitCode?: number } } }
      | undefined;
    return {
      phase: pod.status?.phase,
      podIP: pod.status?.podIP,
      containerID: c?.containerID,
      restartCount: c?.restartCount,
      ready: c?.ready,
      startedAt: c?.state?.running?.startedAt,
      exitCode: c?.state?.terminated?.exitCode,
    };
  }

  const pidOf = (v: PodView | undefined): number => Number(String(v?.containerID ?? "").replace("svcnet://", ""));

  test("running pods are adopted, an exit while away is recorded, a deletion while away is carried out", async () => {
    startAgent();
    await waitFor("node core-v2-01 Ready", async () => /^core-v2-01\s+Ready\s/m.test((await s.kubectl(["get", "nodes", "--no-headers"])).stdout), {
      timeoutMs: 20_000,
    });
    const marker = join(dataDir, "worker-may-exit");
    const pod = (name: string, container: Record<string, unknown>, restartPolicy = "Always"): Record<string, unknown> => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default" },
      spec: { nodeName: "core-v2-01", restartPolicy, terminationGracePeriodSeconds: 1, containers: [{ name, ...container }] },
    });
    const manifest = [
      pod("web", { image: "nginx", readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 1 } }),
      pod("worker", { image: "busybox", command: ["sh", "-c", `until [ -e '${marker}' ]; do sleep 0.1; done; exit 3`] }, "Never"),
      pod("doomed", { image: "busybox", command: ["sleep", "3600"] }),
    ];
    // A YAML stream of JSON documents, as `kubectl create -f` reads several objects.
    const created = await s.kubectl(["create", "-f", "-"], { input: manifest.map((m) => `---\n${JSON.stringify(m)}\n`).join("") });
    assert.equal(created.code, 0, created.stderr);
    const before: Record<string, PodView> = {};
    await waitFor("three Running pods, web Ready", async () => {
      for (const name of ["web", "worker", "doomed"]) {
        const v = await view(name);
        if (!v || v.phase !== "Running" || !v.containerID) return false;
        before[name] = v;
      }
      return before["web"]?.ready === true;
    }, { timeoutMs: 30_000 });
    for (const v of Object.values(before)) pids.push(pidOf(v));
    const doomedNetns = podNetnsName(plan.prefix, "default/doomed");
    assert.ok((await listNamespaces(runner, doomedNetns)).includes(doomedNetns));

    await stopAgent("SIGKILL");
    for (const name of ["web", "worker", "doomed"]) assert.equal(alive(pidOf(before[name])), true, `${name} runs on without its agent`);
    // While no agent runs: the worker's command ends with 3, and doomed is deleted.
    writeFileSync(marker, "");
    await waitFor("worker's process ended", () => !alive(pidOf(before["worker"])), { timeoutMs: 10_000 });
    const deleted = await s.kubectl(["delete", "pod", "doomed", "--wait=false"]);
    assert.equal(deleted.code, 0, deleted.stderr);

    startAgent();
    await waitFor("doomed is gone with its namespace and process", async () => {
      const gone = (await s.kubectl(["get", "pod", "doomed"])).code !== 0;
      return gone && !(await listNamespaces(runner, doomedNetns)).includes(doomedNetns) && !alive(pidOf(before["doomed"]));
    }, { timeoutMs: 30_000 });
    await waitFor("worker reported Failed with exit code 3", async () => {
      const v = await view("worker");
      return v?.phase === "Failed" && v.exitCode === 3;
    }, { timeoutMs: 20_000 });
    const web = await view("web");
    assert.deepEqual(
      { containerID: web?.containerID, restartCount: web?.restartCount, podIP: web?.podIP, startedAt: web?.startedAt, phase: web?.phase },
      { containerID: before["web"]?.containerID, restartCount: 0, podIP: before["web"]?.podIP, startedAt: before["web"]?.startedAt, phase: "Running" },
      `web was adopted, not restarted; agent said:\n${agentLog}`,
    );
    assert.equal(alive(pidOf(web)), true);
    // The new agent serves exec and logs for the adopted container, and keeps probing it.
    const hostname = await s.kubectl(["exec", "web", "--", "hostname"]);
    assert.deepEqual([hostname.code, hostname.stdout], [0, "web\n"], hostname.stderr);
    const logs = await s.kubectl(["logs", "web"]);
    assert.match(logs.stdout, /"GET \/ HTTP\/1\.1" 200/, "readiness probes reached nginx and were logged");
    await waitFor("web stays Ready", async () => (await view("web"))?.ready === true, { timeoutMs: 10_000 });
    const nodeNetnsPods = execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").filter((l) => l.startsWith(`${plan.prefix}pod-`));
    assert.equal(nodeNetnsPods.length, 2, `web and worker keep their namespaces: ${nodeNetnsPods.join(", ")}`);
  });
});
