// A stand-in kubelet for controller tests: registers a Node (Ready, 4 CPU / 8Gi / 110 pods),
// keeps its Lease in kube-node-lease renewed, re-posts Ready=True when someone else changed it
// (as a live kubelet does after the node lifecycle controller marked it Unknown), and sets
// pods Running and Ready. Everything goes through the public API, like a real kubelet.

import { deepCopy } from "../../api/json.js";
import type { Condition, Lease, Node, Pod } from "../../api/types.js";
import type { KubeClient } from "../../client/index.js";
import { isAlreadyExists, isConflict, isNotFound } from "../../client/index.js";
import { resource } from "../controller-context.js";
import type { TestCluster } from "../test-cluster.js";
import { rfc3339 } from "../../api/time.js";
import { withPodCondition } from "../scheduling/pod-condition.js";

/** Options of FakeKubelet; every field has a default. */
export interface FakeKubeletOptions {
  /** How often the Lease is renewed while running; default 200 ms. */
  renewMs?: number;
  /** Customises the Node before it is created (labels, spec.unschedulable, taints). */
  edit?: (node: Node & { spec: NonNullable<Node["spec"]> }) => void;
}

/** Lease renewTime as metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** The conditions a healthy kubelet posts: no pressure, Ready. */
function healthyConditions(now: number): Condition[] {
  const at = { lastHeartbeatTime: rfc3339(now), lastTransitionTime: rfc3339(now) };
  return [
    { type: "MemoryPressure", status: "False", ...at, reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available" },
    { type: "DiskPressure", status: "False", ...at, reason: "KubeletHasNoDiskPressure", message: "kubelet has no disk pressure" },
    { type: "PIDPressure", status: "False", ...at, reason: "KubeletHasSufficientPID", message: "kubelet has sufficient PID available" },
    { type: "Ready", status: "True", ...at, reason: "KubeletReady", message: "kubelet is posting ready status" },
  ];
}

/**
 * One node's kubelet. Contract: nothing happens before `register()`; `start()` renews the
 * Lease every `renewMs` (and restores Ready=True) until `stop()`, which resolves once the last
 * renewal has finished, so a test can stop the kubelets before the cluster.
 */
export class FakeKubelet {
  readonly name: string;
  readonly #nodes: KubeClient<Node>;
  readonly #leases: KubeClient<Lease>;
  readonly #pods: KubeClient<Pod>;
  readonly #o: FakeKubeletOptions;
  #loop: Promise<void> | undefined;
  #stop: AbortController | undefined;

  constructor(cluster: Pick<TestCluster, "client">, name: string, o: FakeKubeletOptions = {}) {
    this.name = name;
    this.#nodes = cluster.client<Node>(resource("", "v1", "nodes"));
    this.#leases = cluster.client<Lease>(resource("coordination.k8s.io", "v1", "leases"));
    this.#pods = cluster.client<Pod>(resource("", "v1", "pods"));
    this.#o = o;
  }

  /** Creates the Node, posts its Ready status and creates its Lease. */
  async register(): Promise<Node> {
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: this.name, labels: { "kubernetes.io/hostname": this.name, "kubernetes.io/os": "linux" } },
      spec: {},
    };
    this.#o.edit?.(node);
    const created = await this.#nodes.create(node);
    await this.#postReady(created);
    await this.renew();
    return this.#nodes.get(undefined, this.name);
  }

  /** Renews the Lease once (creating it if missing). */
  async renew(): Promise<void> {
    const spec = { holderIdentity: this.name, leaseDurationSeconds: 40, renewTime: microTime(Date.now()) };
    try {
      const lease = await this.#leases.get("kube-node-lease", this.name);
      await this.#leases.update({ ...lease, spec: { ...lease.spec, ...spec } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      try {
        await this.#leases.create({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: this.name, namespace: "kube-node-lease" }, spec });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
  }

  /** Starts renewing (idempotent). */
  start(): void {
    if (this.#loop) return;
    const stop = new AbortController();
    this.#stop = stop;
    this.#loop = this.#run(stop.signal);
  }

  /** Stops renewing: the node goes silent. Resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.#stop?.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Sets the pod Running and Ready with `podIP`, as the kubelet does once its containers run. */
  async runPod(namespace: string, name: string, podIP: string): Promise<Pod> {
    const now = Date.now();
    const pod = await this.#pods.get(namespace, name);
    let next = deepCopy(pod);
    next.status = { ...next.status, phase: "Running", podIP, podIPs: [{ ip: podIP }], hostIP: "172.17.8.101", startTime: rfc3339(now) };
    for (const type of ["Initialized", "ContainersReady", "Ready", "PodScheduled"]) {
      next = withPodCondition(next, { type, status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(now) });
    }
    return this.#pods.updateStatus(next);
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.renew();
        const node = await this.#nodes.get(undefined, this.name);
        if (node.status?.conditions?.find((c) => c.type === "Ready")?.status !== "True") await this.#postReady(node);
      } catch (e) {
        if (!isConflict(e) && !isNotFound(e)) throw e;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, this.#o.renewMs ?? 200);
        function done(): void {
          clearTimeout(t);
          signal.removeEventListener("abort", done);
          resolve();
        }
        signal.addEventListener("abort", done, { once: true });
      });
    }
  }

  async #postReady(node: Node): Promise<void> {
    const now = Date.now();
    const status = {
      ...node.status,
      capacity: { cpu: "4", memory: "8Gi", pods: "110" },
      allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
      conditions: healthyConditions(now),
      addresses: [{ type: "Hostname" as const, address: this.name }],
    };
    await this.#nodes.updateStatus({ ...node, status });
  }
}
