// `svcnet agent --simulated` as its own process, over HTTPS with the server's kubeconfig:
// two simulated nodes register, the seed's rc runs on them, nginx-service gets three endpoints.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot, svcnetBin } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);

describe("svcnet agent --simulated", () => {
  let s: ServerProcess;
  let agent: ChildProcess | undefined;
  before(async () => {
    s = await startServer();
    agent = spawn(process.execPath, [svcnetBin(), "agent", "--simulated", "--kubeconfig", s.kubeconfig, "--count", "2"], { stdio: ["ignore", "pipe", "pipe"] });
  });
  after(async () => {
    if (agent && agent.exitCode === null) {
      const gone = new Promise((r) => agent?.once("exit", r));
      agent.kill("SIGTERM");
      await gone;
    }
    await s?.stop();
  });

  test("two nodes register Ready", async () => {
    await waitFor("two Ready nodes", async () => {
      const out = (await s.kubectl(["get", "nodes"])).stdout;
      return /^core-v2-01\s+Ready\s/m.test(out) && /^core-v2-02\s+Ready\s/m.test(out);
    }, { timeoutMs: 20_000 });
    const wide = await s.kubectl(["get", "node", "core-v2-02", "-o", "wide"]);
    assert.match(wide.stdout, /^core-v2-02\s+Ready\s+<none>\s+\S+\s+v1\.32\.4-svcnet\s+172\.17\.8\.102\s/m);
  });

  test("the seed's rc runs on them and its pods become nginx-service's endpoints", async () => {
    assert.equal((await s.kubectl(["create", "-f", seed("rc_nginx.yaml")])).code, 0);
    assert.equal((await s.kubectl(["create", "-f", seed("service_nginx.yaml")])).code, 0);
    await waitFor("three Running pods", async () => {
      const out = (await s.kubectl(["get", "pods", "-l", "app=nginx", "--no-headers"])).stdout.trim().split("\n");
      return out.length === 3 && out.every((l) => /\s1\/1\s+Running\s/.test(l));
    }, { timeoutMs: 20_000 });
    const ips = (await s.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].status.podIP}"])).stdout.split(" ");
    for (const ip of ips) assert.match(ip, /^10\.1\.1[34]\.\d+$/);
    await waitFor("three endpoints", async () => {
      const ep = (await s.kubectl(["get", "ep", "nginx-service", "-o", "jsonpath={.subsets[*].addresses[*].ip}"])).stdout.split(" ").filter(Boolean);
      return ep.length === 3;
    }, { timeoutMs: 20_000 });
  });
});
