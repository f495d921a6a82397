// `svcnet up`: a whole cluster on this machine. As root it builds the namespace sandbox
// (underlay, one namespace per node with docker0 and host-gw routes) and runs a real node
// agent per node, so pods run as processes on real addresses; otherwise, or with
// --simulated, the nodes are simulated (kwok-style). The control plane runs in this process,
// or, with `--store etcd`, as an etcd cluster and `--servers` API server replicas on the
// sandbox's control-plane machines behind one failover address on 127.0.0.1. Ctrl-C stops the
// pods and removes the sandbox; `svcnet down` removes what a crash left.

import { setMaxListeners } from "node:events";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SandboxNode } from "../agent/node/sandbox-node.js";
import { SimulatedNode } from "../agent/simulated/simulated-node.js";
import { HttpsTransport } from "../client/index.js";
import { loadKubeconfig } from "../client/kubeconfig.js";
import { destroyByPrefix } from "../sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../sandbox/ip-runner.js";
import type { SandboxNetwork } from "../sandbox/sandbox-network.js";
import { buildSandboxNetwork } from "../sandbox/sandbox-network.js";
import { MAX_CONTROL_PLANE_MACHINES } from "../sandbox/control-plane/control-plane-plan.js";
import { startEtcdCluster } from "../sandbox/control-plane/etcd-cluster.js";
import { etcdDataMismatch } from "../sandbox/control-plane/etcd-data-check.js";
import { podRouteCommands } from "../sandbox/control-plane/pod-routes.js";
import { planServerReplicas } from "../sandbox/control-plane/server-replica.js";
import { EtcdMemberPart } from "../sandbox/control/etcd-member-part.js";
import { NodePart } from "../sandbox/control/node-part.js";
import { controlSocketPath } from "../sandbox/control/sandbox-control-client.js";
import { serveSandboxControl } from "../sandbox/control/sandbox-control-server.js";
import { ServerReplicaPart } from "../sandbox/control/server-replica-part.js";
import type { IpRunner } from "../sandbox/ip-runner.js";
import { startApiFailover } from "../sandbox/forwarder/api-failover.js";
import { planTopology } from "../sandbox/topology-plan.js";
import { checkUserNamespaces, preparePrivateRun, rootlessInside, runInRootlessNamespaces } from "../sandbox/rootless/rootless-namespace.js";
import { runHostPortForwarding } from "../sandbox/forwarder/host-port-forwarding.js";
import { runApiAccess } from "../sandbox/forwarder/api-access.js";
import { nthNode } from "./agent-command.js";
import { parseIptablesBackend } from "../proxy/iptables/iptables-commands.js";
import type { ModeName } from "./proxy-flags.js";
import { checkMode, parseProfile } from "./proxy-flags.js";
import { runServer, serverHelp } from "./server-command.js";
import { applyAddon } from "../server/addons/apply-addon.js";
import { clusterDnsObjects, defaultClusterDnsOptions } from "../server/addons/cluster-dns.js";
import { loadBalancerPoolObjects } from "../server/addons/load-balancer-pool.js";
import { writeKubeconfig } from "../server/kubeconfig.js";
import { kubeProxySubject, nodeSubject, writeComponentKubeconfig } from "../server/component-credentials.js";
import { clusterIdentityFiles, ensureAdminToken, ensureCa } from "../server/pki.js";
import { ensureServiceAccountKey, serviceAccountKeyFiles } from "../server/service-account-key.js";

/** The dashboard's lines of the banner: its address and the login link that carries the admin token. */
export function dashboardLines(apiUrl: string, token: string): string {
  return [`Dashboard: ${apiUrl}/ui/   (the server's own certificate: let the browser trust it, or use the cluster CA)`, `  log in: ${apiUrl}/ui/login#token=${token}`].join("\n");
}

