// `svcnet agent`: the node agent (kubelet's role) as its own process. On a node of a namespace
// sandbox (`--sandbox-id`, built by `svcnet up` or a test) it runs pods as processes in their own
// network namespaces; on "this machine" (`--host-network`, the default when joining with
// `--server`) the node is the agent's own namespace (host-network.ts); `--simulated` runs
// kwok-style nodes whose pods become Running and Ready without processes. Credentials come from
// --kubeconfig, or from joining with a bootstrap token (--server/--token, agent-join.ts), which
// gets the node a client certificate of its own (TLS bootstrap) and renews it while the agent
// runs, as kubelet does with --rotate-certificates (node-certificate-rotation.ts). Like
// kubelet, a stopped or crashed agent leaves its pods running and the next agent on the node
// adopts them.

import type { ProxyMode } from "../proxy/service-proxy.js";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SimulatedNode } from "../agent/simulated/simulated-node.js";
import { parseCIDR, formatCIDR } from "../allocators/cidr.js";
import { formatIP, parseIP } from "../allocators/ip.js";
import { HttpsTransport } from "../client/index.js";
import { SandboxNode } from "../agent/node/sandbox-node.js";
import { ExecIpRunner } from "../sandbox/ip-runner.js";
import { attachSandbox } from "../sandbox/sandbox-network.js";
import { HostNodeNetwork, planHostNode } from "../agent/node/host-network.js";
import type { CertificateRotation } from "../agent/node/certificate-rotation.js";
import { defaultBootstrapTimeoutMs, joinCluster } from "./agent-join.js";
import { openRotatingTransport } from "./node-certificate-rotation.js";
import { parseDuration } from "./server-command.js";

const help = `Run a node agent (the kubelet's role) against a svcnet or Kubernetes API server.

Usage:
  svcnet agent --sandbox-id ID [flags]     a node of a namespace sandbox (as root)
  svcnet agent --host-network [flags]      this machine is the node (as root)
  svcnet agent --simulated [flags]         simulated nodes
  svcnet agent --server URL --token T --ca-cert-hash sha256:… --node-ip IP --pod-cidr CIDR [flags]
                                           join a cluster from another machine (this machine is
                                           the node unless --sandbox-id or --simulated says otherwise)

Flags:
  --kubeconfig path     credentials for the API server (default "./.svcnet/kubeconfig")
  --server url          join: the API server, https://host:port (from the server's join line)
  --token token         join: a bootstrap token <id>.<secret> ('svcnet token create'); the agent
                        uses it only to ask for the node's client certificate (a
                        CertificateSigningRequest), writes <data-dir>/kubelet.kubeconfig with that
                        certificate, and runs with it, renewing it (a new key and request, sent
                        with the current certificate) at 70-90 % of its lifetime; a later start
                        with a valid certificate there needs no token
  --ca-cert-hash hash   join: sha256:<hex> of the cluster CA's public key; the join stops if the
                        server presents another CA
  --discovery-token-unsafe-skip-ca-verification
                        join without --ca-cert-hash, trusting whatever CA the server presents
  --bootstrap-timeout d join: how long to wait for the node's certificate to be approved and
                        signed (default "5m")
  --host-network        run pods on this machine: the docker0 bridge (first address of --pod-cidr)
                        in the agent's own network namespace, forwarding on, the proxy's rules in
                        its iptables; routes to other nodes' pod ranges are yours to add
                        (docs/joining-machines.md)
  --node-name name      the Node to register (default "core-v2-01"; with --host-network, the host name)
  --node-ip ip          its InternalIP (default "172.17.8.101"; in a sandbox, the node's address)
  --pod-cidr cidr       its pod range (default "10.1.13.0/24"; in a sandbox, the node's range)
  --sandbox-id id       run pods on node --node-name of sandbox svcnet-<id>-* (built by
                        'svcnet up --sandbox-id <id>' or a test)
  --data-dir dir        pod directories, logs and the records the next agent adopts from
                        (default "./.svcnet/nodes/<node-name>")
  --stop-pods-on-exit   stop the pods when the agent stops (default: leave them running for
                        the next agent, as kubelet does)
  --proxy               also run the service proxy in the node's namespace (as 'svcnet up' does)
  --proxy-mode m        the proxy's backend: iptables (default) or nftables; starting in one mode
                        removes the other mode's rules
  --speaker             also announce the LoadBalancer addresses this node is elected for (layer 2,
                        MetalLB's speaker; as 'svcnet up' does)
  --simulated           simulate the node: pods become Running and Ready without processes
  --count n             with --simulated: this many nodes (core-v2-01, core-v2-02, …) with
                        consecutive IPs and pod ranges`;

