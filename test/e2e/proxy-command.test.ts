// `svcnet proxy` as its own process against a running `svcnet server`, as kube-proxy runs against
// an API server: it programs the iptables of a network namespace made for this test (--netns),
// serves /metrics and /healthz on loopback, follows kubectl's changes, and `--cleanup` removes
// everything it wrote. Needs root; no traffic is sent, the rules are read back.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { svcnetBin } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const isRoot = process.getuid?.() === 0;

describe("svcnet proxy against svcnet server", { skip: isRoot ? false : "needs root (a network namespace)" }, () => {
  const netns = `svcnet-t${randomBytes(4).toString("hex")}-kp`;
  let s: ServerProcess;
  let proxy: ChildProcess;
  let log = "";

  const nat = (): string => execFileSync("ip", ["netns", "exec", netns, "iptables-save", "-t", "nat"], { encoding: "utf8" });

  before(async () => {
    execFileSync("ip", ["netns", "add", netns]);
    s = await startServer();
    proxy = spawn(process.execPath, [
      svcnetBin(), "proxy", "--kubeconfig", s.kubeconfig, "--netns", netns, "--node-name", "core-v2-01", "--node-ip", "172.17.8.101",
      "--cluster-cidr", "10.1.0.0/16", "--min-sync-period", "100ms", "--sync-period", "2s",
      "--metrics-bind-address", "127.0.0.1:0", "--healthz-bind-address", "127.0.0.1:0",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    proxy.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  });
  after(async () => {
    proxy?.kill("SIGTERM");
    await s?.stop();
    execFileSync("ip", ["netns", "del", netns]);
  });

  test("programs the seed's service, serves metrics and healthz, and cleans up", async () => {
    const svc = s.file("svc.yaml", [
      "apiVersion: v1", "kind: Service", "metadata: {name: nginx-service}",
      "spec: {clusterIP: 10.0.0.252, ports: [{port: 8000, targetPort: 80}]}", "---",
      "apiVersion: discovery.k8s.io/v1", "kind: EndpointSlice",
      "metadata: {name: nginx-service-1, labels: {kubernetes.io/service-name: nginx-service}}", "addressType: IPv4",
      "endpoints: [{addresses: [10.1.13.2]}, {addresses: [10.1.13.3]}, {addresses: [10.1.13.4]}]", "ports: [{name: '', port: 80, protocol: TCP}]",
    ].join("\n"));
    const created = await s.kubectl(["create", "-f", svc]);
    assert.equal(created.code, 0, created.stderr);
    await waitFor("the service's chains in the namespace", () => nat().includes("-A KUBE-SEP-COO3Y4QZMF4NKH2Q"), { timeoutMs: 10_000 });
    assert.match(nat(), /-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default\/nginx-service -> 10\.1\.13\.2:80" -m statistic --mode random --probability 0\.33333333349 -j KUBE-SEP-D6ZFGDR42OKGRRVI/);

    const metricsUrl = /metrics on (http:\/\/\S+)/.exec(log)?.[1] ?? assert.fail(`no metrics address in the log:\n${log}`);
    const healthzUrl = /healthz on (http:\/\/\S+)/.exec(log)?.[1] ?? assert.fail(`no healthz address in the log:\n${log}`);
    // The chains are in the kernel once iptables-restore exits; the proxy records the sync's
    // figures a moment later, when it hears of that exit, so wait for them rather than race it.
    let metrics = "";
    await waitFor("the sync's rule count in /metrics", async () => {
      metrics = await (await fetch(metricsUrl)).text();
      return /^kubeproxy_sync_proxy_rules_iptables_total\{ip_family="IPv4",table="nat"\} [1-9]\d*$/m.test(metrics);
    }, { timeoutMs: 10_000 });
    assert.match(metrics, /^kubeproxy_sync_full_proxy_rules_duration_seconds_count\{ip_family="IPv4"\} [1-9]/m);
    const healthz = await fetch(healthzUrl);
    assert.equal(healthz.status, 200);
    assert.equal((await healthz.json() as { healthy: boolean }).healthy, true);

    assert.equal((await s.kubectl(["delete", "svc", "nginx-service"])).code, 0);
    await waitFor("the chains gone with the service", () => !nat().includes("KUBE-SVC-V2OKYYMBY3REGZOG"), { timeoutMs: 10_000 });

    proxy.kill("SIGTERM");
    await new Promise((r) => proxy.once("exit", r));
    assert.match(nat(), /:KUBE-SERVICES/, "stopping the proxy leaves its rules, as kube-proxy does");
    execFileSync(process.execPath, [svcnetBin(), "proxy", "--cleanup", "--netns", netns]);
    assert.doesNotMatch(nat(), /KUBE-/);
  });
});