function banner(kubeconfig: string, nodes: number, simulated: boolean, id: string, proxyMode: ModeName = "iptables"): string {
  // Rootless, the namespaces are seen only from inside this process's user and mount namespaces.
  const enter = rootlessInside() ? `nsenter -t ${process.pid} -U -m ` : "";
  const inNs = (ns: string): string => `${enter}ip netns exec svcnet-${id}-${ns}`;
  return [
    "",
    `svcnet is up: the control plane and ${nodes} ${simulated ? "simulated " : ""}node(s) (core-v2-01… at 172.17.8.101…).`,
    "In another shell:",
    `  export KUBECONFIG=${kubeconfig}`,
    "  kubectl create -f examples/seed/rc_nginx.yaml -f examples/seed/service_nginx.yaml",
    "  kubectl get pods -o wide; kubectl get svc,ep",
    "",
    simulated
      ? "Simulated nodes run no processes: pods become Running and Ready with addresses only."
      : "Pods run as processes in their own network namespaces, reachable from each other.",
    simulated
      ? "Simulated nodes run no proxy: Service IPs and NodePorts need the namespace sandbox (root)."
      : [
          `Each node runs the service proxy (${proxyMode}, as kube-proxy). To see the seed's rules and use them:`,
          {
            iptables: `  ${inNs("core-v2-01")} iptables -t nat -L -v -n`,
            nftables: `  ${inNs("core-v2-01")} nft list table ip kube-proxy`,
            // No rules: the proxy listens on the service addresses it put on svcnet-svc0.
            userspace: `  ${inNs("core-v2-01")} ip -4 address show dev svcnet-svc0; ${inNs("core-v2-01")} ss -ltnp`,
          }[proxyMode],
          "  curl http://127.0.0.1:<nodePort>/        (every TCP NodePort is forwarded to core-v2-01 from 127.0.0.1)",
          `  ${inNs("client")} curl http://172.17.8.101:<nodePort>/   (from outside the cluster)`,
          `  ${enter}svcnet trace --from 10.1.14.5 --to <clusterIP>:8000 --node core-v2-01 --sandbox-id ${id}`,
          `Rehearse a node dropping off the network: svcnet sandbox stop core-v2-02 --data-dir ${dirname(kubeconfig)} (start brings it back)`,
        ].join("\n"),
    simulated
      ? "Simulated nodes run no cluster DNS (its pods need real nodes)."
      : "Cluster DNS: Service kube-system/kube-dns at 10.0.0.10 (Deployment coredns, image svcnet/dns); pods resolve names like nginx-service.",
    simulated
      ? "LoadBalancer services get addresses, but simulated nodes announce none."
      : [
          "LoadBalancer: addresses from the pool metallb-system/default (172.17.8.201-172.17.8.250), announced by one node (layer 2):",
          "  kubectl apply -f examples/seed/service_nginx_loadbalancer.yaml; kubectl get svc nginx-service",
          `  ${inNs("client")} curl http://<EXTERNAL-IP>:8000/   or   curl http://127.0.0.1:8000/`,
        ].join("\n"),
    dashboardLines(loadKubeconfig(kubeconfig).server, ensureAdminToken(dirname(kubeconfig))),
    "Stop with Ctrl-C (pods are stopped and the sandbox removed); state stays in the data dir.",
  ].join("\n");
}

/** The flags that choose between the embedded control plane and the HA one, checked up front. */
export type UpMode = { ok: true; ha: false } | { ok: true; ha: true; servers: number; etcdMembers: number } | { ok: false; error: string };

/**
 * Reads --store, --servers and --etcd-members out of `svcnet up`'s arguments (the rest is left to
 * the full parse). `--store etcd` (the word, not a URL) is the HA mode: an etcd cluster and
 * `--servers` replicas in the sandbox. Errors are one line saying the fix.
 */
