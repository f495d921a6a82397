// The seed's tour through the control plane with the real kubectl: an RC of three nginx pods,
// scheduled onto node core-v2-01, made Running and Ready by this test acting as the kubelet
// (status writes through the API, as a kubelet does), and nginx-service whose endpoints
// follow them — `kubectl get ep`, `kubectl describe svc`, `kubectl describe pod`.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { repoRoot } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);
const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");

function nodeManifest(): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "core-v2-01", labels: { "kubernetes.io/hostname": "core-v2-01" } },
    spec: { podCIDR: "10.1.13.0/24", podCIDRs: ["10.1.13.0/24"] },
    status: {
      addresses: [
        { type: "InternalIP", address: "172.17.8.101" },
        { type: "Hostname", address: "core-v2-01" },
      ],
      capacity: { cpu: "2", memory: "4Gi", pods: "110" },
      allocatable: { cpu: "2", memory: "4Gi", pods: "110" },
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: now(), lastTransitionTime: now() }],
      nodeInfo: { kubeletVersion: "v1.32.4-svcnet", osImage: "Debian GNU/Linux 12 (bookworm)", kernelVersion: "6.1", containerRuntimeVersion: "svcnet://0.1" },
    },
  });
}

describe("the seed's rc, service and endpoints", () => {
  let s: ServerProcess;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  async function podNames(): Promise<string[]> {
    return (await s.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].metadata.name}"])).stdout.split(" ").filter(Boolean);
  }

  /** What a kubelet reports once nginx runs: Running, Ready, an IP from the node's docker0 range. */
  async function runPod(name: string, ip: string): Promise<void> {
    const t = now();
    const status = {
      status: {
        phase: "Running",
        hostIP: "172.17.8.101",
        hostIPs: [{ ip: "172.17.8.101" }],
        podIP: ip,
        podIPs: [{ ip }],
        startTime: t,
        conditions: [
          { type: "Initialized", status: "True", lastTransitionTime: t },
          { type: "ContainersReady", status: "True", lastTransitionTime: t },
          { type: "Ready", status: "True", lastTransitionTime: t },
          { type: "PodScheduled", status: "True", lastTransitionTime: t },
        ],
        containerStatuses: [{ name: "nginx", image: "nginx", imageID: "svcnet://nginx", ready: true, started: true, restartCount: 0, state: { running: { startedAt: t } } }],
      },
    };
    const r = await s.kubectl(["patch", "pod", name, "--subresource=status", "--type=merge", "-p", JSON.stringify(status)]);
    assert.equal(r.code, 0, r.stderr);
  }

  test("three pods are created, scheduled and become the service's endpoints", async () => {
    assert.equal((await s.kubectl(["create", "-f", s.file("node.json", nodeManifest())])).code, 0);
    const rc = await s.kubectl(["create", "-f", seed("rc_nginx.yaml")]);
    assert.equal(rc.code, 0, rc.stderr);
    const svc = await s.kubectl(["create", "-f", seed("service_nginx.yaml")]);
    assert.equal(svc.code, 0, svc.stderr);
    await waitFor("3 pods bound to core-v2-01", async () => {
      const nodes = (await s.kubectl(["get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].spec.nodeName}"])).stdout.split(" ").filter(Boolean);
      return nodes.length === 3 && nodes.every((n) => n === "core-v2-01");
    }, { timeoutMs: 20_000 });
    const names = (await podNames()).sort();
    for (const [i, name] of names.entries()) await runPod(name, `10.1.13.${i + 2}`);
    await waitFor("three endpoints", async () => {
      const ep = await s.kubectl(["get", "ep", "nginx-service"]);
      return /^nginx-service\s+10\.1\.13\.2:80,10\.1\.13\.3:80,10\.1\.13\.4:80\s/m.test(ep.stdout);
    }, { timeoutMs: 20_000 });
    const d = await s.kubectl(["describe", "svc", "nginx-service"]);
    assert.match(d.stdout, /^Endpoints:\s+10\.1\.13\.2:80,10\.1\.13\.3:80,10\.1\.13\.4:80$/m);
    const pod = await s.kubectl(["describe", "pod", names[1]]);
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
    const victim = (await podNames()).sort()[0];
    const d = await s.kubectl(["delete", "pod", victim, "--grace-period=0", "--force"]);
    assert.equal(d.code, 0, d.stderr);
    await waitFor("a replacement pod", async () => {
      const names = await podNames();
      return names.length === 3 && !names.includes(victim);
    }, { timeoutMs: 20_000 });
    await waitFor("10.1.13.2 gone from the endpoints", async () => {
      const ep = await s.kubectl(["get", "ep", "nginx-service", "-o", "jsonpath={.subsets[*].addresses[*].ip}"]);
      return ep.stdout.split(" ").sort().join(",") === "10.1.13.3,10.1.13.4";
    }, { timeoutMs: 20_000 });
  });

  test("kubectl expose rc makes a service with the rc's selector", async () => {
    const e = await s.kubectl(["expose", "rc", "nginx-controller", "--port=8000", "--target-port=80", "--name=nginx-exposed"]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /service\/nginx-exposed exposed/);
    await waitFor("its endpoints", async () => {
      const ep = await s.kubectl(["get", "ep", "nginx-exposed", "-o", "jsonpath={.subsets[*].addresses[*].ip}"]);
      return ep.stdout.split(" ").filter(Boolean).length === 2;
    }, { timeoutMs: 20_000 });
  });
});
