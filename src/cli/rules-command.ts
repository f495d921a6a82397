// `svcnet rules -f objects.yaml`: prints the exact iptables-restore input (or, with --mode
// nftables, the `nft -f` transaction of a full sync) the proxy would write for the Services and
// EndpointSlices (or Endpoints) in the file, without touching the kernel.

import type { IPFamily } from "../proxy/ip-family.js";
import { readFileSync } from "node:fs";
import { parseCIDR } from "../allocators/cidr.js";
import { parseArgs } from "node:util";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../api/types.js";
import { rulesGenerator } from "../proxy/iptables/iptables-proxier.js";
import { generateNftablesRules } from "../proxy/nftables/nft-rule-store.js";
import { flattenObjects, proxyStateFromObjects } from "../proxy/objects-state.js";
import type { ProxyState } from "../proxy/types.js";
import { FlagError, nodeConfigFromFlags, nodeFlagOptions, parseProfile } from "./proxy-flags.js";

const help = `Print the rules the proxy would write for the objects in a file: iptables-restore input, or
with --mode nftables the nft -f transaction of a full sync.

Usage:
  svcnet rules -f objects.yaml [flags]

Flags:
  -f, --filename path        YAML or JSON with Services and EndpointSlices (or Endpoints); "-" reads stdin
  --mode m                   iptables (default) or nftables
  --rules-profile p          iptables mode: "modern" (today's kube-proxy, default) or "seed" (kube-proxy 1.2, as in the seed)
  --service-cidr cidrs       nftables mode: drop traffic to addresses in these ranges that no Service holds
  --node-name name           the node the rules are for: its endpoints count as local
  --node-ip ip[,ip]          the node's addresses (for --nodeport-addresses)
  --ip-family f              IPv4 (default) or IPv6 (with --mode nftables: table ip6 kube-proxy)
  --cluster-cidr cidr[,cidr] the pod range, one per family: traffic from outside it to a ClusterIP is masqueraded
  --masquerade-all           masquerade all traffic to ClusterIPs
  --nodeport-addresses cidrs NodePorts answer only on node addresses in these ranges`;

/** Objects from YAML/JSON text with one or more documents; a bad document is an error naming it. */
export function objectsFromText(text: string, source: string): KubeObject[] {
  const objects: unknown[] = [];
  const docs = parseAllDocuments(text);
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length > 0) throw new FlagError(`${source}: document ${i + 1}: ${doc.errors[0]?.message ?? "invalid YAML"}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return flattenObjects(objects);
}

export function readObjects(path: string): KubeObject[] {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (e) {
    throw new FlagError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return objectsFromText(text, path);
}

export function stateFromFile(path: string, nodeName: string, ipFamily: IPFamily = "IPv4"): ProxyState {
  return proxyStateFromObjects(readObjects(path), nodeName, { ipFamily });
}

export function runRules(argv: string[]): number {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { ...nodeFlagOptions, filename: { type: "string", short: "f" }, "service-cidr": { type: "string", default: "" }, help: { type: "boolean", short: "h", default: false } },
      strict: true,
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (values.filename === undefined) throw new FlagError("-f objects.yaml is required (Services and EndpointSlices or Endpoints)");
    const config = nodeConfigFromFlags(values, ["iptables", "nftables"]);
    const profile = parseProfile(values["rules-profile"]);
    const serviceCIDRs = values["service-cidr"] === "" ? [] : values["service-cidr"].split(",").map((c) => c.trim());
    for (const cidr of serviceCIDRs) if (!parseCIDR(cidr)) throw new FlagError(`--service-cidr ${JSON.stringify(cidr)} is not a CIDR (e.g. 10.0.0.0/24)`);
    const state = stateFromFile(values.filename, config.nodeName, config.ipFamily);
    if (values.mode === "nftables") {
      if (profile !== "modern") throw new FlagError("--rules-profile seed is kube-proxy 1.2's iptables layout; nftables mode has one layout (leave the flag out)");
      process.stdout.write(generateNftablesRules(state, { ...config, serviceCIDRs }).text);
    } else {
      process.stdout.write(rulesGenerator(profile)(state, config).text);
    }
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\nRun 'svcnet rules --help' for usage.`);
    return 1;
  }
}
