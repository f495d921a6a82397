// The real node agent on a two-node sandbox (as root): the seed's rc runs three nginx pods as
// processes in their own network namespaces; one pod's container curls another pod on the
// same node and across nodes and gets nginx's page; the service env vars are in the
// container's environment; deleting a pod removes its namespace; everything is cleaned up.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Endpoints, Pod } from "../../api/types.js";
import { resource } from "../../controllers/controller-context.js";
import type { TestCluster } from "../../controllers/test-cluster.js";
import { listNamespaces } from "../../sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../../sandbox/ip-runner.js";
import type { TestSandbox } from "./test-sandbox.js";
import { startTestSandbox } from "./test-sandbox.js";
import { execArgv } from "../runtime/launch-plan.js";
import { findRuntimeTools } from "../runtime/runtime-tools.js";
import { execFile } from "node:child_process";

const isRoot = process.getuid?.() === 0;

function run(argv: readonly string[]): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { timeout: 10_000 }, (err, stdout) => resolve({ stdout: String(stdout), code: err ? 1 : 0 }));
  });
}

describe("the node agent on the namespace sandbox", { skip: isRoot ? false : "needs root (network namespaces)" }, () => {
  let sandbox: TestSandbox;
  let c: TestCluster;
  let dataDir: string;
  let id: string;
  const runner = new ExecIpRunner();

  before(async () => {
    sandbox = await startTestSandbox({ idPrefix: "a", proxy: false });
    ({ cluster: c, dataDir } = sandbox);
    id = sandbox.net.plan.id;
  });
  after(async () => {
    await sandbox?.stop();
    assert.deepEqual(await sandbox?.leftovers(), [], "no namespace of this test is left");
  });

  const pods = () => c.client<Pod>(resource("", "v1", "pods"));

  /** Runs a command inside a pod's container, through the container's namespaces. */
  async function execIn(pod: Pod, argv: string[]): Promise<string> {
    const pid = Number(String(pod.status?.containerStatuses?.[0]?.containerID ?? "").replace("svcnet://", ""));
    assert.ok(pid > 0, "the container has a pid");
    const r = await run(execArgv(await findRuntimeTools(), pid, argv));
    return r.stdout;
  }

  test("the seed's rc runs as real processes on real addresses, reachable across nodes", async () => {
    await c.client(resource("", "v1", "services")).create({
      metadata: { name: "nginx-service", namespace: "default" },
      spec: { selector: { app: "nginx" }, ports: [{ port: 8000, targetPort: 80 }] },
    });
    await c.client(resource("", "v1", "replicationcontrollers")).create({
      metadata: { name: "nginx-controller", namespace: "default" },
      spec: { replicas: 3, selector: { app: "nginx" }, template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] } } },
    });
    const running = await c.waitFor(
      "three Running pods",
      async () => {
        const list = (await pods().list("default", { labelSelector: "app=nginx" })).items;
        return list.length === 3 && list.every((p) => p.status?.phase === "Running" && p.status.podIP && p.status.containerStatuses?.[0]?.ready) && list;
      },
      30_000,
    );
    for (const p of running) assert.match(p.status?.podIP ?? "", p.spec.nodeName === "core-v2-01" ? /^10\.1\.13\./ : /^10\.1\.14\./);
    const [a] = running;
    for (const b of running.slice(1)) {
      const page = await c.waitFor(`nginx on ${b.status?.podIP}`, async () => {
        const out = await execIn(a, ["curl", "-s", "--max-time", "2", `http://${b.status?.podIP}:80/`]);
        return out.includes("Welcome to nginx!") && out;
      }, 15_000);
      assert.match(page, /Welcome to nginx!/);
    }
    // A busybox pod prints its environment, as kubelet built it, to its log.
    await pods().create({ metadata: { name: "env-check", namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "env; cat /etc/resolv.conf; sleep 3600"] }] } });
    const envPod = await c.waitFor("env-check running", async () => {
      const p = await pods().get("default", "env-check");
      return p.status?.phase === "Running" && p;
    }, 20_000);
    const envLog = join(dataDir, envPod.spec.nodeName ?? "", "pods", envPod.metadata.uid ?? "", "logs", "c.log");
    const env = await c.waitFor("its log", async () => {
      const text = readFileSync(envLog, "utf8");
      return text.includes("nameserver") && text;
    });
    const svc = await c.client(resource("", "v1", "services")).get("default", "nginx-service");
    const ip = (svc as unknown as { spec: { clusterIP: string } }).spec.clusterIP;
    assert.match(env, new RegExp(`^NGINX_SERVICE_SERVICE_HOST=${ip.replace(/\./g, "\\.")}$`, "m"));
    assert.match(env, /^NGINX_SERVICE_PORT=tcp:\/\/.*:8000$/m);
    assert.match(env, /^KUBERNETES_SERVICE_HOST=10\.0\.0\.1$/m);
    assert.match(env, /^nameserver 10\.0\.0\.10$/m);
    assert.match(env, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/m);
    await pods().delete("default", "env-check", { gracePeriodSeconds: 0 });
    const ep = await c.waitFor("three endpoints", async () => {
      const e = await c.client<Endpoints>(resource("", "v1", "endpoints")).get("default", "nginx-service");
      const ips = (e.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((x) => x.ip));
      return ips.length === 3 && ips;
    });
    assert.deepEqual([...ep].sort(), running.map((p) => p.status?.podIP ?? "").sort());
    // nginx's access log (the container's stdout) has the curl's request — on disk, and through
    // the API server's pods/log (kubectl logs), which asks the node's agent.
    const b = running[1];
    const log = readFileSync(join(dataDir, b.spec.nodeName ?? "", "pods", b.metadata.uid ?? "", "logs", "nginx.log"), "utf8");
    const viaApi = await c.api.request("GET", `/api/v1/namespaces/default/pods/${b.metadata.name}/log`);
    assert.equal(viaApi.status, 200);
    let text = "";
    for await (const chunk of viaApi.stream ?? []) text += chunk;
    assert.equal(text, log);
    assert.match(log, new RegExp(`^${(a.status?.podIP ?? "").replace(/\./g, "\\.")} - - \\[.*\\] "GET / HTTP/1\\.1" 200 `, "m"));
  });

  test("a readiness probe keeps a pod out of the endpoints until it passes; a failing liveness probe restarts it", async () => {
    const flag = join(dataDir, `ready-${randomBytes(4).toString("hex")}`);
    await c.client(resource("", "v1", "services")).create({
      metadata: { name: "probed", namespace: "default" },
      spec: { selector: { app: "probed" }, ports: [{ port: 80 }] },
    });
    await pods().create({
      metadata: { name: "probed", namespace: "default", labels: { app: "probed" } },
      spec: {
        containers: [
          { name: "c", image: "busybox", command: ["sh", "-c", "sleep 3600"], readinessProbe: { exec: { command: ["test", "-f", flag] }, periodSeconds: 1, failureThreshold: 1 } },
        ],
      },
    });
    const probed = await c.waitFor("probed running, not ready", async () => {
      const p = await pods().get("default", "probed");
      return p.status?.phase === "Running" && Boolean(p.status.podIP) && p.status.containerStatuses?.[0]?.ready === false && p;
    }, 20_000);
    const addresses = async (field: "addresses" | "notReadyAddresses"): Promise<string[]> => {
      const e = await c.client<Endpoints>(resource("", "v1", "endpoints")).get("default", "probed");
      return (e.subsets ?? []).flatMap((s) => (s[field] ?? []).map((a) => a.ip));
    };
    await c.waitFor("listed as not ready", async () => (await addresses("notReadyAddresses")).includes(probed.status?.podIP ?? ""), 10_000);
    writeFileSync(flag, "");
    await c.waitFor("ready and in the endpoints", async () => (await addresses("addresses")).includes(probed.status?.podIP ?? ""), 10_000);

    await pods().create({
      metadata: { name: "unhealthy", namespace: "default" },
      spec: { containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "sleep 3600"], livenessProbe: { exec: { command: ["false"] }, periodSeconds: 1, failureThreshold: 1 } }] },
    });
    const restarted = await c.waitFor("a liveness restart", async () => {
      const p = await pods().get("default", "unhealthy");
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && p;
    }, 20_000);
    assert.ok(restarted.status?.containerStatuses?.[0]?.lastState?.terminated, "the killed instance is the last state");
    await pods().delete("default", "unhealthy", { gracePeriodSeconds: 0 });
    await pods().delete("default", "probed", { gracePeriodSeconds: 0 });
  });

  test("a startup probe holds readiness and liveness until it passes; one that keeps failing restarts the container", async () => {
    const flag = join(dataDir, `started-${randomBytes(4).toString("hex")}`);
    await pods().create({
      metadata: { name: "slow-start", namespace: "default" },
      spec: {
        containers: [{
          name: "c", image: "busybox", command: ["sh", "-c", "sleep 3600"],
          startupProbe: { exec: { command: ["test", "-f", flag] }, periodSeconds: 1, failureThreshold: 30 },
          // Would fail at once if it ran before the container had started.
          livenessProbe: { exec: { command: ["test", "-f", flag] }, periodSeconds: 1, failureThreshold: 1 },
        }],
      },
    });
    const status = async (): Promise<{ started?: boolean; ready?: boolean; restartCount?: number }> => {
      const p = await pods().get("default", "slow-start");
      return p.status?.containerStatuses?.[0] ?? {};
    };
    await c.waitFor("running, not started", async () => (await status()).started === false, 20_000);
    await new Promise((r) => setTimeout(r, 2500));
    const waiting = await status();
    assert.equal(waiting.started, false);
    assert.equal(waiting.ready, false);
    assert.equal(waiting.restartCount, 0, "liveness does not run before the startup probe passes");
    writeFileSync(flag, "");
    await c.waitFor("started and ready", async () => {
      const st = await status();
      return st.started === true && st.ready === true;
    }, 10_000);
    assert.equal((await status()).restartCount, 0);

    await pods().create({
      metadata: { name: "never-starts", namespace: "default" },
      spec: { containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "sleep 3600"], startupProbe: { exec: { command: ["false"] }, periodSeconds: 1, failureThreshold: 2 } }] },
    });
    await c.waitFor("a restart after the startup probe failed", async () => {
      const p = await pods().get("default", "never-starts");
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1;
    }, 20_000);
    await pods().delete("default", "never-starts", { gracePeriodSeconds: 0 });
    await pods().delete("default", "slow-start", { gracePeriodSeconds: 0 });
  });

  test("deleting a pod stops it and removes its namespace; the rc replaces it", async () => {
    const before = (await pods().list("default", { labelSelector: "app=nginx" })).items;
    const victim = before[0];
    const nsBefore = await listNamespaces(runner, `svcnet-${id}-pod-`);
    await pods().delete("default", victim.metadata.name ?? "");
    await c.waitFor("the pod gone and replaced", async () => {
      const list = (await pods().list("default", { labelSelector: "app=nginx" })).items;
      return !list.some((p) => p.metadata.name === victim.metadata.name) && list.filter((p) => p.status?.phase === "Running").length === 3;
    }, 30_000);
    // Three pods, three pod namespaces: the victim's (and env-check's) are gone.
    await c.waitFor("one namespace per pod", async () => (await listNamespaces(runner, `svcnet-${id}-pod-`)).length === 3, 15_000);
    assert.ok(nsBefore.length >= 3);
  });
});
