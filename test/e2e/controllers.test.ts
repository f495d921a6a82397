// The controllers inside a real `svcnet server`, driven by the real kubectl, with two
// stand-in kubelets: Deployment rollouts (status, history, undo) and a node that goes silent
// losing its pods from the endpoints within the grace period + 5 s.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { TestKubelet } from "./helpers/test-kubelet.js";
import { waitFor } from "./helpers/wait-for.js";

const graceSeconds = 3;

describe("controllers in svcnet server", () => {
  let s: ServerProcess;
  const kubelets: TestKubelet[] = [];
  before(async () => {
    s = await startServer({ extraArgs: [`--node-monitor-grace-period=${graceSeconds}s`] });
    for (const [i, node] of ["core-v2-01", "core-v2-02"].entries()) {
      const k = new TestKubelet({ kubeconfig: s.kubeconfig, node, nodeIP: `172.17.8.${101 + i}`, podIPPrefix: `10.1.${13 + i}.` });
      await k.start();
      kubelets.push(k);
    }
  });
  after(async () => {
    for (const k of kubelets) k.stop();
    await s?.stop();
  });

  test("a deployment rolls out, rolls forward to a new image and back with kubectl rollout", async () => {
    const c = await s.kubectl(["create", "deployment", "web", "--image=nginx", "--replicas=4"]);
    assert.equal(c.code, 0, c.stderr);
    const st = await s.kubectl(["rollout", "status", "deployment/web", "--timeout=60s"], { timeoutMs: 70_000 });
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /deployment "web" successfully rolled out/);
    const nodes = (await s.kubectl(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}"])).stdout.split(" ");
    assert.deepEqual([...new Set(nodes)].sort(), ["core-v2-01", "core-v2-02"], "replicas are spread over both nodes");
    const set = await s.kubectl(["set", "image", "deployment/web", "nginx=nginx:1.25"]);
    assert.equal(set.code, 0, set.stderr);
    const st2 = await s.kubectl(["rollout", "status", "deployment/web", "--timeout=60s"], { timeoutMs: 70_000 });
    assert.match(st2.stdout, /successfully rolled out/);
    const hist = await s.kubectl(["rollout", "history", "deployment/web"]);
    assert.equal(hist.code, 0, hist.stderr);
    assert.match(hist.stdout, /^1\s/m);
    assert.match(hist.stdout, /^2\s/m);
    const undo = await s.kubectl(["rollout", "undo", "deployment/web"]);
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stdout, /deployment\.apps\/web rolled back/);
    await s.kubectl(["rollout", "status", "deployment/web", "--timeout=60s"], { timeoutMs: 70_000 });
    const images = (await s.kubectl(["get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])).stdout;
    assert.equal(images, "nginx");
    const rs = await s.kubectl(["get", "rs", "-l", "app=web"]);
    assert.equal(rs.stdout.trim().split("\n").length - 1, 2, "the undo reuses the first replica set");
    const get = await s.kubectl(["get", "deployment", "web"]);
    assert.match(get.stdout, /^web\s+4\/4\s+4\s+4\s/m);
  });

  test("pods on a node that stops renewing its lease leave the endpoints within grace + 5 s", async () => {
    const e = await s.kubectl(["expose", "deployment", "web", "--port=80"]);
    assert.equal(e.code, 0, e.stderr);
    const ready = async (): Promise<string[]> =>
      (await s.kubectl(["get", "ep", "web", "-o", "jsonpath={.subsets[*].addresses[*].ip}"])).stdout.split(" ").filter(Boolean);
    await waitFor("4 ready endpoints", async () => (await ready()).length === 4, { timeoutMs: 20_000 });
    kubelets[1].stopRenewing();
    const silentAt = Date.now();
    await waitFor("the silent node's pods to leave", async () => (await ready()).every((ip) => ip.startsWith("10.1.13.")), {
      timeoutMs: (graceSeconds + 5) * 1000 + 3000,
    });
    const took = Date.now() - silentAt;
    // Detection comes at the first 5 s monitor pass after the grace period runs out; marking the
    // pods not ready and rewriting the endpoints after it takes a moment more (1 s allowed).
    assert.ok(took <= (graceSeconds + 5) * 1000 + 1000, `took ${took} ms`);
    const node = await s.kubectl(["get", "node", "core-v2-02"]);
    assert.match(node.stdout, /^core-v2-02\s+NotReady\s/m);
    const d = await s.kubectl(["describe", "node", "core-v2-02"]);
    assert.match(d.stdout, /node\.kubernetes\.io\/unreachable:NoExecute/);
  });
});
