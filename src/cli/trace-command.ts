// `svcnet trace --from IP --to IP:PORT`: walks a packet through the proxy's rules — generated for
// the objects in a file (-f), or live on a sandbox node (--node) — and prints its path: chains
// entered, the probability of each branch, the DNAT target, whether it is masqueraded.

import { parseArgs } from "node:util";
import { parseCIDR, cidrContains } from "../allocators/cidr.js";
import { parseIP } from "../allocators/ip.js";
import { ExecIptables } from "../proxy/iptables/iptables-commands.js";
import { rulesGenerator } from "../proxy/iptables/iptables-proxier.js";
import { parseRestore } from "../proxy/iptables/restore-parse.js";
import type { Protocol } from "../proxy/types.js";
import type { TracePacket } from "../proxy/trace/packet-tracer.js";
import { formatTrace, tracePacket } from "../proxy/trace/packet-tracer.js";
import { ExecIpRunner } from "../sandbox/ip-runner.js";
import { sandboxPrefix } from "../sandbox/topology-plan.js";
import { FlagError, nodeConfigFromFlags, nodeFlagOptions, parseProfile } from "./proxy-flags.js";
import { stateFromFile } from "./rules-command.js";

const help = `Trace a new connection through the proxy's iptables rules.

Usage:
  svcnet trace --from IP --to IP:PORT -f objects.yaml [node flags]   rules generated for the objects in a file
  svcnet trace --from IP --to IP:PORT --node core-v2-01 [--sandbox-id up]   rules live on a sandbox node

Flags:
  --from ip                  the client's address
  --to ip:port               where it connects (a ClusterIP, a node's NodePort, a LoadBalancer IP, …)
  --protocol p               TCP (default), UDP or SCTP
  --origin o                 pod, node or outside (default: node when --from is a node address, pod when it
                             is in --cluster-cidr (default 10.1.0.0/16), else outside)
  -f, --filename path        Services and EndpointSlices (or Endpoints), as for 'svcnet rules'
  --node name                read the rules live from this sandbox node (as root)
  --sandbox-id id            the sandbox of 'svcnet up' (default "up")
  --mode, --rules-profile, --node-name, --node-ip, --cluster-cidr, --masquerade-all, --nodeport-addresses
                             as for 'svcnet rules' (with -f)`;

export function parseTarget(text: string): { ip: string; port: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !parseIP(m[1]) || !(port >= 1 && port <= 65535)) throw new FlagError(`--to ${JSON.stringify(text)} must be IP:PORT, e.g. 10.0.0.252:8000`);
  return { ip: m[1], port };
}

export function parseProtocol(text: string): Protocol {
  const p = text.toUpperCase();
  if (p !== "TCP" && p !== "UDP" && p !== "SCTP") throw new FlagError(`--protocol must be TCP, UDP or SCTP, got ${JSON.stringify(text)}`);
  return p;
}

/** Where a packet from `from` starts: on the node itself, in a pod, or outside the cluster. */
export function inferOrigin(from: string, nodeIPs: readonly string[], clusterCIDR: string): TracePacket["origin"] {
  if (nodeIPs.includes(from)) return "node";
  const cidr = parseCIDR(clusterCIDR);
  const ip = parseIP(from);
  return cidr && ip && cidrContains(cidr, ip) ? "pod" : "outside";
}

export async function runTrace(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...nodeFlagOptions,
        from: { type: "string" },
        to: { type: "string" },
        protocol: { type: "string", default: "TCP" },
        origin: { type: "string" },
        filename: { type: "string", short: "f" },
        node: { type: "string" },
        "sandbox-id": { type: "string", default: "up" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (values.from === undefined || !parseIP(values.from)) throw new FlagError("--from IP is required (the client's address)");
    if (values.to === undefined) throw new FlagError("--to IP:PORT is required");
    const to = parseTarget(values.to);
    const protocol = parseProtocol(values.protocol);
    if ((values.filename === undefined) === (values.node === undefined)) throw new FlagError("give exactly one of -f objects.yaml or --node NAME");
    const profile = parseProfile(values["rules-profile"]);
    let rulesText: string;
    let localAddresses: string[];
    if (values.filename !== undefined) {
      const config = nodeConfigFromFlags(values);
      rulesText = rulesGenerator(profile)(stateFromFile(values.filename, config.nodeName), config).text;
      localAddresses = config.nodeIPs;
    } else {
      const netns = `${sandboxPrefix(values["sandbox-id"])}${values.node ?? ""}`;
      const iptables = new ExecIptables({ netns });
      try {
        rulesText = (await iptables.save("filter")) + (await iptables.save("nat"));
      } catch (e) {
        throw new FlagError(`cannot read the rules of node ${values.node} (namespace ${netns}; is 'svcnet up' running, and are you root?): ${e instanceof Error ? e.message : String(e)}`);
      }
      localAddresses = await namespaceAddresses(netns);
    }
    const clusterCIDR = values["cluster-cidr"] || "10.1.0.0/16";
    const origin = values.origin ?? inferOrigin(values.from, localAddresses, clusterCIDR);
    if (origin !== "pod" && origin !== "node" && origin !== "outside") throw new FlagError(`--origin must be pod, node or outside, got ${JSON.stringify(origin)}`);
    const result = tracePacket(parseRestore(rulesText), { source: values.from, destination: to.ip, port: to.port, protocol, origin }, { localAddresses, jumpRules: profile });
    console.log(`${protocol} ${values.from} → ${values.to} (from ${origin === "outside" ? "outside the cluster" : `a ${origin}`})`);
    console.log(formatTrace(result));
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nRun 'svcnet trace --help' for usage.`);
    return 1;
  }
}

/** The IPv4 addresses of a namespace's interfaces (`ip -j addr`). */
async function namespaceAddresses(netns: string): Promise<string[]> {
  const out = await new ExecIpRunner().ip(["-n", netns, "-j", "-4", "addr", "show"]);
  const links = JSON.parse(out) as { addr_info?: { local?: string }[] }[];
  return links.flatMap((l) => (l.addr_info ?? []).map((a) => a.local ?? "")).filter((a) => a !== "");
}