export function upMode(argv: readonly string[]): UpMode {
  const { values } = parseArgs({
    args: [...argv],
    options: { store: { type: "string" }, servers: { type: "string" }, "etcd-members": { type: "string" } },
    strict: false,
    allowPositionals: true,
  });
  const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  const store = text(values.store);
  const servers = text(values.servers);
  const members = text(values["etcd-members"]);
  const count = (flag: string, v: string, max: number): number | string => {
    const n = Number(v);
    return /^\d+$/.test(v) && n >= 1 && n <= max ? n : `${flag} must be an integer from 1 to ${max}, got ${JSON.stringify(v)}`;
  };
  if (store !== "etcd") {
    if (members !== undefined) return { ok: false, error: "--etcd-members needs --store etcd (it sizes the etcd cluster that svcnet up runs): add --store etcd" };
    if (servers !== undefined && servers !== "1") {
      return { ok: false, error: `--servers ${servers} needs --store etcd (several API servers share one etcd cluster): add --store etcd` };
    }
    return { ok: true, ha: false };
  }
  const s = count("--servers", servers ?? "1", MAX_CONTROL_PLANE_MACHINES);
  if (typeof s === "string") return { ok: false, error: s };
  const m = count("--etcd-members", members ?? "3", MAX_CONTROL_PLANE_MACHINES);
  if (typeof m === "string") return { ok: false, error: m };
  if (s > m) return { ok: false, error: `--servers ${s} needs at least ${s} etcd members (each server runs on an etcd member's machine): use --etcd-members ${s}` };
  return { ok: true, ha: true, servers: s, etcdMembers: m };
}

/** `svcnet up --help`: its own flags, then the server flags it passes on. */
export function upHelp(): string {
  const serverFlags = serverHelp().split("\n").slice(serverHelp().split("\n").findIndex((l) => l.startsWith("Flags:")) + 1).join("\n");
  return `Run a whole cluster on this machine: the control plane, nodes as network namespaces (as root;
simulated nodes otherwise) with their agents, proxies and LoadBalancer speakers, cluster DNS and a
LoadBalancer address pool. Ctrl-C stops it and removes the sandbox.

Usage:
  svcnet up [flags]

Flags of up:
  --nodes n                 nodes core-v2-01… at 172.17.8.101… (default 2)
  --simulated auto|true|false  simulated nodes: pods Running without processes (default auto: true unless root)
  --sandbox-id id           names the sandbox's namespaces svcnet-<id>-* (default "up")
  --proxy-mode m            the nodes' service proxy: "iptables" (default), "nftables" or
                            "userspace" (a process in each node's namespace forwarding itself)
  --rootless                the same sandbox for a user without privileges: svcnet runs in its own user
                            namespace (needs unprivileged user namespaces); the userspace proxy by default
  --rules-profile p         "modern" (kube-proxy 1.32's rules, default) or "seed" (the seed's)
  --iptables-backend b      "system" (default), "nft" or "legacy"
  --store etcd              a highly available control plane: a real etcd cluster and API servers, each
                            in a control-plane namespace (172.17.8.11…), behind a failover forwarder on
                            127.0.0.1 (--listen); needs root
  --etcd-members n          with --store etcd: etcd members (default 3)
  --servers n               with --store etcd: API servers (default 1; 2 or more for failover)

Flags passed on to the API server (see 'svcnet server --help'):
${serverFlags}`;
}

