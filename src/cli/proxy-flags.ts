// Flags shared by `svcnet proxy`, `svcnet rules` and `svcnet trace`: the mode, the rules
// profile and the node facts that shape kube-proxy's rules. Parsing is pure; errors are one
// line that says what to fix.

import { parseCIDR } from "../allocators/cidr.js";
import { parseIP } from "../allocators/ip.js";
import type { RulesProfile } from "../proxy/service-port-name.js";
import type { NodeProxyConfig } from "../proxy/types.js";
import { defaultNodeProxyConfig } from "../proxy/types.js";

export const nodeFlagOptions = {
  mode: { type: "string", default: "iptables" },
  "rules-profile": { type: "string", default: "modern" },
  "node-name": { type: "string", default: "" },
  "node-ip": { type: "string", default: "" },
  "cluster-cidr": { type: "string", default: "" },
  "masquerade-all": { type: "boolean", default: false },
  "nodeport-addresses": { type: "string", default: "" },
  "ip-family": { type: "string", default: "IPv4" },
} as const;

export interface NodeFlagValues {
  mode: string;
  "rules-profile": string;
  "node-name": string;
  "node-ip": string;
  "cluster-cidr": string;
  "masquerade-all": boolean;
  "nodeport-addresses": string;
  "ip-family": string;
}

export class FlagError extends Error {
  override readonly name = "FlagError";
}

export function parseProfile(value: string): RulesProfile {
  if (value !== "modern" && value !== "seed") throw new FlagError(`--rules-profile must be "modern" or "seed", got ${JSON.stringify(value)}`);
  return value;
}

/** Proxy modes a command accepts. */
export type ModeName = "iptables" | "nftables" | "userspace";

/** The modes `svcnet trace` walks rules of (userspace mode has no rules: its proxy process forwards). */
export const TRACE_MODES: readonly ("iptables" | "nftables")[] = ["iptables", "nftables"];

/** The --mode value (or that of `flag`), if this command supports it; otherwise a one-line error naming what it does support. */
export function checkMode<M extends ModeName>(value: string, supported: readonly M[] = ["iptables"] as M[], flag = "--mode"): M {
  if ((supported as readonly string[]).includes(value)) return value as M;
  const list = supported.map((m) => JSON.stringify(m)).join(" or ");
  throw new FlagError(`${flag} ${JSON.stringify(value)} is not available yet: use ${list}`);
}

/** The NodeProxyConfig the flags describe (node IPs from --node-ip, comma-separated). */
export function nodeConfigFromFlags(values: NodeFlagValues, supportedModes: readonly ModeName[] = ["iptables"]): NodeProxyConfig {
  checkMode(values.mode, supportedModes);
  const nodeIPs = values["node-ip"] === "" ? [] : values["node-ip"].split(",").map((s) => s.trim());
  for (const ip of nodeIPs) if (!parseIP(ip)) throw new FlagError(`--node-ip ${JSON.stringify(ip)} is not an IP address`);
  const ipFamily = values["ip-family"];
  if (ipFamily !== "IPv4" && ipFamily !== "IPv6") throw new FlagError(`--ip-family must be IPv4 or IPv6, got ${JSON.stringify(ipFamily)}`);
  if (ipFamily === "IPv6" && values.mode !== "nftables") throw new FlagError(`--ip-family IPv6 needs --mode nftables (the ${values.mode} mode serves IPv4 only)`);
  const clusterCIDR = values["cluster-cidr"] === "" ? undefined : values["cluster-cidr"];
  for (const cidr of clusterCIDR?.split(",") ?? []) {
    if (!parseCIDR(cidr.trim())) throw new FlagError(`--cluster-cidr ${JSON.stringify(cidr.trim())} is not a CIDR (e.g. 10.1.0.0/16, or one per family: 10.1.0.0/16,fd00:10:1::/56)`);
  }
  const nodePortAddresses = values["nodeport-addresses"] === "" ? [] : values["nodeport-addresses"].split(",").map((s) => s.trim());
  for (const cidr of nodePortAddresses) {
    if (!parseCIDR(cidr)) throw new FlagError(`--nodeport-addresses ${JSON.stringify(cidr)} is not a CIDR (e.g. 172.17.8.0/24)`);
  }
  return {
    ...defaultNodeProxyConfig,
    nodeName: values["node-name"],
    nodeIPs,
    clusterCIDR,
    masqueradeAll: values["masquerade-all"],
    nodePortAddresses,
    ipFamily,
  };
}
