// `svcnet up --proxy-mode userspace` (root): every node's service proxy is a `svcnet proxy --mode
// userspace` process inside the node's namespace, forwarding connections itself. The seed's
// nginx-service answers on its NodePort from outside the cluster and by name (cluster DNS, UDP
// through the same proxy) from a pod; the service addresses sit on svcnet-svc0, and no iptables
// rule of the proxy exists. All traffic stays inside the sandbox.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { repoRoot } from "./helpers/repo.js";
import type { UpCluster } from "./helpers/up-cluster.js";
import { startUp } from "./helpers/up-cluster.js";
import { waitFor } from "./helpers/wait-for.js";

const skip = process.getuid?.() === 0 ? false : "needs root (network namespaces)";
const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);

describe("svcnet up --proxy-mode userspace", { skip }, () => {
  let up: UpCluster;

  before(async () => {
    up = await startUp(["--proxy-mode", "userspace"], { idPrefix: "us" });
  });
  after(async () => {
    await up?.stop();
  });

  test("the seed's service answers on its NodePort from outside and by name from a pod; no iptables rules", async () => {
    const created = await up.kubectl(["create", "-f", seed("rc_nginx.yaml"), "-f", seed("service_nginx_nodeport.yaml")]);
    assert.equal(created.code, 0, created.stderr);
    const nodePort = (await up.kubectl(["get", "svc", "nginx-service", "-o", "jsonpath={.spec.ports[0].nodePort}"])).stdout;
    const clusterIP = (await up.kubectl(["get", "svc", "nginx-service", "-o", "jsonpath={.spec.clusterIP}"])).stdout;
    await waitFor("nginx through the NodePort from the outside client", async () => (await up.inNetns(`${up.prefix}client`, ["curl", "-s", "--max-time", "2", `http://172.17.8.101:${nodePort}/`])).stdout.includes("Welcome to nginx!"), { timeoutMs: 40_000, intervalMs: 500 });
    const pod = (await up.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[0].metadata.name}"])).stdout;
    await waitFor("nginx-service by name from a pod", async () => (await up.kubectl(["exec", pod, "--", "curl", "-s", "--max-time", "2", "http://nginx-service:8000/"])).stdout.includes("Welcome to nginx!"), { timeoutMs: 30_000, intervalMs: 500 });
    const addresses = await up.inNetns(`${up.prefix}core-v2-02`, ["ip", "-4", "-o", "address", "show", "dev", "svcnet-svc0"]);
    assert.match(addresses.stdout, new RegExp(`inet ${clusterIP.replace(/\./g, "\\.")}/32`));
    const nat = await up.inNetns(`${up.prefix}core-v2-02`, ["iptables-save", "-t", "nat"]);
    assert.doesNotMatch(nat.stdout, /KUBE-SERVICES/, "userspace mode writes no iptables rules");
  });
});