export function runUp(argv: string[]): Promise<number> {
  if (argv.includes("--rootless") && !argv.includes("--help") && !argv.includes("-h")) return runRootlessUp(argv);
  const mode = upMode(argv);
  if (!mode.ok) {
    console.error(`error: ${mode.error}`);
    return Promise.resolve(1);
  }
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(upHelp());
    return Promise.resolve(0);
  }
  if (mode.ha) return runHighlyAvailableUp(argv, mode);
  return runServer(argv, {
    help: upHelp,
    extraFlags: {
      nodes: { type: "string", default: "2" },
      simulated: { type: "string", default: "auto" },
      ...sandboxNodeFlags,
      // Checked by upMode; accepted here only as their single-server values.
      servers: { type: "string", default: "1" },
    },
    async afterStart(cp, { flags, signal }) {
      const count = Number(flags.nodes);
      if (!Number.isInteger(count) || count < 0 || count > 99) throw new Error(`--nodes must be an integer from 0 to 99, got ${JSON.stringify(flags.nodes)}`);
      if (!["auto", "true", "false"].includes(flags.simulated)) throw new Error(`--simulated must be auto, true or false, got ${JSON.stringify(flags.simulated)}`);
      const isRoot = process.getuid?.() === 0;
      if (flags.simulated === "false" && !isRoot) throw new Error("the namespace sandbox needs root: run as root, or use --simulated=true");
      const simulated = flags.simulated === "true" || (flags.simulated === "auto" && !isRoot);
      // runServer gives every extra flag its value or its default.
      const { profile, backend, mode } = nodeProxySettings(flags as Record<keyof typeof sandboxNodeFlags, string>);
      const transport = HttpsTransport.fromKubeconfig(cp.kubeconfigPath);
      const base = { name: "core-v2-01", ip: "172.17.8.101", podCIDR: "10.1.13.0/24" };
      const runs: Promise<void>[] = [];
      if (simulated) {
        for (let i = 0; i < count; i++) {
          const n = nthNode(base, i, count);
          runs.push(new SimulatedNode({ transport, name: n.name, nodeIP: n.ip, podCIDR: n.podCIDR }).run(signal));
        }
      } else if (count > 0) {
        const runner = new ExecIpRunner();
        const id = flags["sandbox-id"];
        const net = await buildSandbox(runner, id, count);
        const dataDir = resolve(join(cp.kubeconfigPath, ".."));
        const sandbox = runSandboxNodes(
          { net, runner, transport, dataDir: join(dataDir, "nodes"), mode, profile, backend, caDir: dataDir, sandboxApiServer: `https://${cp.advertiseAddress}:${cp.address.port}` },
          signal,
        );
        runs.push(...sandbox.runs);
        const control = await serveSandboxControl(controlSocketPath(dataDir), sandbox.nodes);
        runs.push(new Promise<void>((r) => signal.addEventListener("abort", () => void control.close().then(r), { once: true })));
        // Pods reach the API through the `kubernetes` Service: its endpoint, the advertised address,
        // answers in the node namespace that owns it and is relayed to the API on 127.0.0.1.
        const advertised = net.nodes.find((n) => n.ip === cp.advertiseAddress);
        if (advertised) {
          runs.push(
            runApiAccess(
              { netns: advertised.netns, listen: { host: advertised.ip, port: cp.address.port }, apiPort: cp.address.port, log: (line) => console.error(`svcnet: ${line}`) },
              signal,
            ),
          );
        }
        await applyAddons(transport);
        // When the agents have stopped their pods, the sandbox goes.
        void Promise.allSettled(runs).then(() => net.destroy().catch((e: unknown) => console.error("svcnet: removing the sandbox:", e)));
      }
      for (const r of runs) r.catch((e: unknown) => console.error("svcnet: a node agent stopped:", e));
      const stopped = Promise.allSettled(runs).then(() => transport.close());
      console.log(banner(cp.kubeconfigPath, count, simulated, flags["sandbox-id"], mode));
      return { stopped };
    },
  });
}

/**
 * `svcnet up --rootless`: outside, checks that user namespaces are allowed and re-runs itself in
 * them (rootless-namespace.ts); inside, makes the private /run and runs the namespace sandbox, with
 * the userspace proxy unless --proxy-mode says otherwise (it needs no rules in any kernel table).
 */
