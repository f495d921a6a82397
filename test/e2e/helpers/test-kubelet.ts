// A stand-in kubelet for control-plane e2e tests, talking to a real `svcnet server` over
// HTTPS as a kubelet does: it registers its Node (Ready, InternalIP, capacity), renews its
// Lease in kube-node-lease, reports the pods bound to it Running and Ready with an IP from
// its pod range, and confirms graceful deletions. It runs no processes — the node agent
// (issue 4) does that for real; this lets the controllers be tested on their own.

import { microTime, rfc3339 } from "../../../src/api/time.js";
import { KubeHttp } from "./kube-http.js";

export interface TestKubeletOptions {
  kubeconfig: string;
  node: string;
  nodeIP: string;
  /** e.g. "10.1.13." — pods get .2, .3, … */
  podIPPrefix: string;
  periodMs?: number;
}

const micro = (): string => microTime(Date.now());
const rfc = (): string => rfc3339(Date.now());

interface PodView {
  metadata: { name: string; namespace: string; deletionTimestamp?: string };
  spec: { containers: { name: string; image?: string }[] };
  status?: { podIP?: string };
}

export class TestKubelet {
  readonly #o: Required<TestKubeletOptions>;
  readonly #http: KubeHttp;
  #next = 2;
  #renewing = true;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(o: TestKubeletOptions) {
    this.#o = { periodMs: 300, ...o };
    this.#http = KubeHttp.fromKubeconfig(o.kubeconfig);
  }

  async #must(path: string, init: Parameters<KubeHttp["request"]>[1]): Promise<unknown> {
    const r = await this.#http.request(path, init);
    if (r.status >= 300) throw new Error(`${init?.method ?? "GET"} ${path}: ${r.status} ${r.text}`);
    return r.json();
  }

  /** Registers the node and its lease, then keeps both alive and runs bound pods. */
  async start(): Promise<void> {
    const t = rfc();
    await this.#must("/api/v1/nodes", {
      method: "POST",
      body: {
        metadata: { name: this.#o.node, labels: { "kubernetes.io/hostname": this.#o.node } },
        status: {
          addresses: [
            { type: "InternalIP", address: this.#o.nodeIP },
            { type: "Hostname", address: this.#o.node },
          ],
          capacity: { cpu: "2", memory: "4Gi", pods: "110" },
          allocatable: { cpu: "2", memory: "4Gi", pods: "110" },
          conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: t, lastTransitionTime: t }],
          nodeInfo: { kubeletVersion: "v1.32.4-svcnet" },
        },
      },
    });
    await this.#must("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", {
      method: "POST",
      body: { metadata: { name: this.#o.node }, spec: { holderIdentity: this.#o.node, leaseDurationSeconds: 40, renewTime: micro() } },
    });
    this.#timer = setInterval(() => void this.#tick(), this.#o.periodMs);
  }

  /** The node goes silent: its lease is no longer renewed (pods stay as they are). */
  stopRenewing(): void {
    this.#renewing = false;
  }

  async #tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      if (this.#renewing) {
        await this.#http.request(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${this.#o.node}`, {
          method: "PATCH",
          contentType: "application/merge-patch+json",
          body: { spec: { renewTime: micro() } },
        });
      }
      const list = (await this.#must(`/api/v1/pods?fieldSelector=spec.nodeName%3D${this.#o.node}`, {})) as { items: PodView[] };
      for (const p of list.items) {
        const path = `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`;
        if (p.metadata.deletionTimestamp) {
          await this.#http.request(path, { method: "DELETE", body: { gracePeriodSeconds: 0 } });
        } else if (!p.status?.podIP && this.#renewing) {
          await this.#http.request(`${path}/status`, { method: "PATCH", contentType: "application/merge-patch+json", body: runningStatus(p, this.#o.nodeIP, `${this.#o.podIPPrefix}${this.#next++}`) });
        }
      }
    } catch {
      // The server may be restarting or the test ending; the next tick tries again.
    } finally {
      this.#busy = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#http.close();
  }
}

function runningStatus(pod: PodView, hostIP: string, ip: string): unknown {
  const t = rfc();
  const containerStatuses = pod.spec.containers.map((c) => ({
    name: c.name,
    image: c.image ?? "",
    imageID: "",
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: t } },
  }));
  return {
    status: {
      phase: "Running",
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: t,
      conditions: [
        { type: "Initialized", status: "True", lastTransitionTime: t },
        { type: "ContainersReady", status: "True", lastTransitionTime: t },
        { type: "Ready", status: "True", lastTransitionTime: t },
        { type: "PodScheduled", status: "True", lastTransitionTime: t },
      ],
      containerStatuses,
    },
  };
}
