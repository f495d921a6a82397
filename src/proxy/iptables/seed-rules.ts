// The rule layout kube-proxy 1.2/1.3 wrote in 2016, which the seed document shows with
// `iptables -L -v -n -t nat`. Kept as its own profile so svcnet can replay that walk-through
// line for line. What sets it apart from the modern layout:
// - the service port name always ends in a colon ("default/nginx-service:"), so the chain
//   hashes differ (KUBE-SVC-GKN7Y2BSGW4NJTYL rather than KUBE-SVC-V2OKYYMBY3REGZOG);
// - only KUBE-SVC and KUBE-SEP chains: external IPs, load-balancer IPs and NodePorts mark
//   for masquerade and jump straight to KUBE-SVC (no KUBE-EXT/SVL/FW chains, no source ranges);
// - the masquerade decision for cluster IPs sits in KUBE-SERVICES, not in KUBE-SVC;
// - probabilities have 5 decimals and addresses carry "/32";
// - a service without endpoints keeps its (empty) KUBE-SVC chain and gets a filter REJECT;
// - no traffic policies and no terminating-endpoint fallback: only ready endpoints count.
// Every sync is a full sync.

import { isIPv6 } from "node:net";
import { endpointChainName, serviceChainName } from "./chain-names.js";
import type { IptablesRulesOptions, IptablesRulesResult } from "./rules-result.js";
import { protocolLower, servicePortNameString } from "../service-port-name.js";
import type { EndpointInfo, NodeProxyConfig, ProxyState, ServicePortInfo } from "../types.js";

const KUBE_SERVICES = "KUBE-SERVICES";
const KUBE_NODEPORTS = "KUBE-NODEPORTS";
const KUBE_POSTROUTING = "KUBE-POSTROUTING";
const KUBE_MARK_MASQ = "KUBE-MARK-MASQ";

/** Per-service chain prefixes that a seed-profile sync deletes when they are no longer needed. */
const staleChainPrefixes = ["KUBE-SVC-", "KUBE-SEP-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-"];

/** A comment argument as kube-proxy wrote it: quoted only when it contains a blank. */
function comment(text: string): string[] {
  return ["-m", "comment", "--comment", text.includes(" ") ? `"${text}"` : text];
}

/** An address with the explicit host prefix the 2016 proxy always appended. */
function hostCidr(ip: string): string {
  return `${ip}/${isIPv6(ip) ? 128 : 32}`;
}

/** 1/n with 5 decimals, as Go's "%0.5f" printed it before kube-proxy moved to 10 (2019). */
export function seedProbability(n: number): string {
  return (1 / n).toFixed(5);
}

/** The masquerade mark as `value/mask` (both the single masquerade bit). */
function masqueradeMark(bit: number): string {
  const hex = `0x${(2 ** bit).toString(16)}`;
  return `${hex}/${hex}`;
}

function readyEndpoints(endpoints: readonly EndpointInfo[] | undefined): EndpointInfo[] {
  const seen = new Map<string, EndpointInfo>();
  for (const ep of endpoints ?? []) if (ep.ready && !seen.has(ep.endpoint)) seen.set(ep.endpoint, ep);
  return [...seen.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
}

class Lines {
  readonly lines: string[] = [];
  rules = 0;
  add(...words: string[]): void {
    this.lines.push(words.join(" "));
    if (words[0] === "-A") this.rules++;
  }
}

/**
 * Writes the `iptables-restore --noflush` input of kube-proxy 1.2/1.3 for `state`.
 * `options.changedServices` is ignored (the 2016 proxy knew only full syncs); stale per-service
 * chains named in `options.existingNatChains` are flushed and deleted.
 */
export function generateSeedRules(state: ProxyState, config: NodeProxyConfig, options: IptablesRulesOptions = {}): IptablesRulesResult {
  const filterChains = new Lines();
  const filterRules = new Lines();
  const natChains = new Lines();
  const natRules = new Lines();
  const mark = masqueradeMark(config.masqueradeBit);

  filterChains.add("*filter");
  filterChains.add(`:${KUBE_SERVICES} - [0:0]`);
  natChains.add("*nat");
  for (const chain of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ]) natChains.add(`:${chain} - [0:0]`);

  natRules.add("-A", KUBE_POSTROUTING, ...comment("kubernetes service traffic requiring SNAT"), "-m", "mark", "--mark", mark, "-j", "MASQUERADE");
  natRules.add("-A", KUBE_MARK_MASQ, "-j", "MARK", "--set-xmark", mark);

  const activeNatChains = new Set<string>();
  const services = new Set<string>();
  // kube-proxy walked a Go map (random order); a sorted walk keeps the output reproducible.
  const keys = [...state.services.keys()].sort();
  for (const key of keys) {
    const svc = state.services.get(key) as ServicePortInfo;
    if (svc.clusterIP === "" || svc.clusterIP === "None") continue;
    services.add(`${svc.name.namespace}/${svc.name.name}`);
    writeServicePort(svc, readyEndpoints(state.endpoints.get(key)), config, { filterRules, natChains, natRules, activeNatChains });
  }

  let deletedChains = 0;
  const stale = [...(options.existingNatChains ?? [])]
    .filter((chain) => staleChainPrefixes.some((p) => chain.startsWith(p)) && !activeNatChains.has(chain))
    .sort();
  for (const chain of stale) {
    // A chain line flushes the chain, which -X requires before it deletes it.
    natChains.add(`:${chain} - [0:0]`);
    natRules.add("-X", chain);
    deletedChains++;
  }

  // Last rule of KUBE-SERVICES: whatever is addressed to this node falls through to the NodePorts.
  natRules.add(
    "-A", KUBE_SERVICES,
    ...comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain"),
    "-m", "addrtype", "--dst-type", "LOCAL", "-j", KUBE_NODEPORTS,
  );
  filterRules.add("COMMIT");
  natRules.add("COMMIT");

  const text = [...filterChains.lines, ...filterRules.lines, ...natChains.lines, ...natRules.lines].join("\n") + "\n";
  return {
    text,
    activeNatChains,
    natRules: natRules.rules,
    filterRules: filterRules.rules,
    deletedChains,
    servicesWritten: services.size,
    noLocalEndpoints: { internal: 0, external: 0 },
  };
}

