// `svcnet up` (what `make up` runs): the seed's kubectl commands work against it. As root the
// nodes are network namespaces and the pods real nginx processes; the sandbox is removed when
// svcnet up stops. Run here with `--rules-profile seed`, so the node's nat table reads as the
// seed's does: KUBE-SVC-GKN7Y2BSGW4NJTYL, its 0.33332999982, KUBE-NODEPORTS' two rules.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { repoRoot } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);

describe("svcnet up", () => {
  let s: ServerProcess;
  const id = `u${randomBytes(4).toString("hex")}`;
  before(async () => {
    s = await startServer({ command: "up", extraArgs: ["--sandbox-id", id, "--rules-profile", "seed"] });
  });
  after(async () => {
    await s?.stop();
    const left = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
    assert.ok(!left.includes(`svcnet-${id}-`), `svcnet up left namespaces behind:\n${left}`);
  });

  test("the seed's tour: rc, pods on core-v2-01/02, svc, ep, NodePort", async () => {
    await waitFor("two Ready nodes", async () => (await s.kubectl(["get", "nodes", "--no-headers"])).stdout.split("\n").filter((l) => /\sReady\s/.test(l)).length === 2, { timeoutMs: 20_000 });
    assert.equal((await s.kubectl(["create", "-f", seed("rc_nginx.yaml")])).code, 0);
    assert.equal((await s.kubectl(["create", "-f", seed("service_nginx.yaml")])).code, 0);
    await waitFor("three Running pods", async () => {
      const lines = (await s.kubectl(["get", "pods", "--no-headers"])).stdout.trim().split("\n");
      return lines.length === 3 && lines.every((l) => /^nginx-controller-\w{5}\s+1\/1\s+Running\s+0\s/.test(l));
    }, { timeoutMs: 20_000 });
    await waitFor("nginx-service with three endpoints", async () => {
      const ep = (await s.kubectl(["get", "ep", "nginx-service", "--no-headers"])).stdout;
      return /^nginx-service\s+10\.1\.1[34]\.\d+:80,10\.1\.1[34]\.\d+:80,10\.1\.1[34]\.\d+:80\s/.test(ep);
    }, { timeoutMs: 20_000 });
    const nodeAnnotations = (await s.kubectl(["get", "node", "core-v2-01", "-o", "jsonpath={.metadata.annotations}"])).stdout;
    if (nodeAnnotations.includes("svcnet.io/kubelet-endpoint")) {
      // Real nodes (as root): a busybox pod's output comes back through kubectl logs.
      const pod = s.file("env-pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: env-check\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'env; sleep 3600']\n");
      assert.equal((await s.kubectl(["create", "-f", pod])).code, 0);
      await waitFor("kubectl logs shows the pod's environment", async () => {
        const l = await s.kubectl(["logs", "env-check"]);
        return l.code === 0 && /^NGINX_SERVICE_SERVICE_HOST=10\.0\.0\.\d+$/m.test(l.stdout) && /^KUBERNETES_SERVICE_HOST=10\.0\.0\.1$/m.test(l.stdout);
      }, { timeoutMs: 20_000 });
    }
    const svc = await s.kubectl(["get", "svc"]);
    assert.match(svc.stdout, /^kubernetes\s+ClusterIP\s+10\.0\.0\.1\s+<none>\s+443\/TCP\s/m);
    assert.match(svc.stdout, /^nginx-service\s+ClusterIP\s+10\.0\.0\.\d+\s+<none>\s+8000\/TCP\s/m);
    const np = await s.kubectl(["apply", "-f", seed("service_nginx_nodeport.yaml")]);
    assert.equal(np.code, 0, np.stderr);
    const y = await s.kubectl(["get", "svc", "nginx-service", "-o", "yaml"]);
    assert.match(y.stdout, /^ {2}type: NodePort$/m);
    assert.match(y.stdout, /^ {2}- nodePort: 3\d{4}$/m);
    if (nodeAnnotations.includes("svcnet.io/kubelet-endpoint")) {
      // Real nodes: the NodePort answers on the host's loopback, through the forwarder into the
      // sandbox, and the seed's chains are in the node's nat table with their counters moving
      // (iptables 1.8.9 prints the prot column as 6/0 where the seed's printed tcp/all).
      const nodePort = Number(/^ {2}- nodePort: (3\d{4})$/m.exec(y.stdout)?.[1]);
      let page = "";
      await waitFor("nginx through 127.0.0.1:<nodePort>", async () => {
        const r = await fetch(`http://127.0.0.1:${nodePort}/`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
        page = r?.ok ? await r.text() : "";
        return page.includes("Welcome to nginx!");
      }, { timeoutMs: 20_000 });
      assert.match(page, /Welcome to nginx!/);
      const nat = execFileSync("ip", ["netns", "exec", `svcnet-${id}-core-v2-01`, "iptables", "-t", "nat", "-L", "-v", "-n", "-x"], { encoding: "utf8" });
      assert.match(nat, /^Chain KUBE-SVC-GKN7Y2BSGW4NJTYL \(2 references\)$/m);
      // A pod reaches the API server through the kubernetes Service (10.0.0.1:443 → 172.17.8.101:<port>).
      let version = "";
      await waitFor("the API through the kubernetes service from a pod", async () => {
        const pods = (await s.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[0].metadata.namespace}/{.items[0].metadata.name}"])).stdout;
        const podNetns = `svcnet-${id}-pod-${createHash("sha256").update(pods).digest("hex").slice(0, 8)}`;
        try {
          version = execFileSync("ip", ["netns", "exec", podNetns, "curl", "-sk", "--max-time", "2", "https://10.0.0.1:443/version"], { encoding: "utf8" });
        } catch {
          version = "";
        }
        return version.includes("gitVersion");
      }, { timeoutMs: 30_000 });
      assert.match(version, /"gitVersion":\s*"v1\.32/);
      // kubectl exec through the API server to the node agent (WebSocket, v5.channel.k8s.io).
      const podName = (await s.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[0].metadata.name}"])).stdout;
      const hostname = await s.kubectl(["exec", podName, "--", "hostname"]);
      assert.equal(hostname.code, 0, hostname.stderr);
      assert.equal(hostname.stdout.trim(), podName);
      const piped = await s.kubectl(["exec", "-i", podName, "--", "sh", "-c", "cat; echo oops >&2; exit 3"], { input: "hello from stdin\n" });
      assert.equal(piped.stdout, "hello from stdin\n");
      assert.match(piped.stderr, /oops/);
      assert.equal(piped.code, 3, "kubectl exits with the command's exit code");
      const missing = await s.kubectl(["exec", "no-such-pod", "--", "true"]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /pods "no-such-pod" not found/);
      assert.match(nat, /^\s+\d+\s+\d+\s+KUBE-SEP-\w{16}\s+0\s+--\s+\*\s+\*\s+0\.0\.0\.0\/0\s+0\.0\.0\.0\/0\s+\/\* default\/nginx-service: \*\/ statistic mode random probability 0\.33332999982$/m);
      assert.match(nat, /^\s+[1-9]\d*\s+\d+\s+KUBE-MARK-MASQ\s.*\/\* default\/nginx-service: \*\/ tcp dpt:\d+$/m);
      assert.match(nat, /^\s+[1-9]\d*\s+\d+\s+KUBE-SVC-GKN7Y2BSGW4NJTYL\s.*\/\* default\/nginx-service: \*\/ tcp dpt:\d+$/m);
    }
  });

  test("the seed's chapter 3, finished: a LoadBalancer gets an address from the default pool, reachable from outside and on 127.0.0.1", { skip: process.getuid?.() === 0 ? false : "needs root" }, async () => {
    // A free host port (the LoadBalancer port is published on 127.0.0.1:<port>).
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    const svc = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "nginx-lb", namespace: "default" },
      spec: { type: "LoadBalancer", selector: { app: "nginx" }, ports: [{ port, targetPort: 80 }] },
    };
    assert.equal((await s.kubectl(["create", "-f", "-"], { input: JSON.stringify(svc) })).code, 0);
    let row = "";
    await waitFor("EXTERNAL-IP from the pool", async () => {
      row = (await s.kubectl(["get", "svc", "nginx-lb", "--no-headers"])).stdout;
      return /\s172\.17\.8\.2\d\d\s/.test(row);
    }, { timeoutMs: 10_000, state: () => row });
    assert.match(row, new RegExp(`^nginx-lb\\s+LoadBalancer\\s+10\\.0\\.0\\.\\d+\\s+172\\.17\\.8\\.2\\d\\d\\s+${port}:3\\d{4}/TCP\\s`));
    const vip = /\s(172\.17\.8\.2\d\d)\s/.exec(row)?.[1] ?? "";
    await waitFor("nginx through the address from the outside client", async () => {
      try {
        return execFileSync("ip", ["netns", "exec", `svcnet-${id}-client`, "curl", "-s", "--max-time", "2", `http://${vip}:${port}/`], { encoding: "utf8" }).includes("Welcome to nginx!");
      } catch {
        return false;
      }
    }, { timeoutMs: 20_000 });
    let page = "";
    await waitFor(`nginx through 127.0.0.1:${port}`, async () => {
      const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      page = r?.ok ? await r.text() : "";
      return page.includes("Welcome to nginx!");
    }, { timeoutMs: 20_000 });
    assert.equal((await s.kubectl(["delete", "svc", "nginx-lb"])).code, 0);
  });
});
