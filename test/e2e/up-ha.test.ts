// `svcnet up --store etcd --etcd-members 3 --servers 2` (root): a 3-member etcd cluster and two
// API server replicas on the sandbox's control-plane machines behind one failover address on
// 127.0.0.1. The seed's tour works through it; the `kubernetes` Endpoints list both replicas;
// then the replica holding the controllers' Lease is killed with SIGKILL while a loop creates
// ConfigMaps through the forwarder: kubectl carries on through the other replica, nothing
// acknowledged is lost, and the other replica takes over the controllers. Prints its figures.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import { podNetnsName } from "../../src/sandbox/topology-plan.js";
import { KubeHttp } from "./helpers/kube-http.js";
import { repoRoot } from "./helpers/repo.js";
import type { KubectlResult } from "./helpers/server-process.js";
import type { UpCluster } from "./helpers/up-cluster.js";
import { startUp } from "./helpers/up-cluster.js";
import { sleep, waitFor } from "./helpers/wait-for.js";

const skip = process.getuid?.() === 0 ? false : "needs root (network namespaces)";
const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);

/** The Lease holder identity a replica with data dir `dir` uses (see control-plane.ts). */
function holderIdentityOf(dir: string): string {
  const h = createHash("sha256").update(dir).digest("hex");
  return `${hostname()}_${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

describe("svcnet up --store etcd --etcd-members 3 --servers 2", { skip }, () => {
  let up: UpCluster;
  const figures: string[] = [];
  const kubectl = (args: string[], o: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> => up.kubectl(args, o);

  before(async () => {
    up = await startUp(["--store", "etcd", "--etcd-members", "3", "--servers", "2"], { idPrefix: "h", timeoutMs: 120_000 });
    figures.push(`svcnet up (sandbox, 3 etcd members, 2 servers, addons) ready in ${up.readyMs} ms`);
  });

  after(async () => {
    try {
      if (up) figures.push(`svcnet up stopped (SIGTERM → exit) in ${await up.stop()} ms, no namespace left`);
    } finally {
      console.log(`figures:\n  ${figures.join("\n  ")}`);
    }
  });

  test("the seed's tour works through the failover address, and the kubernetes endpoints list both servers", async () => {
    await waitFor("two Ready nodes", async () => (await kubectl(["get", "nodes", "--no-headers"])).stdout.split("\n").filter((l) => /\sReady\s/.test(l)).length === 2, { timeoutMs: 30_000 });
    const created = await kubectl(["create", "-f", seed("rc_nginx.yaml"), "-f", seed("service_nginx.yaml")]);
    assert.equal(created.code, 0, created.stderr);
    await waitFor("three Running pods", async () => {
      const lines = (await kubectl(["get", "pods", "-l", "app=nginx", "--no-headers"])).stdout.trim().split("\n");
      return lines.length === 3 && lines.every((l) => /\s1\/1\s+Running\s/.test(l));
    }, { timeoutMs: 30_000 });
    await waitFor("nginx-service with three endpoints", async () => /^nginx-service\s+(10\.1\.1[34]\.\d+:80,){2}10\.1\.1[34]\.\d+:80\s/m.test((await kubectl(["get", "ep", "nginx-service", "--no-headers"])).stdout), { timeoutMs: 30_000 });
    const np = await kubectl(["apply", "-f", seed("service_nginx_nodeport.yaml")]);
    assert.equal(np.code, 0, np.stderr);
    const nodePort = Number((await kubectl(["get", "svc", "nginx-service", "-o", "jsonpath={.spec.ports[0].nodePort}"])).stdout);
    assert.ok(nodePort >= 30000, String(nodePort));
    let page = "";
    await waitFor("nginx through the NodePort from the outside client", async () => {
      try {
        page = execFileSync("ip", ["netns", "exec", `${up.prefix}client`, "curl", "-s", "--max-time", "2", `http://172.17.8.101:${nodePort}/`], { encoding: "utf8" });
      } catch {
        page = "";
      }
      return page.includes("Welcome to nginx!");
    }, { timeoutMs: 20_000 });
    await waitFor("kubernetes endpoints listing both servers", async () => {
      const ips = (await kubectl(["get", "ep", "kubernetes", "-o", "jsonpath={.subsets[*].addresses[*].ip}"])).stdout.trim().split(/\s+/).sort();
      return ips.join(",") === "172.17.8.11,172.17.8.12";
    }, { timeoutMs: 20_000 });
    // A pod reaches the API through the kubernetes Service (10.0.0.1:443 → a replica on 172.17.8.1x:6443).
    const pod = (await kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[0].metadata.namespace}/{.items[0].metadata.name}"])).stdout;
    const podNetns = podNetnsName(up.prefix, pod);
    let version = "";
    await waitFor("the API through the kubernetes service from a pod", async () => {
      try {
        version = execFileSync("ip", ["netns", "exec", podNetns, "curl", "-sk", "--max-time", "2", "https://10.0.0.1:443/version"], { encoding: "utf8" });
      } catch {
        version = "";
      }
      return version.includes("gitVersion");
    }, { timeoutMs: 15_000 });
    // But not the store: etcd answers only the control-plane machines (store-guard.ts).
    const inNetns = (netns: string, url: string): { ok: boolean; out: string } => {
      try {
        return { ok: true, out: execFileSync("ip", ["netns", "exec", netns, "curl", "-s", "--max-time", "2", url], { encoding: "utf8" }) };
      } catch (e) {
        return { ok: false, out: String(e) };
      }
    };
    for (const ip of ["172.17.8.11", "172.17.8.12", "172.17.8.13"]) {
      const fromPod = inNetns(podNetns, `http://${ip}:2379/version`);
      assert.equal(fromPod.ok, false, `a pod reached etcd at ${ip}: ${fromPod.out}`);
    }
    assert.match(inNetns(`${up.prefix}cp-1`, "http://172.17.8.12:2379/version").out, /etcdserver/, "the control-plane machines still reach each other's etcd");
  });

  test("kill -9 of the server holding the controllers' Lease: kubectl carries on, no acknowledged write is lost, the other takes over", async () => {
    const holder = (await kubectl(["-n", "kube-system", "get", "lease", "kube-controller-manager", "-o", "jsonpath={.spec.holderIdentity}"])).stdout.trim();
    const names = ["cp-1", "cp-2"];
    const leader = names.find((n) => holderIdentityOf(join(up.dataDir, "servers", n)) === holder);
    assert.ok(leader, `the Lease holder ${JSON.stringify(holder)} is neither replica`);
    const other = names.find((n) => n !== leader) ?? "";
    const pid = (await up.control.parts()).find((p) => p.name === leader)?.pid ?? 0;
    assert.ok(pid > 1, `no pid for ${leader} in svcnet sandbox parts`);

    // Sequential creates through the forwarder; every acknowledged one is remembered.
    const acknowledged: string[] = [];
    const failures: { at: number; error: string }[] = [];
    const successes: number[] = [];
    let looping = true;
    const loop = (async () => {
      for (let n = 0; looping; n++) {
        const name = `ha-${n}`;
        const r = await kubectl(["create", "configmap", name, "--from-literal", `n=${n}`], { timeoutMs: 20_000 });
        if (r.code === 0) {
          acknowledged.push(name);
          successes.push(Date.now());
        } else {
          failures.push({ at: Date.now(), error: r.stderr.trim().split("\n").pop() ?? `code ${r.code}` });
          // A create that failed may have been written anyway (its answer lost); the name is not reused.
        }
      }
    })();
    // And what the agents do: kept-alive HTTPS connections, four requests at a time.
    const http = KubeHttp.fromKubeconfig(up.kubeconfig);
    const httpAcknowledged: string[] = [];
    const httpFailures: { at: number; error: string }[] = [];
    const httpSuccesses: number[] = [];
    const workers = [0, 1, 2, 3].map(async (w) => {
      for (let n = 0; looping; n++) {
        const name = `ka-${w}-${n}`;
        try {
          const r = await http.request("/api/v1/namespaces/default/configmaps", { method: "POST", body: { metadata: { name }, data: { n: String(n) } }, timeoutMs: 20_000 });
          if (r.status === 201) {
            httpAcknowledged.push(name);
            httpSuccesses.push(Date.now());
          } else {
            httpFailures.push({ at: Date.now(), error: `${r.status} ${r.text.slice(0, 200)}` });
          }
        } catch (e) {
          httpFailures.push({ at: Date.now(), error: e instanceof Error ? `${(e as NodeJS.ErrnoException).code ?? ""} ${e.message}` : String(e) });
        }
        await sleep(20);
      }
    });
    await sleep(3000);
    const killedAt = Date.now();
    process.kill(pid, "SIGKILL");
    // Takeover: the Lease changes hands (read through the forwarder, i.e. the surviving replica).
    const otherIdentity = holderIdentityOf(join(up.dataDir, "servers", other));
    await waitFor("the other server holding the Lease", async () => (await kubectl(["-n", "kube-system", "get", "lease", "kube-controller-manager", "-o", "jsonpath={.spec.holderIdentity}"])).stdout.trim() === otherIdentity, { timeoutMs: 40_000, intervalMs: 200 });
    const takeoverMs = Date.now() - killedAt;
    const scaled = await kubectl(["scale", "rc", "nginx-controller", "--replicas=4"]);
    assert.equal(scaled.code, 0, scaled.stderr);
    await waitFor("a 4th Running nginx pod", async () => {
      const lines = (await kubectl(["get", "pods", "-l", "app=nginx", "--no-headers"])).stdout.trim().split("\n");
      return lines.length === 4 && lines.every((l) => /\s1\/1\s+Running\s/.test(l));
    }, { timeoutMs: 30_000 });
    const fourthMs = Date.now() - killedAt;
    await sleep(1000);
    looping = false;
    await loop;
    await Promise.all(workers);
    http.close();

    const after = successes.filter((t) => t > killedAt);
    const before = successes.filter((t) => t <= killedAt);
    const firstAfter = after[0] ?? NaN;
    const gap = firstAfter - (before.at(-1) ?? killedAt);
    figures.push(`Lease kube-controller-manager taken over by ${other} ${takeoverMs} ms after kill -9 of ${leader} (lease duration 15 s)`);
    figures.push(`4th pod Running (scaled through the new leader) ${fourthMs} ms after the kill`);
    figures.push(`forwarder: first acknowledged create after the kill ${firstAfter - killedAt} ms after it; longest gap between acknowledged creates around the kill ${gap} ms`);
    figures.push(`creates: ${acknowledged.length} acknowledged, ${failures.length} failed${failures.length ? `: ${failures.map((f) => `+${f.at - killedAt} ms ${f.error}`).join(" | ")}` : ""}`);
    assert.ok(after.length > 0, "no create succeeded after the kill");
    const httpAfter = httpSuccesses.filter((t) => t > killedAt);
    const httpGap = (httpAfter[0] ?? NaN) - (httpSuccesses.filter((t) => t <= killedAt).at(-1) ?? killedAt);
    figures.push(`keep-alive HTTPS creates (4 workers): ${httpAcknowledged.length} acknowledged, ${httpFailures.length} failed${httpFailures.length ? `: ${httpFailures.map((f) => `+${f.at - killedAt} ms ${f.error}`).join(" | ")}` : ""}; first success ${(httpAfter[0] ?? NaN) - killedAt} ms after the kill, longest gap around it ${httpGap} ms`);
    assert.ok(httpAfter.length > 0, "no keep-alive create succeeded after the kill");

    const present = new Set((await kubectl(["get", "configmaps", "-o", "name"])).stdout.split("\n").map((l) => l.trim().replace(/^configmap\//, "")));
    const lost = [...acknowledged, ...httpAcknowledged].filter((n) => !present.has(n));
    assert.deepEqual(lost, [], `acknowledged ConfigMaps missing: ${lost.join(", ")}`);
    await waitFor("kubernetes endpoints without the killed server", async () => (await kubectl(["get", "ep", "kubernetes", "-o", "jsonpath={.subsets[*].addresses[*].ip}"])).stdout.trim() === `172.17.8.${10 + Number(other.slice(3))}`, { timeoutMs: 60_000, intervalMs: 500 });
    figures.push(`kubernetes endpoints down to ${other} alone ${Date.now() - killedAt} ms after the kill`);
  });
});
