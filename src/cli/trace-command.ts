// `svcnet trace --from IP --to IP:PORT`: walks a packet through the proxy's rules — iptables or
// nftables, generated for the objects in a file (-f), or live on a sandbox node (--node) — and
// prints its path: chains entered, the probability of each branch, the DNAT target, whether it is
// masqueraded.

import { parseArgs } from "node:util";
import { parseCIDR, cidrContains } from "../allocators/cidr.js";
import { parseIP } from "../allocators/ip.js";
import { ExecIptables } from "../proxy/iptables/iptables-commands.js";
import { rulesGenerator } from "../proxy/iptables/iptables-proxier.js";
import { parseRestore } from "../proxy/iptables/restore-parse.js";
import { NftCommandError, nftNoSuchObject } from "../proxy/nftables/nft-commands.js";
import type { RulesProfile } from "../proxy/service-port-name.js";
import type { NodeProxyConfig, Protocol } from "../proxy/types.js";
import { formatTrace } from "../proxy/trace/format-trace.js";
import { generatedNftTable } from "../proxy/trace/nft-generated-table.js";
import { hasKubeProxyTable, readKubeProxyTable } from "../proxy/trace/nft-live-table.js";
import { traceNftPacket } from "../proxy/trace/nft-packet-tracer.js";
import { tracePacket } from "../proxy/trace/packet-tracer.js";
import type { TracePacket, TraceResult } from "../proxy/trace/trace-result.js";
import { ExecIpRunner, namespaceIPv4Addresses } from "../sandbox/ip-runner.js";
import { sandboxPrefix } from "../sandbox/topology-plan.js";
import { FlagError, TRACE_MODES, checkMode, nodeConfigFromFlags, nodeFlagOptions, parseProfile } from "./proxy-flags.js";
import { stateFromFile } from "./rules-command.js";

const help = `Trace a new connection through the proxy's rules (iptables, or nftables' table ip kube-proxy).

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
  --mode m                   iptables or nftables; with -f the default is iptables, with --node the mode
                             the node's proxy runs in (nftables when it has table ip kube-proxy)
  --rules-profile, --node-name, --node-ip, --cluster-cidr, --masquerade-all, --nodeport-addresses, --service-cidr
                             as for 'svcnet rules' (with -f)`;

type TraceMode = (typeof TRACE_MODES)[number];

/** The rules to walk and the node's addresses, for either mode. */
interface TraceInput {
  mode: TraceMode;
  trace: (packet: TracePacket) => TraceResult;
  localAddresses: string[];
}

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
        // No default: with --node, an absent --mode means "whatever the node runs".
        mode: { type: "string" },
        "service-cidr": { type: "string", default: "" },
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
    const serviceCIDRs = values["service-cidr"] === "" ? [] : values["service-cidr"].split(",").map((c) => c.trim());
    for (const cidr of serviceCIDRs) if (!parseCIDR(cidr)) throw new FlagError(`--service-cidr ${JSON.stringify(cidr)} is not a CIDR (e.g. 10.0.0.0/24)`);
    const mode = values.mode === undefined ? undefined : checkMode(values.mode, TRACE_MODES);
    if (values["ip-family"] !== "IPv4") throw new FlagError("svcnet trace walks IPv4 packets only: leave --ip-family out");
    let input: TraceInput;
    if (values.filename !== undefined) {
      const config = nodeConfigFromFlags({ ...values, mode: mode ?? "iptables" }, TRACE_MODES);
      input = fromFile(values.filename, mode ?? "iptables", { ...config, serviceCIDRs }, profile);
    } else {
      input = await fromNode(values.node ?? "", values["sandbox-id"], mode, profile);
    }
    const { localAddresses } = input;
    const clusterCIDR = values["cluster-cidr"] || "10.1.0.0/16";
    const origin = values.origin ?? inferOrigin(values.from, localAddresses, clusterCIDR);
    if (origin !== "pod" && origin !== "node" && origin !== "outside") throw new FlagError(`--origin must be pod, node or outside, got ${JSON.stringify(origin)}`);
    const result = input.trace({ source: values.from, destination: to.ip, port: to.port, protocol, origin });
    console.log(`${protocol} ${values.from} → ${values.to} (from ${origin === "outside" ? "outside the cluster" : `a ${origin}`}; ${input.mode} rules)`);
    console.log(formatTrace(result));
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nRun 'svcnet trace --help' for usage.`);
    return 1;
  }
}

/** The rules the proxy would write for the objects in `path`, in `mode`. */
function fromFile(path: string, mode: TraceMode, config: NodeProxyConfig, profile: RulesProfile): TraceInput {
  const state = stateFromFile(path, config.nodeName);
  const localAddresses = config.nodeIPs;
  if (mode === "nftables") {
    if (profile !== "modern") throw new FlagError("--rules-profile seed is kube-proxy 1.2's iptables layout; nftables mode has one layout (leave the flag out)");
    const table = generatedNftTable(state, config);
    return { mode, localAddresses, trace: (packet) => traceNftPacket(table, packet, { localAddresses }) };
  }
  if ((config.serviceCIDRs ?? []).length > 0) throw new FlagError("--service-cidr is for --mode nftables");
  const rules = parseRestore(rulesGenerator(profile)(state, config).text);
  return { mode, localAddresses, trace: (packet) => tracePacket(rules, packet, { localAddresses, jumpRules: profile }) };
}

/** The rules live on sandbox node `node`: nftables when asked, or when the node has table ip kube-proxy and no mode is given. */
async function fromNode(node: string, sandboxId: string, asked: TraceMode | undefined, profile: RulesProfile): Promise<TraceInput> {
  const netns = `${sandboxPrefix(sandboxId)}${node}`;
  const cannotRead = (e: unknown): FlagError =>
    new FlagError(`cannot read the rules of node ${node} (namespace ${netns}; is 'svcnet up' running, and are you root?): ${e instanceof Error ? e.message : String(e)}`);
  let mode = asked;
  if (mode === undefined) {
    try {
      mode = (await hasKubeProxyTable({ netns })) ? "nftables" : "iptables";
    } catch (e) {
      throw cannotRead(e);
    }
  }
  let trace: TraceInput["trace"];
  const localAddresses = await namespaceIPv4Addresses(new ExecIpRunner(), netns).catch((e: unknown) => {
    throw cannotRead(e);
  });
  if (mode === "nftables") {
    let table;
    try {
      table = await readKubeProxyTable({ netns });
    } catch (e) {
      if (e instanceof NftCommandError && nftNoSuchObject(e.stderr)) {
        throw new FlagError(`node ${node} has no table ip kube-proxy: its proxy does not run in nftables mode (leave --mode out, or use --mode iptables)`);
      }
      throw cannotRead(e);
    }
    trace = (packet) => traceNftPacket(table, packet, { localAddresses });
  } else {
    const iptables = new ExecIptables({ netns });
    let rulesText: string;
    try {
      rulesText = (await iptables.save("filter")) + (await iptables.save("nat"));
    } catch (e) {
      throw cannotRead(e);
    }
    const rules = parseRestore(rulesText);
    trace = (packet) => tracePacket(rules, packet, { localAddresses, jumpRules: profile });
  }
  return { mode, localAddresses, trace };
}

/** The IPv4 addresses of a namespace's interfaces (`ip -j addr`). */