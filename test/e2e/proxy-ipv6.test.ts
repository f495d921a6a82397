// An IPv6 cluster end to end, short of pods: `svcnet server` with an IPv6 service range gives
// Services IPv6 ClusterIPs, and `svcnet proxy --mode nftables --ip-family IPv6` (its own process,
// programming a network namespace made for this test) writes them into `table ip6 kube-proxy`
// from the Services and their IPv6 EndpointSlices, follows kubectl's changes, and `--cleanup`
// removes the table. Needs root; no traffic is sent, the table is read back (the IPv6 data path
// itself is src/proxy/nftables/nft-ipv6-dataplane.real.test.ts).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { svcnetBin } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const isRoot = process.getuid?.() === 0;

describe("an IPv6 cluster: svcnet server with an IPv6 service range and svcnet proxy --ip-family IPv6", { skip: isRoot ? false : "needs root (a network namespace)" }, () => {
  const netns = `svcnet-t${randomBytes(4).toString("hex")}-kp6`;
  let s: ServerProcess;
  let proxy: ChildProcess | undefined;
  let log = "";

  /** `nft list table ip6 kube-proxy` in the namespace, or "" when there is none. */
  const table = (family = "ip6"): string => spawnSync("ip", ["netns", "exec", netns, "nft", "list", "table", family, "kube-proxy"], { encoding: "utf8" }).stdout;

  before(async () => {
    execFileSync("ip", ["netns", "add", netns]);
    s = await startServer({ extraArgs: ["--service-cluster-ip-range", "fd00:10:96::/112"] });
  });
  after(async () => {
    proxy?.kill("SIGKILL");
    await s?.stop();
    execFileSync("ip", ["netns", "del", netns]);
  });

  test("IPv6 ClusterIPs from the API, their rules in table ip6 kube-proxy, removed with the service and by --cleanup", async () => {
    const kubernetes = await s.kubectl(["get", "svc", "kubernetes", "-o", "jsonpath={.spec.clusterIP} {.spec.ipFamilies}"]);
    assert.equal(kubernetes.stdout, 'fd00:10:96::1 ["IPv6"]', kubernetes.stderr);

    proxy = spawn(process.execPath, [
      svcnetBin(), "proxy", "--kubeconfig", s.kubeconfig, "--netns", netns, "--mode", "nftables", "--ip-family", "IPv6",
      "--node-name", "core-v2-01", "--node-ip", "fd00:172:17:8::101", "--cluster-cidr", "fd00:10:1::/56",
      "--min-sync-period", "100ms", "--sync-period", "2s", "--metrics-bind-address", "127.0.0.1:0", "--healthz-bind-address", "",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    proxy.stderr?.on("data", (d: Buffer) => (log += d.toString()));

    const objects = s.file("svc6.yaml", [
      "apiVersion: v1", "kind: Service", "metadata: {name: nginx-service}",
      "spec: {clusterIP: 'fd00:10:96::fc', ports: [{port: 8000, targetPort: 80}]}", "---",
      "apiVersion: discovery.k8s.io/v1", "kind: EndpointSlice",
      "metadata: {name: nginx-service-1, labels: {kubernetes.io/service-name: nginx-service}}", "addressType: IPv6",
      "endpoints: [{addresses: ['fd00:10:1:13::2']}, {addresses: ['fd00:10:1:13::3']}, {addresses: ['fd00:10:1:14::2']}]", "ports: [{name: '', port: 80, protocol: TCP}]",
    ].join("\n"));
    const created = await s.kubectl(["create", "-f", objects]);
    assert.equal(created.code, 0, created.stderr);
    await waitFor("nginx-service in table ip6 kube-proxy", () => table().includes("fd00:10:96::fc . tcp . 8000"), { timeoutMs: 10_000 });
    const t = table();
    assert.match(t, /numgen random mod 3 vmap \{ 0 : goto endpoint-\S+, 1 : goto endpoint-\S+, 2 : goto endpoint-\S+ \}/);
    for (const ep of ["fd00:10:1:13::2", "fd00:10:1:13::3", "fd00:10:1:14::2"]) assert.ok(t.includes(`dnat to [${ep}]:80`), `DNAT to ${ep}:\n${t}`);
    assert.match(t, /ip6 saddr != fd00:10:1::\/56/, "traffic from outside the pod range is masqueraded");
    assert.equal(table("ip"), "", "no IPv4 table from an IPv6 proxy");

    assert.equal((await s.kubectl(["delete", "svc", "nginx-service"])).code, 0);
    await waitFor("the service gone from the table", () => !table().includes("fd00:10:96::fc"), { timeoutMs: 10_000 });

    proxy.kill("SIGTERM");
    await new Promise((r) => proxy?.once("exit", r));
    assert.match(table(), /table ip6 kube-proxy/, "stopping the proxy leaves its table, as kube-proxy does");
    execFileSync(process.execPath, [svcnetBin(), "proxy", "--cleanup", "--netns", netns]);
    assert.equal(table(), "", `--cleanup removes table ip6 kube-proxy (proxy log:\n${log})`);
  });
});
