// `svcnet up --rootless`, run by an unprivileged user (nobody): the seed's tour works the same —
// the rc's pods Running on core-v2-01/02 with addresses of the nodes' docker0 ranges, the
// NodePort answering on the host's 127.0.0.1, the service by name from a pod — while nothing of
// the sandbox is visible to, or done in, the machine's own network: its namespaces are private to
// the user's namespace, the proxy is the userspace one, no process runs with the user's or root's
// privileges over the host. The test itself runs as root only to become that user and to look in.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, svcnetBin } from "./helpers/repo.js";
import type { UpCluster } from "./helpers/up-cluster.js";
import { startUp } from "./helpers/up-cluster.js";
import { waitFor } from "./helpers/wait-for.js";

const NOBODY = { uid: 65534, gid: 65534 };
const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);

/** Why this test cannot run here, or false. */
function skipReason(): string | false {
  if (process.getuid?.() !== 0) return "needs root (to run svcnet as the unprivileged user nobody)";
  try {
    execFileSync("unshare", ["--user", "--map-root-user", "--mount", "true"], { uid: NOBODY.uid, gid: NOBODY.gid, stdio: "ignore" });
  } catch {
    return "this machine refuses unprivileged user namespaces";
  }
  try {
    execFileSync(process.execPath, ["-e", `require("fs").accessSync(${JSON.stringify(svcnetBin())}, ${constants.R_OK})`], { uid: NOBODY.uid, gid: NOBODY.gid, stdio: "ignore" });
  } catch {
    return `the checkout (${repoRoot()}) is not readable by an unprivileged user`;
  }
  return false;
}

describe("svcnet up --rootless (as nobody)", { skip: skipReason() }, () => {
  let up: UpCluster;
  const hostNetns = (): string => execFileSync("ip", ["netns", "list"], { encoding: "utf8" });

  before(async () => {
    accessSync(svcnetBin(), constants.R_OK);
    up = await startUp(["--rootless"], { idPrefix: "rl", asUser: NOBODY });
  });
  after(async () => {
    await up?.stop();
  });

  test("the seed's tour: pods on the nodes' ranges, NodePort on 127.0.0.1, the service by name; nothing on the host's network", async () => {
    assert.match(up.output(), /^rootless: the sandbox's namespaces belong to this svcnet \(pid \d+, user namespace of uid 65534\)/m);
    assert.doesNotMatch(hostNetns(), new RegExp(up.prefix), "the sandbox's namespaces are not the host's");
    const uids = execFileSync("ps", ["-o", "uid=", "-C", "node"], { encoding: "utf8" });
    assert.ok(uids.split("\n").some((l) => l.trim() === "65534"), "svcnet runs as nobody");

    const created = await up.kubectl(["create", "-f", seed("rc_nginx.yaml"), "-f", seed("service_nginx_nodeport.yaml")]);
    assert.equal(created.code, 0, created.stderr);
    await waitFor("three nginx pods Running", async () => {
      const phases = (await up.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].status.phase}"])).stdout.split(" ").filter(Boolean);
      return phases.length === 3 && phases.every((p) => p === "Running");
    }, { timeoutMs: 30_000, intervalMs: 300 });
    const wide = (await up.kubectl(["get", "pods", "-l", "app=nginx", "-o", "wide", "--no-headers"])).stdout;
    for (const line of wide.trim().split("\n")) {
      assert.match(line, /\s10\.1\.(13|14)\.\d+\s+core-v2-0(1|2)\s/, `pod on a node's docker0 range: ${line}`);
    }

    const nodePort = (await up.kubectl(["get", "svc", "nginx-service", "-o", "jsonpath={.spec.ports[0].nodePort}"])).stdout;
    await waitFor("nginx on the host's 127.0.0.1:<nodePort>", async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${nodePort}/`, { signal: AbortSignal.timeout(2000) });
        return (await res.text()).includes("Welcome to nginx!");
      } catch {
        return false;
      }
    }, { timeoutMs: 30_000, intervalMs: 500 });
    await waitFor("nginx through the NodePort from the outside client", async () => (await up.inNetns(`${up.prefix}client`, ["curl", "-s", "--max-time", "2", `http://172.17.8.101:${nodePort}/`])).stdout.includes("Welcome to nginx!"), { timeoutMs: 20_000, intervalMs: 500 });

    const pod = (await up.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[0].metadata.name}"])).stdout;
    await waitFor("nginx-service by name from a pod", async () => (await up.kubectl(["exec", pod, "--", "curl", "-s", "--max-time", "2", "http://nginx-service:8000/"])).stdout.includes("Welcome to nginx!"), { timeoutMs: 30_000, intervalMs: 500 });
    const env = await up.kubectl(["exec", pod, "--", "env"]);
    assert.match(env.stdout, /^NGINX_SERVICE_SERVICE_PORT=8000$/m);
    assert.equal((await up.kubectl(["exec", pod, "--", "hostname"])).stdout.trim(), pod);
    // The requests above went to any of the three pods: read them all.
    const logs = await up.kubectl(["logs", "-l", "app=nginx", "--prefix", "--tail=-1"]);
    assert.doesNotMatch(logs.stdout, /\[emerg\]/, "nginx starts cleanly in the user namespace");
    assert.match(logs.stdout, /"GET \/ HTTP\/1\.1" 200/);

    const nat = await up.inNetns(`${up.prefix}core-v2-01`, ["iptables-save", "-t", "nat"]);
    assert.doesNotMatch(nat.stdout, /KUBE-SERVICES/, "the userspace proxy writes no rules");
    assert.doesNotMatch(readFileSync("/proc/net/dev", "utf8"), /docker0|svcnet-svc0/, "no sandbox interface in the host's namespace");
  });

  test("Ctrl-C-like stop: every process of the sandbox ends", async () => {
    const pid = Number(/pid (\d+)/.exec(up.output())?.[1]);
    assert.ok(pid > 0);
    await up.stop();
    const left = execFileSync("ps", ["-e", "-o", "uid=,pid=,args="], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.trim().startsWith(`${NOBODY.uid} `) && (l.includes(up.dataDir) || l.includes(up.id)));
    assert.deepEqual(left, [], "no process of the sandbox is left");
  });
});
