// The seed's tour through the control plane with the real kubectl: an RC of three nginx pods,
// scheduled onto node core-v2-01, reported Running and Ready by a stand-in kubelet (status
// writes through the API, as a kubelet does), and nginx-service whose endpoints follow them —
// `kubectl get ep`, `kubectl describe svc`, `kubectl describe pod`.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { repoRoot } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { TestKubelet } from "./helpers/test-kubelet.js";
import { waitFor } from "./helpers/wait-for.js";

const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);
describe("the seed's rc, service and endpoints", () => {
  let s: ServerProcess;
  let kubelet: TestKubelet | undefined;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    kubelet?.stop();
    await s?.stop();
  });

  async function podNames(): Promise<string[]> {
    return (await s.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].metadata.name}"])).stdout.split(" ").filter(Boolean);
  }

  test("three pods are created, scheduled and become the service's endpoints", async () => {
    const rc = await s.kubectl(["create", "-f", seed("rc_nginx.yaml")]);
    assert.equal(rc.code, 0, rc.stderr);
    const svc = await s.kubectl(["create", "-f", seed("service_nginx.yaml")]);
    assert.equal(svc.code, 0, svc.stderr);
    await waitFor("3 pods, Pending with no node to run them", async () => (await podNames()).length === 3, { timeoutMs: 20_000 });
    // Now the node comes: the scheduler binds the pods and the kubelet reports them running.
    kubelet = new TestKubelet({ kubeconfig: s.kubeconfig, node: "core-v2-01", nodeIP: "172.17.8.101", podIPPrefix: "10.1.13." });
    await kubelet.start();
    await waitFor("3 pods running on core-v2-01", async () => {
      const ips = (await s.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].status.podIP}"])).stdout.split(" ").filter(Boolean);
      return ips.length === 3;
    }, { timeoutMs: 20_000 });
    const byIP = new Map(
      (await s.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={range .items[*]}{.status.podIP} {.metadata.name}{\"\\n\"}{end}"])).stdout
        .trim()
        .split("\n")
        .map((l) => l.split(" ") as [string, string]),
    );
    await waitFor("three endpoints", async () => {
      const ep = await s.kubectl(["get", "ep", "nginx-service"]);
      return /^nginx-service\s+10\.1\.13\.2:80,10\.1\.13\.3:80,10\.1\.13\.4:80\s/m.test(ep.stdout);
    }, { timeoutMs: 20_000 });
    const d = await s.kubectl(["describe", "svc", "nginx-service"]);
    assert.match(d.stdout, /^Endpoints:\s+10\.1\.13\.2:80,10\.1\.13\.3:80,10\.1\.13\.4:80$/m);
    const pod = await s.kubectl(["describe", "pod", byIP.get("10.1.13.3") ?? ""]);
    assert.match(pod.stdout, /^Node:\s+core-v2-01\/172\.17\.8\.101$/m);
    assert.match(pod.stdout, /^Labels:\s+app=nginx$/m);
    assert.match(pod.stdout, /^Status:\s+Running$/m);
    assert.match(pod.stdout, /^IP:\s+10\.1\.13\.3$/m);
    assert.match(pod.stdout, /^Controlled By:\s+ReplicationController\/nginx-controller$/m);
    assert.match(pod.stdout, /Scheduled\s+.*Successfully assigned default\/\S+ to core-v2-01/);
    const rcd = await s.kubectl(["describe", "rc", "nginx-controller"]);
    assert.match(rcd.stdout, /^Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    const slices = await s.kubectl(["get", "endpointslices", "-l", "kubernetes.io/service-name=nginx-service"]);
    assert.match(slices.stdout, /^nginx-service-\S+\s+IPv4\s+80\s+10\.1\.13\.2,10\.1\.13\.3,10\.1\.13\.4\s/m);
  });

  test("a deleted pod is replaced and its address leaves the endpoints", async () => {
    const victim = (await s.kubectl(["get", "pods", "-l", "app=nginx", "--field-selector=status.podIP=10.1.13.2", "-o", "jsonpath={.items[0].metadata.name}"])).stdout;
    assert.ok(victim);
    const d = await s.kubectl(["delete", "pod", victim, "--grace-period=0", "--force"]);
    assert.equal(d.code, 0, d.stderr);
    await waitFor("a replacement pod", async () => {
      const names = await podNames();
      return names.length === 3 && !names.includes(victim);
    }, { timeoutMs: 20_000 });
    // The replacement gets a new address (as the seed says, pod IPs change when pods come and go).
    await waitFor("10.1.13.2 replaced by a new address in the endpoints", async () => {
      const ep = await s.kubectl(["get", "ep", "nginx-service", "-o", "jsonpath={.subsets[*].addresses[*].ip}"]);
      return ep.stdout.split(" ").sort().join(",") === "10.1.13.3,10.1.13.4,10.1.13.5";
    }, { timeoutMs: 20_000 });
  });

  test("kubectl expose rc makes a service with the rc's selector", async () => {
    const e = await s.kubectl(["expose", "rc", "nginx-controller", "--port=8000", "--target-port=80", "--name=nginx-exposed"]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /service\/nginx-exposed exposed/);
    await waitFor("its endpoints", async () => {
      const ep = await s.kubectl(["get", "ep", "nginx-exposed", "-o", "jsonpath={.subsets[*].addresses[*].ip}"]);
      return ep.stdout.split(" ").filter(Boolean).length === 3;
    }, { timeoutMs: 20_000 });
  });
});
