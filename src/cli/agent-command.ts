// `svcnet agent`: the node agent. Today only --simulated (kwok-style nodes whose pods become
// Running and Ready without processes); the real runtime with namespaces comes with issue 4.

import { parseArgs } from "node:util";
import { SimulatedNode } from "../agent/simulated/simulated-node.js";
import { parseCIDR, formatCIDR } from "../allocators/cidr.js";
import { formatIP, parseIP } from "../allocators/ip.js";
import { HttpsTransport } from "../client/index.js";

const help = `Run a node agent (the kubelet's role) against a svcnet or Kubernetes API server.

Usage:
  svcnet agent --simulated [flags]

Flags:
  --kubeconfig path     credentials for the API server (default "./.svcnet/kubeconfig")
  --node-name name      the Node to register (default "core-v2-01")
  --node-ip ip          its InternalIP (default "172.17.8.101")
  --pod-cidr cidr       its pod range (default "10.1.13.0/24")
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
    console.error("error: only --simulated nodes exist yet; the runtime with network namespaces is issue 4's next step.");
    return 1;
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
  let transport: HttpsTransport;
  try {
    transport = HttpsTransport.fromKubeconfig(values.kubeconfig);
  } catch (e) {
    console.error(`error: cannot read --kubeconfig ${values.kubeconfig}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
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