async function runRootlessUp(argv: string[]): Promise<number> {
  const rest = argv.filter((a) => a !== "--rootless");
  const fail = (message: string): number => {
    console.error(`error: ${message}`);
    return 1;
  };
  // The flags --rootless itself looks at, read as upMode reads its own (the rest is left to the full parse).
  const { values } = parseArgs({
    args: rest,
    options: { simulated: { type: "string" }, "data-dir": { type: "string" }, "proxy-mode": { type: "string" } },
    strict: false,
    allowPositionals: true,
  });
  const flag = (name: keyof typeof values): string | undefined => (typeof values[name] === "string" ? values[name] : undefined);
  const mode = upMode(rest);
  if (mode.ok && mode.ha) return fail("--rootless runs one API server on its embedded store: drop --store etcd, or run the etcd form as root");
  if (flag("simulated") === "true") return fail("--rootless builds the namespace sandbox; --simulated true needs no --rootless");
  if (!rootlessInside()) {
    if (process.platform !== "linux") return fail("--rootless needs Linux user and network namespaces");
    try {
      await checkUserNamespaces();
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
    return runInRootlessNamespaces(["up", ...argv]);
  }
  try {
    await preparePrivateRun([flag("data-dir") ?? "./.svcnet", process.cwd()]);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  console.log(`rootless: the sandbox's namespaces belong to this svcnet (pid ${process.pid}, user namespace of uid ${rootlessOwner()}); \`ip netns\` in another shell does not list them.`);
  const withMode = flag("proxy-mode") === undefined ? [...rest, "--proxy-mode", "userspace"] : rest;
  return runUp(withMode);
}

/** The uid that owns the user namespace this process runs in (from /proc/self/uid_map). */
function rootlessOwner(): string {
  try {
    return readFileSync("/proc/self/uid_map", "utf8").trim().split(/\s+/)[1] ?? "?";
  } catch {
    return "?";
  }
}

/** Flags of the sandbox's nodes and their proxies, the same in both forms of `svcnet up`. */
const sandboxNodeFlags = {
  "sandbox-id": { type: "string", default: "up" },
  "rules-profile": { type: "string", default: "modern" },
  "iptables-backend": { type: "string", default: "system" },
  "proxy-mode": { type: "string", default: "iptables" },
} as const;

/** The node proxies' settings those flags give; throws a one-line error for a bad value. */
function nodeProxySettings(flags: Record<"rules-profile" | "iptables-backend" | "proxy-mode", string>): { profile: ReturnType<typeof parseProfile>; backend: ReturnType<typeof parseIptablesBackend>; mode: ModeName } {
  return { profile: parseProfile(flags["rules-profile"]), backend: parseIptablesBackend(flags["iptables-backend"]), mode: checkMode(flags["proxy-mode"], ["iptables", "nftables", "userspace"], "--proxy-mode") };
}

/** Removes what an earlier run of sandbox `id` left and builds `count` node namespaces. */
async function buildSandbox(runner: ExecIpRunner, id: string, count: number): Promise<SandboxNetwork> {
  process.stdout.write(`building the sandbox network (svcnet-${id}-*): ${count} node namespaces… `);
  await destroyByPrefix(runner, { id });
  const net = await buildSandboxNetwork(planTopology({ id, nodes: count }), runner);
  console.log("done");
  return net;
}

/**
 * Starts a node agent per sandbox node (each a NodePart, which `svcnet sandbox stop|start` can
 * unplug and plug back) and the host-port forwarding; each returned run settles once that part
 * has stopped for good (after `signal` aborts).
 */
function runSandboxNodes(
  o: {
    net: SandboxNetwork;
    runner: IpRunner;
    transport: HttpsTransport;
    dataDir: string;
    mode: ModeName;
    profile: ReturnType<typeof parseProfile>;
    backend: ReturnType<typeof parseIptablesBackend>;
    /** The directory holding the cluster CA, which signs each component's client certificate. */
    caDir: string;
    /** userspace mode: the API's address as the node namespaces reach it, for the proxies' kubeconfigs. */
    sandboxApiServer?: string;
  },
  signal: AbortSignal,
): { nodes: NodePart[]; runs: Promise<void>[] } {
  const { net, transport } = o;
  // The kubelet endpoints trust the cluster CA's client certificates (the API server's).
  const clientCA = readFileSync(join(o.caDir, clusterIdentityFiles.caCert), "utf8");
  const nodes = net.nodes.map((n) => {
    // Each agent reaches the API as its node (system:node:<name>), not as the admin.
    const nodeKubeconfig = writeComponentKubeconfig(join(o.dataDir, n.name, "kubelet.kubeconfig"), { caDir: o.caDir, server: transport.config.server, subject: nodeSubject(n.name) });
    const nodeTransport = HttpsTransport.fromKubeconfig(nodeKubeconfig);
    const proxyKubeconfig = join(o.dataDir, n.name, "proxy.kubeconfig");
    if (o.mode === "userspace") {
      if (!o.sandboxApiServer) throw new Error("--proxy-mode userspace needs the API's address inside the sandbox");
      writeComponentKubeconfig(proxyKubeconfig, { caDir: o.caDir, server: o.sandboxApiServer, subject: kubeProxySubject });
    }
    const part = new NodePart({
      node: n,
      underlayNetns: net.plan.underlay.netns,
      runner: o.runner,
      signal,
      log: (line) => console.error(`svcnet: ${line}`),
      runAgent: (agentSignal, stopPodsOnExit) =>
        new SandboxNode({ transport: nodeTransport, clientCA, name: n.name, nodeIP: n.ip, podCIDR: n.podCidr, sandbox: net, dataDir: join(o.dataDir, n.name), stopPodsOnExit, proxy: { mode: o.mode, kubeconfig: proxyKubeconfig, profile: o.profile, backend: o.backend } }).run(agentSignal),
    });
    part.launch();
    void part.settled().then(() => nodeTransport.close());
    return part;
  });
  const runs = nodes.map((n) => n.settled());
  // NodePorts and LoadBalancer ports answer on the host's 127.0.0.1, through a relay inside
  // the sandbox (in the outside client's namespace, where an external client of a VIP sits).
  const first = net.nodes[0];
  runs.push(
    runHostPortForwarding(
      { transport, netns: net.plan.client.netns, nodeIP: first.ip, allow: ["172.17.8.0/24"], log: (line) => console.error(`svcnet: ${line}`) },
      signal,
    ),
  );
  return { nodes, runs };
}

/** The cluster DNS and the LoadBalancer pool: created once, kept as the user leaves them. */
async function applyAddons(transport: HttpsTransport): Promise<void> {
  // The cluster DNS runs as pods, as CoreDNS does.
  const log = (line: string): void => console.error(`svcnet: add-ons: ${line}`);
  const applied = await applyAddon(transport, clusterDnsObjects(defaultClusterDnsOptions), { log });
  console.log(`cluster DNS: ${applied.map((a) => `${a.object} ${a.outcome}`).join(", ")}`);
  // LoadBalancer services get addresses from a pool on the node network (MetalLB's objects).
  const pools = await applyAddon(transport, loadBalancerPoolObjects(), { log });
  console.log(`LoadBalancer pool: ${pools.map((a) => `${a.object} ${a.outcome}`).join(", ")}`);
}

/** `svcnet server` flags that `svcnet up --store etcd` passes on, when given, to every replica. */
const replicaFlags = [
  "service-cluster-ip-range",
  "service-node-port-range",
  "controllers",
  "node-monitor-grace-period",
  "cluster-signing-duration",
  "leader-elect",
  "leader-elect-lease-duration",
  "leader-elect-renew-deadline",
  "leader-elect-retry-period",
  "max-requests-inflight",
  "max-mutating-requests-inflight",
  // Each replica keeps its own audit log in its own data dir (servers/<name>/audit.log).
  "audit-log-maxsize",
  "audit-log-maxbackup",
  "audit-log-maxage",
] as const;

/** Copies the cluster's identity (CA, admin token, service account key) from `from` into `to`. */
function shareClusterIdentity(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  const files = [clusterIdentityFiles.caCert, clusterIdentityFiles.caKey, clusterIdentityFiles.adminToken, serviceAccountKeyFiles.privateKey, serviceAccountKeyFiles.publicKey];
  for (const f of files) {
    copyFileSync(join(from, f), join(to, f));
    chmodSync(join(to, f), f === clusterIdentityFiles.caCert || f === serviceAccountKeyFiles.publicKey ? 0o644 : 0o600);
  }
}

/**
 * `svcnet up --store etcd`: this process only orchestrates. It builds the sandbox, runs the etcd
 * cluster and `--servers` `svcnet server` replicas on the control-plane machines (one CA, admin
 * token and service account key for all, made once in the data dir), offers them on the host as
 * one address (127.0.0.1:<--listen port>, failing over between replicas) written to the data
 * dir's kubeconfig, and runs the node agents in-process against that address. Ctrl-C/SIGTERM
 * stops agents, replicas, etcd, relays and namespaces, in that order.
 */
async function runHighlyAvailableUp(argv: string[], mode: { servers: number; etcdMembers: number }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "data-dir": { type: "string", default: "./.svcnet" },
        listen: { type: "string", default: "127.0.0.1:6443" },
        store: { type: "string" },
        servers: { type: "string" },
        "etcd-members": { type: "string" },
        nodes: { type: "string", default: "2" },
        simulated: { type: "string", default: "false" },
        ...sandboxNodeFlags,
        ...Object.fromEntries(replicaFlags.map((f) => [f, { type: "string" as const }])),
        "audit-log-path": { type: "string" },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nRun 'svcnet up --help' for usage.`);
    return 1;
  }
  const fail = (message: string): number => {
    console.error(`error: ${message}`);
    return 1;
  };
  const count = Number(values.nodes);
  if (!/^\d+$/.test(values.nodes) || count < 1 || count > 99) return fail(`--nodes must be an integer from 1 to 99 with --store etcd, got ${JSON.stringify(values.nodes)}`);
  if (values.simulated === "true") return fail("--store etcd runs etcd and the servers in the namespace sandbox: drop --simulated=true");
  if (process.getuid?.() !== 0) return fail("--store etcd runs etcd and the servers in the namespace sandbox, which needs root: run as root, or drop --store etcd");
  const listen = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(values.listen);
  if (!listen || Number(listen[2]) > 65535) return fail(`--listen must be 127.0.0.1:<port> with --store etcd (the API is offered on the host's loopback only), got ${JSON.stringify(values.listen)}`);
  let profile;
  let backend;
  let proxyMode;
  try {
    ({ profile, backend, mode: proxyMode } = nodeProxySettings(values));
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const given = values as Record<string, unknown>;
  const passOn = replicaFlags.flatMap((f) => (typeof given[f] === "string" ? [`--${f}`, given[f]] : []));
  // One file for every replica would have two servers rotating it: each writes its own by default.
  const auditPath = values["audit-log-path"];
  if (auditPath !== undefined && auditPath !== "" && auditPath !== "-") {
    return fail(`--audit-log-path with --store etcd: each API server replica writes <data-dir>/servers/<name>/audit.log; pass "" to turn the logs off or "-" for their output, got ${JSON.stringify(auditPath)}`);
  }
  if (auditPath !== undefined) passOn.push("--audit-log-path", auditPath);
  const id = values["sandbox-id"];
  const dataDir = resolve(values["data-dir"]);
  const log = (line: string): void => console.error(`svcnet: ${line}`);

  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  const stopped = new Promise<void>((resolveStopped) => stop.signal.addEventListener("abort", () => resolveStopped(), { once: true }));
  // What was started, undone in reverse order whatever happens.
  const undo: { what: string; run: () => Promise<void> }[] = [];
  const runs: Promise<void>[] = [];
  let transport: HttpsTransport | undefined;
  let code = 0;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
    // One identity for every replica: made here once, copied into each replica's data dir.
    const caCert = ensureCa(dataDir);
    const token = ensureAdminToken(dataDir);
    ensureServiceAccountKey(dataDir);

    const etcdRoot = join(dataDir, "etcd");
    const mismatch = etcdDataMismatch(existsSync(etcdRoot) ? readdirSync(etcdRoot) : [], mode.etcdMembers, etcdRoot);
    if (mismatch) throw new Error(mismatch);

    const runner = new ExecIpRunner();
    const net = await buildSandbox(runner, id, count);
    undo.push({ what: "removing the sandbox", run: () => net.destroy() });

    process.stdout.write(`starting etcd: ${mode.etcdMembers} member(s) on svcnet-${id}-cp-1… `);
    // The members' data stays in the data dir: the next `svcnet up` finds the cluster as it was left.
    const etcd = await startEtcdCluster({ id, members: mode.etcdMembers, dataRoot: etcdRoot, keepData: true });
    undo.push({ what: "stopping etcd", run: () => etcd.destroy() });
    console.log(`healthy in ${etcd.formationMs} ms (${etcd.plan.storeSpec})`);
    // Pods reach the replicas through the `kubernetes` Service with their own source address.
    for (const args of podRouteCommands(etcd.controlPlane.machines, net.nodes)) await runner.ip(args);

    const plans = planServerReplicas(etcd.controlPlane, { count: mode.servers, store: etcd.plan.storeSpec, dataRoot: join(dataDir, "servers"), extraArgs: passOn });
    const servers = plans.map(
      (plan) =>
        new ServerReplicaPart(plan, (replica) => {
          console.log(`svcnet server ${plan.name}: pid ${replica.pid ?? "?"}, https://${plan.address.ip}:${plan.address.port} in ${plan.machine.netns}, log ${replica.logPath}`);
          void replica.exited.then(({ code: c, signal }) => {
            if (!stop.signal.aborted) log(`API server ${plan.name} exited (${signal ?? `code ${String(c)}`}); the others carry on. Last output:\n${replica.outputTail()}`);
          });
        }),
    );
    undo.push({ what: "stopping the API servers", run: async () => void (await Promise.all(servers.map((r) => r.stop("SIGTERM")))) });
    // One after the other: the first bootstraps the cluster, the next ones find it done.
    for (const server of servers) {
      shareClusterIdentity(dataDir, server.plan.dataDir);
      await server.start();
    }

    const failover = await startApiFailover({ netns: net.plan.client.netns, targets: plans.map((p) => p.address), port: Number(listen[2]), log });
    undo.push({ what: "stopping the API forwarder", run: () => failover.stop() });
    const kubeconfigPath = join(dataDir, "kubeconfig");
    writeKubeconfig(kubeconfigPath, { server: `https://127.0.0.1:${failover.port}`, caCert, token });
    console.log(`svcnet up: ${plans.length} API server(s) listening on https://127.0.0.1:${failover.port} (fails over between ${plans.map((p) => p.address.ip).join(", ")})`);
    console.log(`kubeconfig: ${kubeconfigPath}   (export KUBECONFIG=${kubeconfigPath})`);

    transport = HttpsTransport.fromKubeconfig(kubeconfigPath);
    const sandbox = runSandboxNodes(
      // The userspace proxies reach the first API server directly on the underlay.
      { net, runner, transport, dataDir: join(dataDir, "nodes"), mode: proxyMode, profile, backend, caDir: dataDir, sandboxApiServer: `https://${plans[0].address.ip}:${plans[0].address.port}` },
      stop.signal,
    );
    runs.push(...sandbox.runs);
    for (const r of runs) r.catch((e: unknown) => console.error("svcnet: a node agent stopped:", e));
    const etcdParts = etcd.plan.members.map((m) => new EtcdMemberPart(m.name, etcd));
    const control = await serveSandboxControl(controlSocketPath(dataDir), [...etcdParts, ...servers, ...sandbox.nodes]);
    undo.push({ what: "closing the control socket", run: () => control.close() });
    await applyAddons(transport);
    console.log(banner(kubeconfigPath, count, false, id, proxyMode));
    console.log(`Control plane: etcd on ${etcd.plan.clientUrls.join(", ")}; API servers on ${plans.map((p) => `${p.address.ip}:${p.address.port}`).join(", ")} (kubectl get ep kubernetes).`);
    console.log(`Rehearse faults: svcnet sandbox parts --data-dir ${dataDir}; svcnet sandbox stop etcd-2 --signal KILL; svcnet sandbox start etcd-2`);
    console.log(`etcd's data stays in ${etcdRoot} after Ctrl-C: the next svcnet up --store etcd finds the cluster as it left it (remove it to start empty).`);
    await stopped;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    code = 1;
  } finally {
    stop.abort();
    // The agents stop their pods first, while the API is still there.
    await Promise.allSettled(runs);
    transport?.close();
    for (const step of undo.reverse()) {
      await step.run().catch((e: unknown) => console.error(`svcnet: ${step.what}:`, e));
    }
  }
  return code;
}
