// A real node agent on the namespace sandbox (issue 4): it registers its Node and renews its
// Lease, and runs every pod bound to it — a network namespace with a veth on the node's
// docker0 and a host-local address, the pod's resolv.conf, hosts and hostname, its service
// account token volume (refreshed while it runs), and each container as a process (built-in
// images or the container's command) with the service environment variables. Restarts follow
// restartPolicy with CrashLoopBackOff; deleting a pod stops its processes (SIGTERM, grace,
// SIGKILL) and removes its namespace before the deletion is confirmed. Everything is read and
// written through the public API.
//
// Container logs are served to the API server (kubectl logs) from a loopback endpoint the agent
// publishes on its Node. Startup, readiness and liveness probes (exec, httpGet, tcpSocket) run
// from the pod's namespace; `kubectl exec` reaches the container through the same endpoint.
//
// The agent writes down each pod it runs (pod-record.ts) and its address allocations
// (ipam.json). An agent that starts where an earlier one ran — after a crash, even SIGKILL, or a
// stop with stopPodsOnExit false — adopts the pods whose processes still run instead of
// restarting them (same pid, address and restart count), records how the others ended while
// it was away (their shims wrote the exit status) and restarts those per restartPolicy, and
// removes what belongs to pods deleted meanwhile.
//
// Each node also runs the service proxy (issue 5) against its own namespace's iptables, as
// kube-proxy runs beside the kubelet on every node.
//
// The node is a namespace of a sandbox (`sandbox`), or any NodeNetwork (`network`), such as the
// machine the agent runs on (host-network.ts) for an agent that joined from another host.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { deepCopy, jsonEqual } from "../../api/json.js";
import { requireResource } from "../../api/resources.js";
import { rfc3339 } from "../../api/time.js";
import type { Container, KubeObject, Lease, Node, Pod, Service } from "../../api/types.js";
import type { Clock, Informer, Transport } from "../../client/index.js";
import { Informer as InformerClass, KubeClient, WorkQueue, isConflict, isNotFound, keyOf, realClock, runController, splitObjectKey } from "../../client/index.js";
import { ExecIpRunner } from "../../sandbox/ip-runner.js";
import type { SandboxNetwork } from "../../sandbox/sandbox-network.js";
import type { NodeNetwork } from "./node-network.js";
import { sandboxNodeNetwork } from "./node-network.js";
import { resolvConf } from "../dns-config/resolv-conf.js";
import { etcHosts } from "../dns-config/etc-hosts.js";
import { containerEnvRecord } from "../envvars/container-env.js";
import { expandVars } from "../envvars/expand.js";
import { hostDefaultPageRoot } from "../images/default-page.js";
import { isImageError, resolveImage } from "../images/images.js";
import { HostLocalIpam } from "../ipam/host-local-ipam.js";
import { parseIpamState } from "../ipam/ipam-state.js";
import { NodeRegistration } from "../node-registration.js";
import { runUserspaceProxyProcess } from "./userspace-proxy-process.js";
import type { ProbeSpec } from "../probes/probe-state.js";
import { initialProbeState, nextProbeState, probeTiming } from "../probes/probe-state.js";
import type { Probe } from "../probes/run-probe.js";
import { runProbe } from "../probes/run-probe.js";
import { KubeletAuthorizer, subjectAccessReviewer } from "../server/kubelet-authorizer.js";
import { startKubeletServer } from "../server/kubelet-server.js";
import { readProxyRules } from "../server/proxy-rules-reader.js";
import { selfSignedServingCertificate } from "../server/serving-certificate.js";
import { kubeletEndpointAnnotation, kubeletServingCertHashAnnotation } from "../../api/node-annotations.js";
import type { ContainerExit, ContainerProcess } from "../runtime/container-process.js";
import { POD_DIR_PATHS } from "../runtime/launch-plan.js";
import { setgroupsDenied } from "../runtime/setgroups-denied.js";
import { podFileSource } from "../runtime/pod-files.js";
import type { ProjectedFiles } from "../volumes/token-volume.js";
import { TokenVolumes } from "../volumes/token-volumes.js";
import { adoptContainer, startContainer } from "../runtime/container-process.js";
import type { PodRecord } from "./pod-record.js";
import { readPodRecords, writePodRecord } from "./pod-record.js";
import { simulatedNodeObject } from "../simulated/simulated-node.js";
import type { ContainerRuntimeInfo } from "../status/container-status.js";
import { crashLoopBackOff } from "../status/crash-loop-backoff.js";
import { podStatus } from "../status/pod-status.js";
import { shouldRestart } from "../status/restart-policy.js";
import { ConntrackCleaner } from "../../proxy/conntrack/conntrack-cleaner.js";
import type { IptablesBackend } from "../../proxy/iptables/iptables-commands.js";
import { ExecIptables } from "../../proxy/iptables/iptables-commands.js";
import type { RulesProfile } from "../../proxy/service-port-name.js";
import { ExecNft } from "../../proxy/nftables/nft-commands.js";
import { ServiceProxy } from "../../proxy/service-proxy.js";
import type { ProxyMode } from "../../proxy/service-proxy.js";
import { LoadBalancerSpeaker } from "../loadbalancer/load-balancer-speaker.js";
import { defaultNodeProxyConfig } from "../../proxy/types.js";

