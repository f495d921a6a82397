// A simulated node (kwok-style, issue 4's `svcnet agent --simulated`): it registers its Node,
// renews its Lease in kube-node-lease, and reports every pod bound to it Running and Ready
// with an address from its pod range — without namespaces or processes. Many can run in one
// process, for scale tests of the control plane. Everything goes through the public API.

import { deepCopy } from "../../api/json.js";
import { requireResource } from "../../api/resources.js";
import { rfc3339 } from "../../api/time.js";
import type { KubeObject, Lease, Node, Pod } from "../../api/types.js";
import type { Clock, Informer, Transport } from "../../client/index.js";
import { Informer as InformerClass, KubeClient, WorkQueue, isConflict, isNotFound, keyOf, realClock, runController, splitObjectKey } from "../../client/index.js";
import { NodeRegistration } from "../node-registration.js";
import { HostLocalIpam } from "../ipam/host-local-ipam.js";
import type { ContainerRuntimeInfo } from "../status/container-status.js";
import { podStatus } from "../status/pod-status.js";

export interface SimulatedNodeOptions {
  transport: Transport;
  name: string;
  nodeIP: string;
  podCIDR: string;
  /** Lease renewal period; default 10 s (a quarter of the 40 s lease, as kubelet). */
  renewMs?: number;
  clock?: Clock;
}



/** The Node object a simulated kubelet registers. */
export function simulatedNodeObject(o: { name: string; nodeIP: string; podCIDR: string; now: number }): Node {
  const t = rfc3339(o.now);
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: o.name, labels: { "kubernetes.io/hostname": o.name, "kubernetes.io/os": "linux", type: "simulated" } },
    spec: { podCIDR: o.podCIDR, podCIDRs: [o.podCIDR] },
    status: {
      addresses: [
        { type: "InternalIP", address: o.nodeIP },
        { type: "Hostname", address: o.name },
      ],
      capacity: { cpu: "32", memory: "256Gi", pods: "110", "ephemeral-storage": "100Gi" },
      allocatable: { cpu: "32", memory: "256Gi", pods: "110", "ephemeral-storage": "100Gi" },
      conditions: [
        { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory", message: "kubelet has sufficient memory available", lastHeartbeatTime: t, lastTransitionTime: t },
        { type: "DiskPressure", status: "False", reason: "KubeletHasNoDiskPressure", message: "kubelet has no disk pressure", lastHeartbeatTime: t, lastTransitionTime: t },
        { type: "PIDPressure", status: "False", reason: "KubeletHasSufficientPID", message: "kubelet has sufficient PID available", lastHeartbeatTime: t, lastTransitionTime: t },
        { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: t, lastTransitionTime: t },
      ],
      nodeInfo: {
        kubeletVersion: "v1.32.4-svcnet",
        kubeProxyVersion: "",
        osImage: "svcnet simulated node",
        kernelVersion: "",
        containerRuntimeVersion: "svcnet-simulated://0.1",
        operatingSystem: "linux",
        architecture: "amd64",
      },
    },
  };
}

/** Runtime info of a pod whose containers all run and are ready (what a simulated node reports). */
export function runningRuntime(pod: Pod, startedAt: string): Map<string, ContainerRuntimeInfo> {
  const m = new Map<string, ContainerRuntimeInfo>();
  for (const c of pod.spec.containers) {
    m.set(c.name, { name: c.name, restartCount: 0, current: { state: "running", startedAt }, ready: true, started: true, imageID: `svcnet-simulated://${c.image ?? ""}` });
  }
  return m;
}

export class SimulatedNode {
  readonly #o: Required<Omit<SimulatedNodeOptions, "clock">> & { clock: Clock };
  readonly #ipam: HostLocalIpam;
  readonly #nodes: KubeClient<Node>;
  readonly #leases: KubeClient<Lease>;
  readonly #pods: KubeClient<Pod>;

  constructor(o: SimulatedNodeOptions) {
    this.#o = { renewMs: 10_000, clock: realClock, ...o };
    this.#ipam = new HostLocalIpam(o.podCIDR);
    this.#nodes = new KubeClient<Node>(o.transport, requireResource("", "v1", "nodes"), { fieldManager: "kubelet" });
    this.#leases = new KubeClient<Lease>(o.transport, requireResource("coordination.k8s.io", "v1", "leases"), { fieldManager: "kubelet" });
    this.#pods = new KubeClient<Pod>(o.transport, requireResource("", "v1", "pods"), { fieldManager: "kubelet" });
  }

  /** Registers the node (or takes over an existing one), then runs until `stop` aborts. */
  async run(stop: AbortSignal): Promise<void> {
    // This node's own signal for its many listeners (registration, informer, workers): with
    // thousands of simulated nodes sharing `stop`, each listener added to it costs more.
    const signal = AbortSignal.any([stop]);
    const registration = new NodeRegistration({ nodes: this.#nodes, leases: this.#leases }, this.#o.clock);
    await registration.start(simulatedNodeObject({ ...this.#o, now: this.#o.clock.now() }), { periodMs: this.#o.renewMs, signal });
    const pods: Informer<Pod> = new InformerClass<Pod>(this.#pods, { fieldSelector: `spec.nodeName=${this.#o.name}` });
    const queue = new WorkQueue<string>({ clock: this.#o.clock });
    const enqueue = (p: unknown): void => queue.add(keyOf(p as KubeObject));
    pods.addEventHandler({ onAdd: enqueue, onUpdate: (_old, p) => enqueue(p), onDelete: enqueue });
    void pods.run(signal);
    await runController({ name: `simulated-kubelet/${this.#o.name}`, queue, workers: 4, signal, caches: [pods], sync: (key) => this.#syncPod(pods, key) });
  }

  async #syncPod(pods: Informer<Pod>, key: string): Promise<void> {
    const { namespace, name } = splitObjectKey(key);
    const pod = pods.lister.get(namespace ?? "", name);
    if (!pod) {
      this.#ipam.release(key);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      // The containers "stop" at once: confirm the deletion, as kubelet does once they have.
      this.#ipam.release(key);
      try {
        await this.#pods.delete(namespace ?? "", name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
      return;
    }
    if (pod.status?.podIP && pod.status.phase === "Running") return;
    const { ip } = this.#ipam.allocate(key);
    const now = this.#o.clock.now();
    const status = podStatus(pod, runningRuntime(pod, rfc3339(now)), { now: new Date(now), sandboxReady: true, hostIP: this.#o.nodeIP, podIP: ip });
    try {
      // qosClass is set once at create and may not change.
      await this.#pods.updateStatus({ ...deepCopy(pod), status: { ...status, qosClass: pod.status?.qosClass } });
    } catch (e) {
      if (isNotFound(e)) this.#ipam.release(key);
      else throw e;
    }
  }
}
