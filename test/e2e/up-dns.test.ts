// Cluster DNS in `svcnet up`, as a pod sees it: the coredns Deployment (svcnet/dns) behind
// kube-dns 10.0.0.10; from a pod, the seed's service by its short name through the pod's
// resolv.conf (search path, ndots:5) with getent and curl, SRV over UDP and TCP with dig, and a
// headless service that follows its pods' readiness. Needs root (the namespace sandbox).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const isRoot = process.getuid?.() === 0;
const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);

describe("cluster DNS in svcnet up", { skip: isRoot ? false : "needs root for the namespace sandbox" }, () => {
  let s: ServerProcess;
  const id = `d${randomBytes(4).toString("hex")}`;
  const readyFile = `/tmp/svcnet-${id}-ready`;
  before(async () => {
    s = await startServer({ command: "up", extraArgs: ["--sandbox-id", id] });
  });
  after(async () => {
    rmSync(readyFile, { force: true });
    await s?.stop();
    const left = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
    assert.ok(!left.includes(`svcnet-${id}-`), `svcnet up left namespaces behind:\n${left}`);
  });

  const exec = (pod: string, command: string[]): ReturnType<ServerProcess["kubectl"]> => s.kubectl(["exec", pod, "--", ...command], { timeoutMs: 20_000 });

  test("kube-dns runs as pods and a pod finds the seed's service by name", async () => {
    await waitFor("coredns 2/2 ready", async () => /^coredns\s+2\/2\s/m.test((await s.kubectl(["get", "deploy", "-n", "kube-system", "--no-headers"])).stdout), { timeoutMs: 60_000 });
    const svc = await s.kubectl(["get", "svc", "-n", "kube-system", "kube-dns", "--no-headers"]);
    assert.match(svc.stdout, /^kube-dns\s+ClusterIP\s+10\.0\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP\s/m);
    assert.equal((await s.kubectl(["create", "-f", seed("rc_nginx.yaml"), "-f", seed("service_nginx.yaml")])).code, 0);
    const client = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "client", namespace: "default" },
      spec: { containers: [{ name: "client", image: "busybox", command: ["sleep", "3600"] }] },
    };
    assert.equal((await s.kubectl(["create", "-f", "-"], { input: JSON.stringify(client) })).code, 0);
    await waitFor("client and three nginx pods Running", async () => {
      const lines = (await s.kubectl(["get", "pods", "--no-headers"])).stdout.trim().split("\n");
      return lines.length === 4 && lines.every((l) => /\s1\/1\s+Running\s/.test(l));
    }, { timeoutMs: 30_000 });
    const clusterIP = (await s.kubectl(["get", "svc", "nginx-service", "-o", "jsonpath={.spec.clusterIP}"])).stdout;

    // getent walks the search path of the pod's resolv.conf (ndots:5) to nginx-service.default.svc.cluster.local.
    let hosts = "";
    await waitFor("getent hosts nginx-service", async () => {
      const r = await exec("client", ["getent", "hosts", "nginx-service"]);
      hosts = r.stdout;
      return r.code === 0;
    }, { timeoutMs: 20_000 });
    assert.match(hosts, new RegExp(`^${clusterIP.replaceAll(".", "\\.")}\\s+nginx-service\\.default\\.svc\\.cluster\\.local`, "m"));
    // The name resolves as soon as the Service exists; the ClusterIP answers once the proxy has
    // synced the new endpoints (at most --min-sync-period, 1 s, after the last change, as kube-proxy)
    // and nginx listens — the seed's pods have no readiness probe, so until then curl is refused.
    let page = { code: -1, stdout: "", stderr: "" };
    await waitFor("curl http://nginx-service:8000/", async () => {
      page = await exec("client", ["curl", "-s", "--max-time", "5", "http://nginx-service:8000/"]);
      return page.code === 0;
    }, { timeoutMs: 10_000 }).catch(() => undefined);
    assert.match(page.stdout, /Welcome to nginx!/, `curl exit ${page.code}: ${page.stderr}`);

    for (const transport of ["+notcp", "+tcp"]) {
      const srv = await exec("client", ["dig", "+short", transport, "SRV", "nginx-service.default.svc.cluster.local"]);
      assert.equal(srv.stdout.trim(), "0 100 8000 nginx-service.default.svc.cluster.local.", `${transport}: ${srv.stdout}${srv.stderr}`);
    }
    const version = await exec("client", ["dig", "+short", "TXT", "dns-version.cluster.local"]);
    assert.equal(version.stdout.trim(), '"1.1.0"');
  });

  test("a headless service answers with its ready pods and follows readiness", async () => {
    const objects = [
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web", namespace: "default" },
        spec: { clusterIP: "None", selector: { app: "web" }, ports: [{ name: "http", port: 80 }] },
      },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web-0", namespace: "default", labels: { app: "web" } },
        spec: {
          hostname: "web-0",
          subdomain: "web",
          containers: [{ name: "web", image: "nginx", readinessProbe: { exec: { command: ["cat", readyFile] }, periodSeconds: 1, failureThreshold: 1 } }],
        },
      },
    ];
    writeFileSync(readyFile, "ready\n");
    assert.equal((await s.kubectl(["create", "-f", "-"], { input: objects.map((o) => `---\n${JSON.stringify(o)}\n`).join("") })).code, 0);
    let podIP = "";
    await waitFor("web-0 Ready", async () => {
      const r = await s.kubectl(["get", "pod", "web-0", "-o", "jsonpath={.status.podIP} {.status.containerStatuses[0].ready}"]);
      podIP = r.stdout.split(" ")[0];
      return r.stdout.endsWith(" true");
    }, { timeoutMs: 30_000 });
    await waitFor("web.default.svc A is the pod", async () => (await exec("client", ["dig", "+short", "web.default.svc.cluster.local"])).stdout.trim() === podIP, { timeoutMs: 10_000 });
    const named = await exec("client", ["dig", "+short", "web-0.web.default.svc.cluster.local"]);
    assert.equal(named.stdout.trim(), podIP);
    rmSync(readyFile);
    await waitFor("NXDOMAIN once web-0 is not ready", async () => /status: NXDOMAIN/.test((await exec("client", ["dig", "web.default.svc.cluster.local"])).stdout), { timeoutMs: 15_000 });
  });
});