export interface SandboxNodeOptions {
  transport: Transport;
  /**
   * The cluster CA (PEM), kubelet's --client-ca-file: the kubelet endpoint accepts the client
   * certificates it signed (the API server's), and asks the API what each may do there.
   */
  clientCA: string;
  name: string;
  nodeIP: string;
  podCIDR: string;
  /** The sandbox the node belongs to (node `name`); or give `network`. */
  sandbox?: SandboxNetwork;
  /** The node's network when it is not a sandbox node (this machine: host-network.ts). */
  network?: NodeNetwork;
  /** Pod directories and logs live under here. */
  dataDir: string;
  clusterDNS?: string;
  renewMs?: number;
  clock?: Clock;
  /**
   * Stop every pod when the agent stops (default true: `svcnet up` and tests tear the sandbox down
   * after). False leaves them running for the next agent to adopt, as kubelet does. A function is
   * asked when the agent stops, so its owner can decide then (a crash-like stop leaves them).
   */
  stopPodsOnExit?: boolean | (() => boolean);
  /**
   * Run the layer-2 LoadBalancer speaker (MetalLB's role) in the node's namespace: announce the
   * LoadBalancer addresses this node is elected for. Default on; false turns it off. Only on a
   * node with a named namespace (a sandbox node).
   */
  speaker?: false | { releaseOnStop?: boolean };
  /**
   * Run the service proxy in the node's namespace; false turns it off. Default: iptables mode,
   * modern rules. `mode` picks kube-proxy's backend (iptables or nftables) or the userspace proxy,
   * which runs as a process in the node's namespace with `kubeconfig` (its server reachable there).
   */
  proxy?: false | { mode?: ProxyMode; kubeconfig?: string; profile?: RulesProfile; backend?: IptablesBackend; clusterCIDR?: string; minSyncPeriodMs?: number; syncPeriodMs?: number; masqueradeAll?: boolean };
}

type ProbedContainer = Container & { readinessProbe?: Probe & ProbeSpec; livenessProbe?: Probe & ProbeSpec; startupProbe?: Probe & ProbeSpec };

interface ContainerSlot {
  container: Container;
  process?: ContainerProcess;
  info: ContainerRuntimeInfo;
  /** Epoch ms before which a crashed container is not restarted. */
  restartAt?: number;
  /** A process adopted from an earlier agent, whose probes and exit watch start at the next sync. */
  adopted?: ContainerProcess;
  /** How the recorded process ended while no agent ran; handled at the next sync. */
  endedWhileAway?: ContainerExit;
}

interface PodRun {
  key: string;
  uid: string;
  ip: string;
  netns: string;
  dir: string;
  containers: Map<string, ContainerSlot>;
}