/** The i-th simulated node's name, IP and pod range, counting from the flags' values. */
export function nthNode(base: { name: string; ip: string; podCIDR: string }, i: number, count: number): { name: string; ip: string; podCIDR: string } {
  if (count === 1) return { ...base };
  const ip = parseIP(base.ip);
  const cidr = parseCIDR(base.podCIDR);
  if (!ip || !cidr) throw new Error("bad --node-ip or --pod-cidr");
  // core-v2-01 → core-v2-02, … (the seed's names); names without a number get -1, -2, …
  const m = /^(.*?)(\d+)$/.exec(base.name);
  const name = m ? `${m[1]}${String(Number(m[2]) + i).padStart(m[2].length, "0")}` : `${base.name}-${i + 1}`;
  return {
    name,
    ip: formatIP({ family: ip.family, value: ip.value + BigInt(i) }),
    podCIDR: formatCIDR({ ...cidr, base: cidr.base + cidr.size * BigInt(i) }),
  };
}

export async function runAgent(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        kubeconfig: { type: "string" },
        server: { type: "string" },
        token: { type: "string" },
        "ca-cert-hash": { type: "string" },
        "discovery-token-unsafe-skip-ca-verification": { type: "boolean", default: false },
        "bootstrap-timeout": { type: "string" },
        "host-network": { type: "boolean", default: false },
        "node-name": { type: "string" },
        "node-ip": { type: "string" },
        "pod-cidr": { type: "string" },
        simulated: { type: "boolean", default: false },
        "sandbox-id": { type: "string" },
        "data-dir": { type: "string" },
        "stop-pods-on-exit": { type: "boolean", default: false },
        proxy: { type: "boolean", default: false },
        "proxy-mode": { type: "string", default: "iptables" },
        speaker: { type: "boolean", default: false },
        count: { type: "string", default: "1" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nRun 'svcnet agent --help' for usage.`);
    return 1;
  }
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (values["proxy-mode"] !== "iptables" && values["proxy-mode"] !== "nftables") {
    console.error(`error: --proxy-mode must be iptables or nftables, got ${JSON.stringify(values["proxy-mode"])}\nRun 'svcnet agent --help' for usage.`);
    return 1;
  }
  const modes = [values.simulated, values["sandbox-id"] !== undefined, values["host-network"]].filter(Boolean).length;
  if (modes > 1) {
    console.error("error: --simulated, --sandbox-id and --host-network are different places to run pods; give one\nRun 'svcnet agent --help' for usage.");
    return 1;
  }
  const onHost = values["host-network"] || (modes === 0 && values.server !== undefined);
  if (modes === 0 && !onHost) {
    console.error("error: say where pods run: --sandbox-id ID (a node of 'svcnet up --sandbox-id ID'), --host-network (this machine) or --simulated\nRun 'svcnet agent --help' for usage.");
    return 1;
  }
  if (onHost && (values["node-ip"] === undefined || values["pod-cidr"] === undefined)) {
    console.error("error: on this machine the node needs --node-ip (its address on the network the nodes share) and --pod-cidr (a range no other node has, e.g. 10.1.20.0/24)");
    return 1;
  }
  const nodeName = values["node-name"] ?? (onHost ? hostname().toLowerCase() : "core-v2-01");
  const dataDir = values["data-dir"] ?? join(".svcnet", "nodes", nodeName);
  if (onHost && !root()) return 1;
  const kubeconfig = await credentials(values, { nodeName, dataDir });
  if (kubeconfig === undefined) return 1;
  // A joined node's certificate is the agent's to renew; a --kubeconfig given is left as it is.
  const rotate = values.server !== undefined;
  const common = { ...values, kubeconfig, rotate, "node-name": nodeName, "data-dir": dataDir, "node-ip": values["node-ip"] ?? "172.17.8.101", "pod-cidr": values["pod-cidr"] ?? "10.1.13.0/24" };
  if (onHost) return runHostAgent(common);
  if (!values.simulated) return runSandboxAgent({ ...common, "sandbox-id": values["sandbox-id"] ?? "" }, argv);
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) {
    console.error(`error: --count must be an integer from 1 to 10000, got ${JSON.stringify(values.count)}`);
    return 1;
  }
  if (!parseIP(common["node-ip"]) || !parseCIDR(common["pod-cidr"])) {
    console.error(`error: --node-ip must be an IP and --pod-cidr a CIDR, got ${common["node-ip"]} and ${common["pod-cidr"]}`);
    return 1;
  }
  const connected = connect(kubeconfig, { rotateFor: rotate ? nodeName : undefined });
  if (!connected) return 1;
  const { transport, stop } = connected;
  const base = { name: nodeName, ip: common["node-ip"], podCIDR: common["pod-cidr"] };
  const runs = Array.from({ length: count }, (_, i) => {
    const n = nthNode(base, i, count);
    return new SimulatedNode({ transport, name: n.name, nodeIP: n.ip, podCIDR: n.podCIDR }).run(stop.signal);
  });
  console.log(`svcnet agent: ${count} simulated node(s) from ${base.name} running; Ctrl-C to stop`);
  try {
    await Promise.all(runs);
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    stop.abort();
    return 1;
  } finally {
    transport.close();
  }
}

type AgentValues = { kubeconfig: string; rotate: boolean; "node-name": string; "node-ip": string; "pod-cidr": string; "data-dir": string; "stop-pods-on-exit": boolean; proxy: boolean; "proxy-mode": string; speaker: boolean };

/** The SandboxNode proxy option the flags ask for. */
function proxyOption(values: AgentValues): { mode: ProxyMode } | false {
  return values.proxy ? { mode: values["proxy-mode"] === "nftables" ? "nftables" : "iptables" } : false;
}

/** True as root; else says why root is needed. */
function root(): boolean {
  if (process.getuid?.() === 0) return true;
  console.error("error: running pods in network namespaces needs root; run as root, or use --simulated");
  return false;
}

/**
 * The kubeconfig the agent runs with: --kubeconfig, or the one a join with --server/--token
 * writes to the data dir. Undefined after printing why there is none.
 */
async function credentials(
  values: { kubeconfig?: string; server?: string; token?: string; "ca-cert-hash"?: string; "discovery-token-unsafe-skip-ca-verification": boolean; "bootstrap-timeout"?: string },
  node: { nodeName: string; dataDir: string },
): Promise<string | undefined> {
  const joinFlags = values.token !== undefined || values["ca-cert-hash"] !== undefined || values["discovery-token-unsafe-skip-ca-verification"] || values["bootstrap-timeout"] !== undefined;
  if (values.server === undefined) {
    if (joinFlags) {
      console.error("error: --token, --ca-cert-hash, --discovery-token-unsafe-skip-ca-verification and --bootstrap-timeout join a cluster and need --server URL");
      return undefined;
    }
    return values.kubeconfig ?? "./.svcnet/kubeconfig";
  }
  if (values.kubeconfig !== undefined) {
    console.error("error: give either --kubeconfig or --server/--token (joining writes its own kubeconfig), not both");
    return undefined;
  }
  if (values.token === undefined) {
    console.error("error: joining with --server needs --token <id>.<secret> (from the server's join line or 'svcnet token create')");
    return undefined;
  }
  const bootstrapTimeoutMs = values["bootstrap-timeout"] === undefined ? defaultBootstrapTimeoutMs : parseDuration(values["bootstrap-timeout"]);
  if (bootstrapTimeoutMs === undefined) {
    console.error(`error: --bootstrap-timeout must be a duration such as 5m or 90s, got ${JSON.stringify(values["bootstrap-timeout"])}`);
    return undefined;
  }
  const joined = await joinCluster({
    server: values.server,
    token: values.token,
    ...(values["ca-cert-hash"] !== undefined && { caCertHash: values["ca-cert-hash"] }),
    unsafeSkipCaVerification: values["discovery-token-unsafe-skip-ca-verification"],
    nodeName: node.nodeName,
    dataDir: node.dataDir,
    bootstrapTimeoutMs,
    warn: (line) => console.error(line),
    log: (line) => console.log(line),
  });
  if (!joined.ok) {
    console.error(`error: ${joined.error}`);
    return undefined;
  }
  const how = joined.csrName ? `a client certificate for system:node:${node.nodeName} from ${joined.csrName}` : `the client certificate of system:node:${node.nodeName} from an earlier join`;
  console.log(`svcnet agent: joined the cluster at ${values.server} (CA ${joined.caCertHash}) with ${how}; credentials in ${joined.kubeconfigPath}`);
  return joined.kubeconfigPath;
}

/** `svcnet agent --host-network`: one real node agent whose node is this machine (its own network namespace). */
async function runHostAgent(values: AgentValues): Promise<number> {
  if (values.speaker) {
    console.error("error: --speaker runs on sandbox nodes only; leave it out with --host-network");
    return 1;
  }
  if (!parseIP(values["node-ip"])) {
    console.error(`error: --node-ip must be this machine's address on the node network, got ${JSON.stringify(values["node-ip"])}`);
    return 1;
  }
  let network: HostNodeNetwork;
  try {
    network = new HostNodeNetwork(planHostNode({ name: values["node-name"], podCidr: values["pod-cidr"] }), { runner: new ExecIpRunner() });
    await network.setUp();
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const connected = connect(values.kubeconfig, { rotateFor: values.rotate ? values["node-name"] : undefined, withClusterCA: true });
  if (!connected) return 1;
  const { transport, clientCA, stop } = connected;
  const agent = new SandboxNode({
    transport,
    clientCA,
    name: values["node-name"],
    nodeIP: values["node-ip"],
    podCIDR: values["pod-cidr"],
    network,
    dataDir: resolve(values["data-dir"]),
    stopPodsOnExit: values["stop-pods-on-exit"],
    proxy: proxyOption(values),
    speaker: false,
  });
  console.log(`svcnet agent: node ${values["node-name"]} (${values["node-ip"]}, pods ${values["pod-cidr"]} on ${network.plan.bridge}) on this machine; data in ${values["data-dir"]}; Ctrl-C to stop`);
  return runUntilStopped(agent, { transport, stop, podsLeft: !values["stop-pods-on-exit"], leftLine: "the next agent adopts them" });
}

/** `svcnet agent --sandbox-id`: one real node agent on a node of an existing sandbox. */
async function runSandboxAgent(values: AgentValues & { "sandbox-id": string }, argv: readonly string[]): Promise<number> {
  if (!root()) return 1;
  let sandbox;
  try {
    sandbox = await attachSandbox(values["sandbox-id"], new ExecIpRunner());
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const node = sandbox.nodes.find((n) => n.name === values["node-name"]);
  if (!node) {
    console.error(`error: sandbox ${values["sandbox-id"]} has no node ${values["node-name"]} (it has ${sandbox.nodes.map((n) => n.name).join(", ")})`);
    return 1;
  }
  // The sandbox decides the node's address and pod range; a flag that says otherwise is a mistake.
  const given = (flag: string): boolean => argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  for (const [flag, value, want] of [["node-ip", values["node-ip"], node.ip], ["pod-cidr", values["pod-cidr"], node.podCidr]] as const) {
    if (given(flag) && value !== want) {
      console.error(`error: --${flag} ${value} does not match node ${node.name} of sandbox ${values["sandbox-id"]} (${want}); leave it out`);
      return 1;
    }
  }
  const connected = connect(values.kubeconfig, { rotateFor: values.rotate ? node.name : undefined, withClusterCA: true });
  if (!connected) return 1;
  const { transport, clientCA, stop } = connected;
  const dataDir = values["data-dir"];
  const agent = new SandboxNode({
    transport,
    clientCA,
    name: node.name,
    nodeIP: node.ip,
    podCIDR: node.podCidr,
    sandbox,
    dataDir: resolve(dataDir),
    stopPodsOnExit: values["stop-pods-on-exit"],
    proxy: proxyOption(values),
    speaker: values.speaker ? {} : false,
  });
  console.log(`svcnet agent: node ${node.name} (${node.ip}, pods ${node.podCidr}) of sandbox ${values["sandbox-id"]}; data in ${dataDir}; Ctrl-C to stop`);
  return runUntilStopped(agent, { transport, stop, podsLeft: !values["stop-pods-on-exit"], leftLine: `the next agent adopts them; 'svcnet down --id ${values["sandbox-id"]}' removes everything` });
}

/** Runs the agent until `stop` aborts: 0 when it stopped cleanly, 1 (after printing why) when it failed. */
async function runUntilStopped(agent: SandboxNode, o: { transport: HttpsTransport; stop: AbortController; podsLeft: boolean; leftLine: string }): Promise<number> {
  try {
    await agent.run(o.stop.signal);
    if (o.podsLeft) console.log(`svcnet agent: stopped; pods keep running (${o.leftLine})`);
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    o.transport.close();
  }
}

/** What a running agent has from connect(): its API transport, and what stops it. */
interface Connection {
  transport: HttpsTransport;
  /** Aborted by the first SIGINT or SIGTERM; it also ends the certificate's renewal. */
  stop: AbortController;
}

/**
 * The agent's connection to the API server through the kubeconfig at `path` (openKubeconfig):
 * with `withClusterCA`, also the cluster CA (clusterCA); with `rotateFor`, the renewal of the
 * node's certificate runs until `stop` aborts. Nothing is started (no signal handler, no
 * renewal) when the kubeconfig or its CA is missing: undefined after printing why.
 */
function connect(path: string, o: { rotateFor: string | undefined; withClusterCA: true }): (Connection & { clientCA: string }) | undefined;
function connect(path: string, o: { rotateFor: string | undefined; withClusterCA?: false }): Connection | undefined;
function connect(path: string, o: { rotateFor: string | undefined; withClusterCA?: boolean }): (Connection & { clientCA?: string }) | undefined {
  const opened = openKubeconfig(path, o.rotateFor);
  if (!opened) return undefined;
  const { transport } = opened;
  let clientCA: string | undefined;
  if (o.withClusterCA) {
    clientCA = clusterCA(transport, path);
    if (clientCA === undefined) return undefined;
  }
  const stop = stopOnSignals();
  void opened.rotation?.run(stop.signal);
  return { transport, stop, ...(clientCA !== undefined && { clientCA }) };
}

/**
 * The API transport of `path`, or undefined after printing why it cannot be read. With
 * `rotateFor` (a joined node's name), also the rotation that renews the node's certificate in
 * `path`, for the caller to run.
 */
function openKubeconfig(path: string, rotateFor?: string): { transport: HttpsTransport; rotation?: CertificateRotation } | undefined {
  try {
    if (rotateFor !== undefined) return openRotatingTransport({ kubeconfigPath: path, nodeName: rotateFor, log: (line) => console.log(line) });
    return { transport: HttpsTransport.fromKubeconfig(path) };
  } catch (e) {
    console.error(`error: cannot read --kubeconfig ${path}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/**
 * The cluster CA of the agent's kubeconfig, which its kubelet endpoint checks the API server's
 * client certificate against; undefined (and the transport closed) after printing why there is none.
 */
function clusterCA(transport: HttpsTransport, path: string): string | undefined {
  const ca = transport.config.ca;
  if (ca === undefined) {
    console.error(`error: --kubeconfig ${path} names no certificate-authority: the agent needs the cluster CA to check the API server's client certificate`);
    transport.close();
  }
  return ca;
}

/** Aborted by the first SIGINT or SIGTERM. */
function stopOnSignals(): AbortController {
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  return stop;
}