interface Buffers {
  filterRules: Lines;
  natChains: Lines;
  natRules: Lines;
  activeNatChains: Set<string>;
}

function writeServicePort(svc: ServicePortInfo, endpoints: EndpointInfo[], config: NodeProxyConfig, out: Buffers): void {
  const name = servicePortNameString(svc.name, "seed");
  const proto = protocolLower(svc.protocol);
  const svcChain = serviceChainName("KUBE-SVC-", name, proto);
  out.natChains.add(`:${svcChain} - [0:0]`);
  out.activeNatChains.add(svcChain);
  const protoArgs = ["-m", proto, "-p", proto];

  const clusterIP = ["-A", KUBE_SERVICES, ...comment(`${name} cluster IP`), ...protoArgs, "-d", hostCidr(svc.clusterIP), "--dport", String(svc.port)];
  if (config.masqueradeAll) out.natRules.add(...clusterIP, "-j", KUBE_MARK_MASQ);
  else if (config.clusterCIDR) out.natRules.add(...clusterIP, "!", "-s", config.clusterCIDR, "-j", KUBE_MARK_MASQ);
  out.natRules.add(...clusterIP, "-j", svcChain);

  // Traffic to external and load-balancer addresses always needs SNAT so replies come back here.
  const external = [
    ...svc.externalIPs.map((ip) => ({ ip, what: `${name} external IP` })),
    ...svc.loadBalancerVIPs.map((ip) => ({ ip, what: `${name} loadbalancer IP` })),
  ];
  for (const { ip, what } of external) {
    const args = ["-A", KUBE_SERVICES, ...comment(what), ...protoArgs, "-d", hostCidr(ip), "--dport", String(svc.port)];
    out.natRules.add(...args, "-j", KUBE_MARK_MASQ);
    out.natRules.add(...args, "-j", svcChain);
  }

  if (svc.nodePort !== 0) {
    const args = ["-A", KUBE_NODEPORTS, ...comment(name), ...protoArgs, "--dport", String(svc.nodePort)];
    out.natRules.add(...args, "-j", KUBE_MARK_MASQ);
    out.natRules.add(...args, "-j", svcChain);
  }

  if (endpoints.length === 0) {
    out.filterRules.add(
      "-A", KUBE_SERVICES, ...comment(`${name} has no endpoints`), ...protoArgs,
      "-d", hostCidr(svc.clusterIP), "--dport", String(svc.port), "-j", "REJECT",
    );
    return;
  }

  const sepChains = endpoints.map((ep) => endpointChainName(name, proto, ep.endpoint));
  for (const chain of sepChains) {
    out.natChains.add(`:${chain} - [0:0]`);
    out.activeNatChains.add(chain);
  }
  if (svc.stickySeconds > 0) {
    for (const chain of sepChains) {
      out.natRules.add(
        "-A", svcChain, ...comment(name), "-m", "recent", "--name", chain,
        "--rcheck", "--seconds", String(svc.stickySeconds), "--reap", "-j", chain,
      );
    }
  }
  // The 2016 proxy wrote each KUBE-SVC rule followed by the two rules of its KUBE-SEP chain.
  const n = endpoints.length;
  endpoints.forEach((ep, i) => {
    const chain = sepChains[i];
    const pick = i < n - 1 ? ["-m", "statistic", "--mode", "random", "--probability", seedProbability(n - i)] : [];
    out.natRules.add("-A", svcChain, ...comment(name), ...pick, "-j", chain);
    // Hairpin: a pod that reaches itself through the service must see the node as the source.
    out.natRules.add("-A", chain, ...comment(name), "-s", hostCidr(ep.ip), "-j", KUBE_MARK_MASQ);
    const affinity = svc.stickySeconds > 0 ? ["-m", "recent", "--name", chain, "--set"] : [];
    out.natRules.add("-A", chain, ...comment(name), ...affinity, ...protoArgs, "-j", "DNAT", "--to-destination", ep.endpoint);
  });
}