export class SandboxNode {
  readonly #o: Required<Omit<SandboxNodeOptions, "clock" | "sandbox" | "network">> & { clock: Clock };
  readonly #net: NodeNetwork;
  /** The node's service proxy, once running. */
  proxy: ServiceProxy | undefined;
  #ipam: HostLocalIpam;
  readonly #pods: KubeClient<Pod>;
  readonly #nodes: KubeClient<Node>;
  readonly #leases: KubeClient<Lease>;
  readonly #runs = new Map<string, PodRun>();
  /** The pods' service account token volumes, refreshed while the pods run. */
  readonly #tokenVolumes: TokenVolumes;
  /** Read once: whether this agent runs in a user namespace that refuses setgroups (`svcnet up --rootless`). */
  readonly #setgroupsDenied = setgroupsDenied();
  #queue: WorkQueue<string> | undefined;
  #services: Informer<Service> | undefined;

  constructor(o: SandboxNodeOptions) {
    this.#o = { clusterDNS: "10.0.0.10", renewMs: 10_000, clock: realClock, proxy: {}, speaker: {}, stopPodsOnExit: true, ...o };
    const net = o.network ?? (o.sandbox && sandboxNodeNetwork(o.sandbox, o.name));
    if (!net) throw new Error("SandboxNode needs a sandbox or a network");
    this.#net = net;
    this.#ipam = new HostLocalIpam(o.podCIDR);
    this.#pods = new KubeClient<Pod>(o.transport, requireResource("", "v1", "pods"), { fieldManager: "kubelet" });
    this.#nodes = new KubeClient<Node>(o.transport, requireResource("", "v1", "nodes"), { fieldManager: "kubelet" });
    this.#leases = new KubeClient<Lease>(o.transport, requireResource("coordination.k8s.io", "v1", "leases"), { fieldManager: "kubelet" });
    this.#tokenVolumes = new TokenVolumes({ transport: o.transport, clock: this.#o.clock, log: (line) => console.error(`${line} (node ${o.name})`) });
  }

