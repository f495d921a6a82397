// `svcnet proxy --mode userspace` for real, as root, entirely inside a network namespace made for
// this test: `svcnet server`, three HTTP backends on their own addresses and the proxy all run in
// it. The proxy puts the ClusterIP on its interface svcnet-svc0 and forwards connections itself:
// round robin over the endpoints, an endpoint removed gets no more connections, a service deleted
// refuses them, and stopping the proxy removes the interface. Nothing touches the host's network.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { svcnetBin } from "./helpers/repo.js";
import { waitFor } from "./helpers/wait-for.js";

const skip = process.getuid?.() === 0 ? false : "needs root (a network namespace)";
const BACKENDS = ["10.1.13.2", "10.1.13.3", "10.1.13.4"];

describe("svcnet proxy --mode userspace in a namespace of its own", { skip }, () => {
  const netns = `svcnet-t${randomBytes(4).toString("hex")}-us`;
  const scratch = mkdtempSync(join(tmpdir(), "svcnet-userspace-"));
  const children: ChildProcess[] = [];
  let kubeconfig = "";
  let proxyLog = "";

  const inNs = (argv: string[], timeoutMs = 10_000): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile("ip", ["netns", "exec", netns, ...argv], { timeout: timeoutMs }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
    });
  const kubectl = (args: string[]) => inNs(["env", `HOME=${scratch}`, "kubectl", "--kubeconfig", kubeconfig, ...args], 30_000);
  const start = (argv: string[], onOutput?: (text: string) => void): ChildProcess => {
    const child = spawn("ip", ["netns", "exec", netns, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    child.stdout?.on("data", (d: Buffer) => onOutput?.(d.toString()));
    child.stderr?.on("data", (d: Buffer) => onOutput?.(d.toString()));
    return child;
  };
  const get = async (url: string): Promise<string> => {
    const r = await inNs(["curl", "-s", "--max-time", "2", url]);
    return r.code === 0 ? r.stdout.trim() : `curl exit ${r.code}`;
  };

  before(async () => {
    execFileSync("ip", ["netns", "add", netns]);
    execFileSync("ip", ["-n", netns, "link", "set", "lo", "up"]);
    for (const ip of BACKENDS) execFileSync("ip", ["-n", netns, "address", "add", `${ip}/32`, "dev", "lo"]);
    // Three backends, each answering with its own address.
    const backend = join(scratch, "backends.mjs");
    writeFileSync(backend, `import { createServer } from "node:http";\nfor (const ip of ${JSON.stringify(BACKENDS)}) createServer((q, s) => s.end(ip)).listen(80, ip);\n`);
    start([process.execPath, backend]);
    let serverOut = "";
    start([process.execPath, svcnetBin(), "server", "--listen", "127.0.0.1:0", "--data-dir", join(scratch, "data"), "--join-token-ttl", "none"], (t) => (serverOut += t));
    await waitFor("svcnet server listening in the namespace", () => /listening on https:\/\//.test(serverOut), { timeoutMs: 30_000 });
    kubeconfig = join(scratch, "data", "kubeconfig");
    const objects = join(scratch, "svc.yaml");
    writeFileSync(objects, [
      "apiVersion: v1", "kind: Service", "metadata: {name: nginx-service}",
      "spec: {clusterIP: 10.0.0.252, ports: [{port: 8000, targetPort: 80}]}", "---",
      "apiVersion: discovery.k8s.io/v1", "kind: EndpointSlice",
      "metadata: {name: nginx-service-1, labels: {kubernetes.io/service-name: nginx-service}}", "addressType: IPv4",
      `endpoints: [${BACKENDS.map((ip) => `{addresses: [${ip}]}`).join(", ")}]`, "ports: [{name: '', port: 80, protocol: TCP}]",
    ].join("\n"));
    const created = await kubectl(["create", "-f", objects]);
    assert.equal(created.code, 0, created.stderr);
    start(
      [process.execPath, svcnetBin(), "proxy", "--mode", "userspace", "--kubeconfig", kubeconfig, "--node-name", "core-v2-01", "--node-ip", "127.0.0.1",
        "--min-sync-period", "100ms", "--metrics-bind-address", "127.0.0.1:0", "--healthz-bind-address", "127.0.0.1:0"],
      (t) => (proxyLog += t),
    );
  });

  after(() => {
    for (const c of children) c.kill("SIGKILL");
    execFileSync("ip", ["netns", "del", netns]);
    rmSync(scratch, { recursive: true, force: true });
  });

  test("round robin through the ClusterIP, an endpoint removed gets nothing more, a deleted service refuses, the interface goes with the proxy", async () => {
    await waitFor("the ClusterIP answering", async () => BACKENDS.includes(await get("http://10.0.0.252:8000/")), { timeoutMs: 20_000, intervalMs: 200 });
    const address = await inNs(["ip", "-o", "-4", "address", "show", "dev", "svcnet-svc0"]);
    assert.match(address.stdout, /inet 10\.0\.0\.252\/32/, `the service address on svcnet-svc0:\n${address.stdout}${address.stderr}\n${proxyLog}`);
    const seen = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const who = await get("http://10.0.0.252:8000/");
      seen.set(who, (seen.get(who) ?? 0) + 1);
    }
    assert.deepEqual([...seen.keys()].sort(), BACKENDS, `answers: ${JSON.stringify([...seen])}`);
    for (const [who, n] of seen) assert.ok(n >= 8 && n <= 12, `round robin: ${who} answered ${n} of 30`);

    const patched = await kubectl(["patch", "endpointslice", "nginx-service-1", "--type", "json", "-p", '[{"op": "remove", "path": "/endpoints/1"}]']);
    assert.equal(patched.code, 0, patched.stderr);
    await waitFor("10.1.13.3 out of the rotation", async () => {
      const answers = new Set<string>();
      for (let i = 0; i < 6; i++) answers.add(await get("http://10.0.0.252:8000/"));
      return !answers.has("10.1.13.3") && answers.size === 2;
    }, { timeoutMs: 10_000, intervalMs: 200 });

    assert.equal((await kubectl(["delete", "svc", "nginx-service"])).code, 0);
    await waitFor("the deleted service refusing connections", async () => (await get("http://10.0.0.252:8000/")) === "curl exit 7", { timeoutMs: 10_000, intervalMs: 200 });

    const proxy = children.at(-1);
    assert.ok(proxy);
    const exited = new Promise((resolve) => proxy.once("close", resolve));
    proxy.kill("SIGTERM");
    await exited;
    const gone = await inNs(["ip", "link", "show", "svcnet-svc0"]);
    assert.notEqual(gone.code, 0, `svcnet-svc0 should be gone after the proxy stopped:\n${gone.stdout}`);
  });
});
