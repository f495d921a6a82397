// `svcnet agent`: the node agent (kubelet's role) as its own process. On a node of a namespace
// sandbox (`--sandbox-id`, built by `svcnet up` or a test) it runs pods as processes in their own
// network namespaces; `--simulated` runs kwok-style nodes whose pods become Running and Ready
// without processes. Like kubelet, a stopped or crashed agent leaves its pods running and the
// next agent on the node adopts them.

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SimulatedNode } from "../agent/simulated/simulated-node.js";
import { parseCIDR, formatCIDR } from "../allocators/cidr.js";
import { formatIP, parseIP } from "../allocators/ip.js";
import { HttpsTransport } from "../client/index.js";
import { SandboxNode } from "../agent/node/sandbox-node.js";
import { ExecIpRunner } from "../sandbox/ip-runner.js";
import { attachSandbox } from "../sandbox/sandbox-network.js";

const help = `Run a node agent (the kubelet's role) against a svcnet or Kubernetes API server.

Usage:
  svcnet agent --sandbox-id ID [flags]     a node of a namespace sandbox (as root)
  svcnet agent --simulated [flags]         simulated nodes

Flags:
  --kubeconfig path     credentials for the API server (default "./.svcnet/kubeconfig")
  --node-name name      the Node to register (default "core-v2-01")
  --node-ip ip          its InternalIP (default "172.17.8.101"; in a sandbox, the node's address)
  --pod-cidr cidr       its pod range (default "10.1.13.0/24"; in a sandbox, the node's range)
  --sandbox-id id       run pods on node --node-name of sandbox svcnet-<id>-* (built by
                        'svcnet up --sandbox-id <id>' or a test)
  --data-dir dir        pod directories, logs and the records the next agent adopts from
                        (default "./.svcnet/nodes/<node-name>")
  --stop-pods-on-exit   stop the pods when the agent stops (default: leave them running for
                        the next agent, as kubelet does)
  --proxy               also run the service proxy in the node's namespace (as 'svcnet up' does)
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
        kubeconfig: { type: "string", default: "./.svcnet/kubeconfig" },
        "node-name": { type: "string", default: "core-v2-01" },
        "node-ip": { type: "string", default: "172.17.8.101" },
        "pod-cidr": { type: "string", default: "10.1.13.0/24" },
        simulated: { type: "boolean", default: false },
        "sandbox-id": { type: "string" },
        "data-dir": { type: "string" },
        "stop-pods-on-exit": { type: "boolean", default: false },
        proxy: { type: "boolean", default: false },
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
  if (!values.simulated) {
    if (values["sandbox-id"] === undefined) {
      console.error("error: say where pods run: --sandbox-id ID (a node of 'svcnet up --sandbox-id ID') or --simulated\nRun 'svcnet agent --help' for usage.");
      return 1;
    }
    return runSandboxAgent({ ...values, "sandbox-id": values["sandbox-id"] }, argv);
  }
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) {
    console.error(`error: --count must be an integer from 1 to 10000, got ${JSON.stringify(values.count)}`);
    return 1;
  }
  if (!parseIP(values["node-ip"]) || !parseCIDR(values["pod-cidr"])) {
    console.error(`error: --node-ip must be an IP and --pod-cidr a CIDR, got ${values["node-ip"]} and ${values["pod-cidr"]}`);
    return 1;
  }
  const transport = openKubeconfig(values.kubeconfig);
  if (!transport) return 1;
  const stop = stopOnSignals();
  const base = { name: values["node-name"], ip: values["node-ip"], podCIDR: values["pod-cidr"] };
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

/** `svcnet agent --sandbox-id`: one real node agent on a node of an existing sandbox. */
async function runSandboxAgent(
  values: { kubeconfig: string; "node-name": string; "node-ip": string; "pod-cidr": string; "sandbox-id": string; "data-dir"?: string; "stop-pods-on-exit": boolean; proxy: boolean; speaker: boolean },
  argv: readonly string[],
): Promise<number> {
  if (process.getuid?.() !== 0) {
    console.error("error: running pods in network namespaces needs root; run as root, or use --simulated");
    return 1;
  }
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
  const transport = openKubeconfig(values.kubeconfig);
  if (!transport) return 1;
  const stop = stopOnSignals();
  const dataDir = values["data-dir"] ?? join(".svcnet", "nodes", node.name);
  const agent = new SandboxNode({
    transport,
    name: node.name,
    nodeIP: node.ip,
    podCIDR: node.podCidr,
    sandbox,
    dataDir: resolve(dataDir),
    stopPodsOnExit: values["stop-pods-on-exit"],
    proxy: values.proxy ? {} : false,
    speaker: values.speaker ? {} : false,
  });
  console.log(`svcnet agent: node ${node.name} (${node.ip}, pods ${node.podCidr}) of sandbox ${values["sandbox-id"]}; data in ${dataDir}; Ctrl-C to stop`);
  try {
    await agent.run(stop.signal);
    if (!values["stop-pods-on-exit"]) console.log(`svcnet agent: stopped; pods keep running (the next agent adopts them; 'svcnet down --id ${values["sandbox-id"]}' removes everything)`);
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    transport.close();
  }
}

/** The API transport of `path`, or undefined after printing why it cannot be read. */
function openKubeconfig(path: string): HttpsTransport | undefined {
  try {
    return HttpsTransport.fromKubeconfig(path);
  } catch (e) {
    console.error(`error: cannot read --kubeconfig ${path}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** Aborted by the first SIGINT or SIGTERM. */
function stopOnSignals(): AbortController {
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  return stop;
}