  async run(signal: AbortSignal): Promise<void> {
    const node = simulatedNodeObject({ ...this.#o, now: this.#o.clock.now() });
    node.metadata.labels = { "kubernetes.io/hostname": this.#o.name, "kubernetes.io/os": "linux" };
    if (node.status?.nodeInfo) {
      node.status.nodeInfo.osImage = this.#net.netns === undefined ? "svcnet node (the agent's own network namespace)" : "svcnet sandbox node (network namespace)";
      node.status.nodeInfo.containerRuntimeVersion = "svcnet://0.1";
    }
    await new NodeRegistration({ nodes: this.#nodes, leases: this.#leases }, this.#o.clock).start(node, { periodMs: this.#o.renewMs, signal });
    // The endpoint the API server asks for container logs (kubectl logs), on loopback only, with a
    // certificate made for this run: the Node says which, so the API server talks to no other.
    const serving = selfSignedServingCertificate(this.#o.name, "127.0.0.1");
    const kubelet = await startKubeletServer({
      nodeName: this.#o.name,
      tls: serving,
      clientCA: this.#o.clientCA,
      authorizer: new KubeletAuthorizer({ review: subjectAccessReviewer(this.#o.transport), clock: this.#o.clock }),
      signal,
      logs: { logFile: (ns, pod, container, previous) => this.#logFile(`${ns}/${pod}`, container, previous) },
      exec: { target: (ns, pod, container) => this.#runs.get(`${ns}/${pod}`)?.containers.get(container)?.process },
      proxyRules: () => {
        const proxy = this.#o.proxy;
        const mode = proxy === false ? "none" : (proxy.mode ?? "iptables");
        return readProxyRules({ mode, ...(this.#net.netns !== undefined ? { netns: this.#net.netns } : {}), ...(proxy !== false && proxy.backend ? { backend: proxy.backend } : {}) });
      },
      portForward: {
        target: (ns, pod) => {
          const run = this.#runs.get(`${ns}/${pod}`);
          return run && { netns: run.netns, uid: run.uid };
        },
      },
    });
    await this.#nodes.patch(undefined, this.#o.name, {
      type: "merge",
      // The bearer token earlier agents published (svcnet.io/kubelet-token) goes: nothing accepts it now.
      body: { metadata: { annotations: { [kubeletEndpointAnnotation]: kubelet.url, [kubeletServingCertHashAnnotation]: serving.hash, "svcnet.io/kubelet-token": null } } },
    });
    this.#ipam = this.#loadIpam();
    const adopted = await this.#adoptPods();
    const pods: Informer<Pod> = new InformerClass<Pod>(this.#pods, { fieldSelector: `spec.nodeName=${this.#o.name}` });
    const services: Informer<Service> = new InformerClass<Service>(new KubeClient<Service>(this.#o.transport, requireResource("", "v1", "services")));
    this.#services = services;
    const queue = new WorkQueue<string>({ clock: this.#o.clock });
    this.#queue = queue;
    const enqueue = (p: unknown): void => queue.add(keyOf(p as KubeObject));
    pods.addEventHandler({ onAdd: enqueue, onUpdate: (_old, p) => enqueue(p), onDelete: enqueue });
    // Adopted pods are looked at even if they were deleted while no agent ran (then they go).
    for (const key of adopted) queue.add(key);
    void pods.run(signal);
    void services.run(signal);
    const proxyRun = this.#startProxy(signal);
    const speakerRun = this.#startSpeaker(signal);
    try {
      await runController({ name: `kubelet/${this.#o.name}`, queue, workers: 4, signal, caches: [pods, services], sync: (key) => this.#sync(pods, key) });
    } finally {
      this.#tokenVolumes.stop();
      // Stopping the agent stops its pods' processes and removes their namespaces, unless they
      // are left for the next agent (their records are up to date after every sync).
      const stopPods = typeof this.#o.stopPodsOnExit === "function" ? this.#o.stopPodsOnExit() : this.#o.stopPodsOnExit;
      if (stopPods) await Promise.all([...this.#runs.keys()].map((key) => this.#teardown(key, 2000)));
      else for (const run of this.#runs.values()) this.#leave(run);
      await proxyRun;
      await speakerRun;
    }
  }

  /** Starts the LoadBalancer speaker for this node; resolves when it has stopped. */
  #startSpeaker(signal: AbortSignal): Promise<void> {
    const settings = this.#o.speaker;
    if (settings === false) return Promise.resolve();
    const netns = this.#net.netns;
    if (netns === undefined) {
      console.error(`svcnet speaker ${this.#o.name}: not started (the LoadBalancer speaker runs on sandbox nodes only)`);
      return Promise.resolve();
    }
    const speaker = new LoadBalancerSpeaker({
      transport: this.#o.transport,
      nodeName: this.#o.name,
      netns,
      runner: new ExecIpRunner(),
      clock: this.#o.clock,
      releaseOnStop: settings.releaseOnStop ?? true,
      log: (line) => console.error(`svcnet speaker ${this.#o.name}: ${line}`),
    });
    return speaker.run(signal).catch((e: unknown) => console.error(`svcnet speaker ${this.#o.name} stopped:`, e));
  }

  /** Starts kube-proxy's counterpart for this node; resolves when it has stopped. */
  #startProxy(signal: AbortSignal): Promise<void> {
    const settings = this.#o.proxy;
    if (settings === false) return Promise.resolve();
    const netns = this.#net.netns;
    // A userspace proxy listens on the service addresses, so it runs inside the node's namespace.
    if (settings.mode === "userspace") {
      if (netns === undefined || settings.kubeconfig === undefined) {
        return Promise.reject(new Error("the userspace proxy on a node agent needs the node's namespace and a kubeconfig reachable from it (proxy.kubeconfig)"));
      }
      return runUserspaceProxyProcess({ netns, kubeconfig: settings.kubeconfig, nodeName: this.#o.name, nodeIP: this.#o.nodeIP, log: (line) => console.error(`svcnet proxy ${this.#o.name}: ${line}`) }, signal);
    }
    const proxy = new ServiceProxy({
      transport: this.#o.transport,
      mode: settings.mode ?? "iptables",
      commands: new ExecIptables({ ...(netns !== undefined && { netns }), backend: settings.backend }),
      nft: new ExecNft(netns !== undefined ? { netns } : {}),
      config: {
        ...defaultNodeProxyConfig,
        nodeName: this.#o.name,
        nodeIPs: [this.#o.nodeIP],
        clusterCIDR: settings.clusterCIDR ?? "10.1.0.0/16",
        masqueradeAll: settings.masqueradeAll ?? false,
        // NodePorts answer on the node's address; 127.0.0.1 inside a node namespace helps nobody.
        localhostNodePorts: false,
      },
      profile: settings.profile ?? "modern",
      minSyncPeriodMs: settings.minSyncPeriodMs ?? 1000,
      syncPeriodMs: settings.syncPeriodMs ?? 30_000,
      conntrack: new ConntrackCleaner(netns !== undefined ? { netns } : {}),
      log: (line) => console.error(`svcnet proxy ${this.#o.name}: ${line}`),
    });
    this.proxy = proxy;
    return proxy.run(signal).catch((e: unknown) => console.error(`svcnet proxy ${this.#o.name} stopped:`, e));
  }

  get #ipamFile(): string {
    return join(this.#o.dataDir, "ipam.json");
  }

  /** The node's address allocations as the last agent left them (a fresh allocator when none). */
  #loadIpam(): HostLocalIpam {
    if (!existsSync(this.#ipamFile)) return new HostLocalIpam(this.#o.podCIDR);
    try {
      return new HostLocalIpam(this.#o.podCIDR, parseIpamState(JSON.parse(readFileSync(this.#ipamFile, "utf8"))));
    } catch (e) {
      console.error(`svcnet agent ${this.#o.name}: ignoring ${this.#ipamFile}: ${e instanceof Error ? e.message : String(e)}`);
      return new HostLocalIpam(this.#o.podCIDR);
    }
  }

  #saveIpam(): void {
    mkdirSync(this.#o.dataDir, { recursive: true });
    writeFileSync(`${this.#ipamFile}.tmp`, `${JSON.stringify(this.#ipam.toJSON())}\n`);
    renameSync(`${this.#ipamFile}.tmp`, this.#ipamFile);
  }

  /** Writes down what this agent knows of a pod, for an agent that starts after it. */
  #record(run: PodRun): void {
    const record: PodRecord = { version: 1, key: run.key, uid: run.uid, ip: run.ip, netns: run.netns, containers: {} };
    for (const [name, slot] of run.containers) {
      const proc = slot.process ?? slot.adopted;
      record.containers[name] = {
        info: slot.info,
        ...(proc && { process: { pid: proc.pid, startTime: proc.startTime } }),
        ...(slot.restartAt !== undefined && { restartAt: slot.restartAt }),
      };
    }
    writePodRecord(run.dir, record);
  }

  /** Leaves a pod running for the next agent: records it and lets go of its processes here. */
  #leave(run: PodRun): void {
    this.#record(run);
    for (const slot of run.containers.values()) {
      (slot.process ?? slot.adopted)?.detach();
      slot.process = undefined;
      slot.adopted = undefined;
    }
  }

  /**
   * Takes over the pods an earlier agent on this node recorded: their namespaces, addresses and
   * the container processes still running. A pod whose namespace is gone is cleaned up (its
   * processes could not have a network). Returns the keys of every recorded pod, which the
   * caller syncs (deleted pods are then torn down).
   */
  async #adoptPods(): Promise<string[]> {
    const { records, unreadable } = readPodRecords(join(this.#o.dataDir, "pods"));
    for (const u of unreadable) console.error(`svcnet agent ${this.#o.name}: not adopting ${u.dir}: ${u.reason}`);
    const keys: string[] = [];
    for (const { dir, record } of records) {
      const net = await this.#net.adoptPod({ podId: record.key, ip: record.ip });
      const containers = new Map<string, ContainerSlot>();
      for (const [name, c] of Object.entries(record.containers)) {
        const slot: ContainerSlot = { container: { name } as Container, info: c.info, ...(c.restartAt !== undefined && { restartAt: c.restartAt }) };
        if (c.process) {
          const exitFile = join(dir, "containers", name, "exit");
          // Adopted even without its namespace: then only to be stopped with the rest of the pod.
          const proc = await adoptContainer({ pid: c.process.pid, startTime: c.process.startTime, exitFile });
          if (proc) slot.adopted = proc;
          else slot.endedWhileAway = recordedExit(exitFile);
        }
        containers.set(name, slot);
      }
      const run: PodRun = { key: record.key, uid: record.uid, ip: record.ip, netns: record.netns, dir, containers };
      if (!net) {
        console.error(`svcnet agent ${this.#o.name}: pod ${record.key} lost its network namespace; removing it`);
        this.#runs.set(record.key, run);
        await this.#teardown(record.key, 0);
        continue;
      }
      try {
        this.#ipam.adopt(record.key, record.ip);
      } catch (e) {
        console.error(`svcnet agent ${this.#o.name}: pod ${record.key}: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.#runs.set(record.key, run);
      keys.push(record.key);
    }
    this.#saveIpam();
    return keys;
  }

  #logFile(key: string, container: string, previous: boolean): string | undefined {
    const run = this.#runs.get(key);
    return run ? join(run.dir, "logs", `${container}${previous ? ".previous" : ""}.log`) : undefined;
  }

  async #sync(pods: Informer<Pod>, key: string): Promise<void> {
    const { namespace, name } = splitObjectKey(key);
    const pod = pods.lister.get(namespace ?? "", name);
    const run = this.#runs.get(key);
    if (run && (!pod || pod.metadata.uid !== run.uid)) await this.#teardown(key, 0);
    if (!pod) return;
    if (pod.metadata.deletionTimestamp) {
      await this.#teardown(key, (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000);
      try {
        await this.#pods.delete(namespace ?? "", name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
      return;
    }
    const current = this.#runs.get(key) ?? (await this.#createSandbox(key, pod));
    // Also for adopted pods, whose tokens this agent must now keep fresh.
    const tokenFiles = await this.#tokenVolumes.ensure(pod, podFileSource(current.dir, POD_DIR_PATHS[0]));
    for (const c of pod.spec.containers) {
      const slot = current.containers.get(c.name);
      if (!slot) continue;
      slot.container = c;
      this.#takeOver(key, pod, current, slot);
      await this.#ensureRunning(key, pod, current, slot, tokenFiles);
    }
    this.#record(current);
    await this.#writeStatus(pod, current);
  }

  async #createSandbox(key: string, pod: Pod): Promise<PodRun> {
    const { ip } = this.#ipam.allocate(key);
    this.#saveIpam();
    const net = await this.#net.addPod({ podId: key, ip });
    const dir = join(this.#o.dataDir, "pods", pod.metadata.uid ?? key.replace("/", "_"));
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const run: PodRun = {
      key,
      uid: pod.metadata.uid ?? "",
      ip,
      netns: net.netns,
      dir,
      containers: new Map(pod.spec.containers.map((c) => [c.name, { container: c, info: { name: c.name, restartCount: 0 } }])),
    };
    this.#runs.set(key, run);
    this.#record(run);
    return run;
  }

  /**
   * Finishes adopting a container now that its pod's spec is known: an adopted process gets its
   * probes and exit watch; one that ended while no agent ran is recorded as exited (and then
   * restarted per restartPolicy like any other exit).
   */
  #takeOver(key: string, pod: Pod, run: PodRun, slot: ContainerSlot): void {
    const proc = slot.adopted;
    if (proc) {
      slot.adopted = undefined;
      slot.process = proc;
      const startedAt = slot.info.current?.startedAt ?? rfc3339(this.#o.clock.now());
      this.#startProbes(key, pod, run, slot, proc, { started: slot.info.started !== false });
      void proc.exited.then((exit) => this.#onExit(key, pod, slot, proc, exit, startedAt));
    }
    const exit = slot.endedWhileAway;
    if (exit) {
      slot.endedWhileAway = undefined;
      if (slot.info.current?.state === "running") this.#recordExit(key, pod, slot, exit, slot.info.current.startedAt);
    }
  }

  async #ensureRunning(key: string, pod: Pod, run: PodRun, slot: ContainerSlot, tokenFiles: ProjectedFiles | undefined): Promise<void> {
    if (slot.process || (slot.info.current?.state === "exited" && !shouldRestart(pod.spec.restartPolicy, slot.info.current.exitCode))) return;
    const now = this.#o.clock.now();
    if (slot.restartAt !== undefined && now < slot.restartAt) {
      this.#queue?.addAfter(key, slot.restartAt - now);
      return;
    }
    if (tokenFiles && !tokenFiles.ok) {
      // As kubelet: the container waits until its token volume can be set up.
      slot.info = { ...slot.info, waiting: { reason: "ContainerCreating", message: `MountVolume.SetUp failed for the service account token volume: ${tokenFiles.error}` } };
      this.#queue?.addAfter(key, 2000);
      return;
    }
    const c = slot.container;
    const containerDir = join(run.dir, "containers", c.name);
    mkdirSync(containerDir, { recursive: true, mode: 0o755 });
    const image = resolveImage(c, { containerDir, nginxRoot: hostDefaultPageRoot(), nginxUser: "root", nginxSingleProcess: this.#setgroupsDenied });
    if (isImageError(image)) {
      slot.info = { ...slot.info, waiting: { reason: image.error.reason, message: image.error.message } };
      return;
    }
    const env = containerEnvRecord(pod, c, { services: this.#services?.lister.list() ?? [], podIPs: [run.ip], hostIPs: [this.#o.nodeIP], nodeName: this.#o.name });
    const argv = [...image.command, ...(image.args ?? [])].map((a) => expandVars(a, (n) => env[n]));
    for (const [path, content] of Object.entries(image.files ?? {})) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    const hostname = pod.spec.hostname ?? pod.metadata.name ?? "pod";
    const logFile = join(run.dir, "logs", `${c.name}.log`);
    const exitFile = join(containerDir, "exit");
    // A restart keeps the exited instance's log for kubectl logs --previous.
    if (slot.info.current?.state === "exited" && existsSync(logFile)) renameSync(logFile, join(run.dir, "logs", `${c.name}.previous.log`));
    const proc = await startContainer({
      netns: run.netns,
      command: argv,
      env,
      workingDir: typeof c.workingDir === "string" ? c.workingDir : undefined,
      files: {
        "/etc/resolv.conf": resolvConf(pod, { clusterDNS: [this.#o.clusterDNS], clusterDomain: "cluster.local" }),
        "/etc/hosts": etcHosts(pod, { podIPs: [run.ip] }),
        ...(tokenFiles?.ok && { "/var/run/secrets/kubernetes.io/serviceaccount": tokenFiles.files }),
      },
      hostname,
      podDir: run.dir,
      logFile,
      exitFile,
    });
    const startedAt = rfc3339(now);
    slot.process = proc;
    slot.restartAt = undefined;
    slot.info = {
      ...slot.info,
      waiting: undefined,
      previous: slot.info.current?.state === "exited" ? slot.info.current : slot.info.previous,
      current: { state: "running", startedAt, containerID: `svcnet://${proc.pid}` },
      // With a startup probe a container is started only once it passes; with a readiness probe
      // it is ready only once that probe says so (and never before it has started).
      ready: !(c as ProbedContainer).readinessProbe && !(c as ProbedContainer).startupProbe,
      started: !(c as ProbedContainer).startupProbe,
    };
    // Written down at once: an agent killed from here on still finds this process.
    this.#record(run);
    this.#startProbes(key, pod, run, slot, proc, { started: false });
    void proc.exited.then((exit) => this.#onExit(key, pod, slot, proc, exit, startedAt));
  }

  /** The container's process ended: record it, unless another process has taken its place. */
  #onExit(key: string, pod: Pod, slot: ContainerSlot, proc: ContainerProcess, exit: ContainerExit, startedAt: string): void {
    if (slot.process !== proc) return;
    slot.process = undefined;
    this.#recordExit(key, pod, slot, exit, startedAt);
  }

  /**
   * Records an exited instance and plans what follows: per restartPolicy a restart (the first
   * immediately, then after 10 s, 20 s, … up to 5 min: kubelet's back-off), or nothing.
   */
  #recordExit(key: string, pod: Pod, slot: ContainerSlot, exit: ContainerExit, startedAt: string): void {
    const c = slot.container;
    const finishedAt = rfc3339(this.#o.clock.now());
    const exitCode = exit.exitCode ?? 128 + (exit.signal === "SIGKILL" ? 9 : 15);
    const restarting = shouldRestart(pod.spec.restartPolicy, exitCode);
    const delay = restarting ? crashLoopBackOff(slot.info.restartCount) : 0;
    slot.info = {
      ...slot.info,
      current: { state: "exited", exitCode, startedAt, finishedAt },
      ready: false,
      restartCount: slot.info.restartCount + (restarting ? 1 : 0),
    };
    if (restarting) {
      slot.restartAt = this.#o.clock.now() + delay;
      if (delay > 0) slot.info = { ...slot.info, waiting: { reason: "CrashLoopBackOff", message: `back-off restarting failed container=${c.name} pod=${pod.metadata.name}` } };
    }
    this.#queue?.add(key);
  }

  /**
   * The probes of a running container, each on its own timer until the container's process
   * changes. A startup probe runs first and alone: its success marks the container started and
   * starts the others; its failure (failureThreshold in a row) stops the process like a failed
   * liveness probe. Readiness sets `ready`; a failed liveness verdict stops the process (it is
   * then restarted per restartPolicy, with back-off).
   */
  #startProbes(key: string, pod: Pod, run: PodRun, slot: ContainerSlot, proc: ContainerProcess, o: { started: boolean }): void {
    const c = slot.container as ProbedContainer;
    const stop = (): void => void proc.stop({ graceMs: ((pod.spec.terminationGracePeriodSeconds as number | undefined) ?? 30) * 1000 });
    const loop = (kind: "startup" | "readiness" | "liveness", spec: Probe & ProbeSpec): void => {
      const t = probeTiming(spec);
      let state = initialProbeState;
      const tick = async (): Promise<void> => {
        if (slot.process !== proc) return;
        const ok = await runProbe(spec, { netns: run.netns, podIP: run.ip, container: c, process: proc });
        if (slot.process !== proc) return;
        const next = nextProbeState(state, ok, spec);
        const changed = next.ok !== state.ok;
        state = next;
        if (kind === "readiness" && changed) {
          slot.info = { ...slot.info, ready: next.ok === true };
          this.#queue?.add(key);
        }
        if ((kind === "liveness" || kind === "startup") && next.ok === false) {
          stop();
          return;
        }
        if (kind === "startup" && next.ok === true) {
          slot.info = { ...slot.info, started: true, ready: !c.readinessProbe };
          this.#queue?.add(key);
          startRunning();
          return;
        }
        setTimeout(() => void tick(), t.periodMs).unref();
      };
      setTimeout(() => void tick(), t.delayMs).unref();
    };
    const startRunning = (): void => {
      if (c.readinessProbe) loop("readiness", c.readinessProbe);
      if (c.livenessProbe) loop("liveness", c.livenessProbe);
    };
    // An adopted container that had passed its startup probe does not go through it again.
    if (c.startupProbe && !o.started) loop("startup", c.startupProbe);
    else startRunning();
  }

  async #writeStatus(pod: Pod, run: PodRun): Promise<void> {
    const runtime = new Map([...run.containers.values()].map((s) => [s.container.name, s.info]));
    const status = podStatus(pod, runtime, { now: new Date(this.#o.clock.now()), sandboxReady: true, hostIP: this.#o.nodeIP, podIP: run.ip });
    const next = { ...status, qosClass: pod.status?.qosClass };
    if (jsonEqual(next, pod.status)) return;
    try {
      await this.#pods.updateStatus({ ...deepCopy(pod), status: next });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
      if (isConflict(e)) this.#queue?.add(keyOf(pod));
    }
  }

  /** Stops a pod's containers (SIGTERM, then SIGKILL after graceMs) and removes its sandbox. */
  async #teardown(key: string, graceMs: number): Promise<void> {
    const run = this.#runs.get(key);
    if (!run) return;
    this.#runs.delete(key);
    this.#tokenVolumes.forget(run.uid);
    await Promise.all([...run.containers.values()].map(async (s) => {
      const p = s.process ?? s.adopted;
      s.process = undefined;
      s.adopted = undefined;
      if (p) await p.stop({ graceMs });
    }));
    await this.#net.removePod(key);
    this.#ipam.release(key);
    this.#saveIpam();
    rmSync(run.dir, { recursive: true, force: true });
  }
}

/** How a container that ended while no agent ran exited: its shim's record, else SIGKILL. */
function recordedExit(exitFile: string): ContainerExit {
  const code = Number.parseInt(existsSync(exitFile) ? readFileSync(exitFile, "utf8") : "", 10);
  return Number.isInteger(code) ? { exitCode: code, signal: null } : { exitCode: null, signal: "SIGKILL" };
}
