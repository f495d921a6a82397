// The iptables-restore input of today's kube-proxy (iptables mode, ≈v1.28 onwards), generated
// from the proxy's state as a pure function. Layout, rule text and emission order follow the
// reference (kube-proxy.md §1.3–§1.9); see that note for why each rule exists.
//
// Differences from kube-proxy, on purpose:
//   - services are processed in sorted servicePortKey order (kube-proxy walks a Go map, so its
//     order is random); stale chains and nodeport-address rules are sorted too;
//   - IPv4 only: the IPv6 variants (`! -d ::1/128`, no KUBE-FIREWALL, no localhost NodePorts)
//     are left out for now;
//   - no nfacct counter rules (as when the kernel lacks nfacct);
//   - the mark is written `0x4000`, as upstream's tests inject it (the binary writes
//     `0x00004000`; the kernel state is the same);
//   - the local-traffic detector is ClusterCIDR or nothing.

import { cidrContains, formatCIDR, parseCIDR } from "../../allocators/cidr.js";
import type { Cidr } from "../../allocators/cidr.js";
import { parseIP } from "../../allocators/ip.js";
import type { ParsedIP } from "../../allocators/ip.js";
import { categorizeEndpoints, externallyAccessible } from "../categorize-endpoints.js";
import { protocolLower, servicePortNameString } from "../service-port-name.js";
import type { EndpointInfo, NodeProxyConfig, ProxyState, ServicePortInfo } from "../types.js";
import { endpointChainName, serviceChainName } from "./chain-names.js";
import { chainLine, commentArgs, LineBuffer } from "./line-buffer.js";
import type { RuleLineSink } from "./line-buffer.js";
import { probabilityString } from "./probability.js";
import type { IptablesRulesOptions, IptablesRulesResult } from "./rules-result.js";

const KUBE_SERVICES = "KUBE-SERVICES";
const KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
const KUBE_FORWARD = "KUBE-FORWARD";
const KUBE_NODEPORTS = "KUBE-NODEPORTS";
const KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";
const KUBE_FIREWALL = "KUBE-FIREWALL";
const KUBE_POSTROUTING = "KUBE-POSTROUTING";
const KUBE_MARK_MASQ = "KUBE-MARK-MASQ";

/** Chains this generator creates per service port; only these are ever deleted as stale. */
export const SERVICE_CHAIN_PREFIXES = ["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"] as const;

export const DEFAULT_LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

const NODEPORTS_TAIL_COMMENT = "kubernetes service nodeports; NOTE: this must be the last rule in this chain";
const LOOPBACK_CIDR = "127.0.0.0/8";

/** The masquerade mark as kube-proxy's tests write it: 1 << bit in hex (bit 14 → 0x4000). */
export function masqueradeMarkString(bit: number): string {
  if (!Number.isInteger(bit) || bit < 0 || bit > 31) throw new RangeError(`masquerade bit must be in 0..31, got ${bit}`);
  return "0x" + (2 ** bit).toString(16);
}

/** Match arguments that tell pod traffic from other traffic (ClusterCIDR detector). */
interface LocalTrafficDetector {
  ifLocal: string[];
  ifNotLocal: string[];
}

function clusterCIDRDetector(clusterCIDR: string | undefined): LocalTrafficDetector | undefined {
  if (clusterCIDR === undefined || clusterCIDR === "") return undefined;
  return { ifLocal: ["-s", clusterCIDR], ifNotLocal: ["!", "-s", clusterCIDR] };
}

/** How --nodeport-addresses applies to IPv4, as kube-proxy reads the flag. */
interface NodePortAddressing {
  matchAll: boolean;
  cidrs: Cidr[];
  /** Some CIDR reaches 127.0.0.0/8; without that, localhost NodePorts are switched off. */
  containsLoopback: boolean;
}

const loopback = parseCIDR(LOOPBACK_CIDR) as Cidr;
const loopbackNetwork = parseIP("127.0.0.0") as ParsedIP;

function isLoopback(ip: string): boolean {
  const parsed = parseIP(ip);
  return parsed !== undefined && cidrContains(loopback, parsed);
}

function nodePortAddressing(texts: readonly string[]): NodePortAddressing {
  const v4 = texts.map((text) => ({ text: text.trim(), cidr: parseCIDR(text.trim()) })).filter((c) => c.cidr?.family === "IPv4");
  // No IPv4 CIDR given means "every address", as the flag's default does.
  if (v4.length === 0 || v4.some((c) => c.text === "0.0.0.0/0")) return { matchAll: true, cidrs: [], containsLoopback: true };
  const cidrs = v4.map((c) => c.cidr as Cidr);
  // kube-proxy's test: the block starts inside 127/8 (127.0.0.1/32) or covers 127.0.0.0 (0/1, 96/3, …).
  const containsLoopback = cidrs.some((c) => cidrContains(loopback, { family: "IPv4", value: c.base }) || cidrContains(c, loopbackNetwork));
  return { matchAll: false, cidrs, containsLoopback };
}

/**
 * The local addresses --nodeport-addresses selects. kube-proxy lists the host's interface
 * addresses; we know the node's own IPs, plus 127.0.0.1 which every host has on `lo`.
 */
function nodePortAddresses(addressing: NodePortAddressing, nodeIPs: readonly string[]): string[] {
  const candidates = [...new Set([...nodeIPs, "127.0.0.1"])];
  return candidates.filter((ip) => {
    const parsed = parseIP(ip);
    return parsed?.family === "IPv4" && addressing.cidrs.some((cidr) => cidrContains(cidr, parsed));
  });
}

/** Where one service port's lines go, and what the sync learns from it. */
interface SyncContext {
  config: NodeProxyConfig;
  detector: LocalTrafficDetector | undefined;
  largeClusterMode: boolean;
  filterRules: RuleLineSink;
  /** Rules in the shared nat chains (KUBE-SERVICES, KUBE-NODEPORTS). */
  sharedNatRules: RuleLineSink;
  /** The service's own nat chains (KUBE-SVC/SVL/EXT/FW/SEP-…): declarations and rules. */
  ownNatChains: RuleLineSink;
  ownNatRules: RuleLineSink;
  activeNatChains: Set<string>;
  noLocalEndpoints: { internal: number; external: number };
}


/** Per-endpoint comments, left out in large clusters to shrink the restore input. */
function endpointComment(ctx: SyncContext, text: string): string[] {
  return ctx.largeClusterMode ? [] : commentArgs(text);
}

/** SVC/SVL → SEP dispatch: affinity checks first, then one random-probability rule per endpoint. */
function writeEndpointDispatch(
  ctx: SyncContext,
  natRules: RuleLineSink,
  svc: ServicePortInfo,
  svcName: string,
  chain: string,
  endpoints: readonly EndpointInfo[],
): void {
  const protocol = protocolLower(svc.protocol);
  const sepOf = (ep: EndpointInfo): string => endpointChainName(svcName, protocol, ep.endpoint);
  if (svc.stickySeconds > 0) {
    for (const ep of endpoints) {
      const sep = sepOf(ep);
      natRules.write(
        "-A", chain, endpointComment(ctx, `${svcName} -> ${ep.endpoint}`),
        "-m", "recent", "--name", sep, "--rcheck", "--seconds", String(svc.stickySeconds), "--reap",
        "-j", sep,
      );
    }
  }
  endpoints.forEach((ep, i) => {
    const remaining = endpoints.length - i;
    // The last rule needs no probability: whatever reaches it takes the last endpoint.
    const statistic = remaining > 1 ? ["-m", "statistic", "--mode", "random", "--probability", probabilityString(remaining)] : [];
    natRules.write("-A", chain, endpointComment(ctx, `${svcName} -> ${ep.endpoint}`), statistic, "-j", sepOf(ep));
  });
}

/** Everything one service port contributes to the tables. */
function writeServicePort(ctx: SyncContext, svc: ServicePortInfo, endpoints: readonly EndpointInfo[]): void {
  const { config, detector, filterRules } = ctx;
  const protocol = protocolLower(svc.protocol);
  const proto = ["-m", protocol, "-p", protocol];
  const svcName = servicePortNameString(svc.name, "modern");
  const port = String(svc.port);
  const clusterChain = serviceChainName("KUBE-SVC-", svcName, protocol);
  const localChain = serviceChainName("KUBE-SVL-", svcName, protocol);
  const externalChain = serviceChainName("KUBE-EXT-", svcName, protocol);
  const firewallChain = serviceChainName("KUBE-FW-", svcName, protocol);

  const categorized = categorizeEndpoints(svc, endpoints, config);
  const { clusterEndpoints, localEndpoints, allReachableEndpoints } = categorized;
  const hasEndpoints = categorized.hasAnyEndpoints;

  const internalChain = svc.internalPolicyLocal ? localChain : clusterChain;
  const hasInternalEndpoints = hasEndpoints && (!svc.internalPolicyLocal || localEndpoints.length > 0);
  const externalPolicyChain = svc.externalPolicyLocal ? localChain : clusterChain;
  const hasExternalEndpoints = hasEndpoints && (!svc.externalPolicyLocal || localEndpoints.length > 0);
  // EXT exists whenever there are endpoints anywhere: its short-circuit rules for pod and host
  // traffic matter even on a node with no local endpoint.
  const usesExternalChain = hasEndpoints && externallyAccessible(svc);
  const usesFirewallChain = hasEndpoints && svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
  const loadBalancerChain = usesFirewallChain ? firewallChain : externalChain;

  // Filter verdicts: REJECT (port unreachable) when nothing serves the service anywhere, DROP
  // when only a Local policy leaves this node without an endpoint.
  const noEndpoints = { target: "REJECT", comment: `${svcName} has no endpoints` };
  const noLocal = { target: "DROP", comment: `${svcName} has no local endpoints` };
  let internalVerdict = noEndpoints;
  let externalVerdict = noEndpoints;
  if (hasEndpoints) {
    if (!hasInternalEndpoints) {
      internalVerdict = noLocal;
      ctx.noLocalEndpoints.internal++;
    }
    if (!hasExternalEndpoints) {
      externalVerdict = noLocal;
      ctx.noLocalEndpoints.external++;
    }
  }

  // Dispatch and filter rules live in shared chains, so they are written on every sync.
  const clusterIPMatch = [...proto, "-d", svc.clusterIP, "--dport", port];
  if (hasInternalEndpoints) {
    ctx.sharedNatRules.write("-A", KUBE_SERVICES, commentArgs(`${svcName} cluster IP`), clusterIPMatch, "-j", internalChain);
  } else {
    filterRules.write("-A", KUBE_SERVICES, commentArgs(internalVerdict.comment), clusterIPMatch, "-j", internalVerdict.target);
  }

  for (const externalIP of svc.externalIPs) {
    const match = [...proto, "-d", externalIP, "--dport", port];
    if (hasEndpoints) ctx.sharedNatRules.write("-A", KUBE_SERVICES, commentArgs(`${svcName} external IP`), match, "-j", externalChain);
    if (!hasExternalEndpoints) {
      filterRules.write("-A", KUBE_EXTERNAL_SERVICES, commentArgs(externalVerdict.comment), match, "-j", externalVerdict.target);
    }
  }

  for (const vip of svc.loadBalancerVIPs) {
    const match = [...proto, "-d", vip, "--dport", port];
    if (hasEndpoints) ctx.sharedNatRules.write("-A", KUBE_SERVICES, commentArgs(`${svcName} loadbalancer IP`), match, "-j", loadBalancerChain);
    if (usesFirewallChain) {
      filterRules.write("-A", KUBE_PROXY_FIREWALL, commentArgs(`${svcName} traffic not accepted by ${firewallChain}`), match, "-j", "DROP");
    }
  }
  if (!hasExternalEndpoints) {
    for (const vip of svc.loadBalancerVIPs) {
      filterRules.write(
        "-A", KUBE_EXTERNAL_SERVICES, commentArgs(externalVerdict.comment),
        proto, "-d", vip, "--dport", port, "-j", externalVerdict.target,
      );
    }
  }

  if (svc.nodePort !== 0) {
    const nodePort = String(svc.nodePort);
    if (hasEndpoints) ctx.sharedNatRules.write("-A", KUBE_NODEPORTS, commentArgs(svcName), proto, "--dport", nodePort, "-j", externalChain);
    if (!hasExternalEndpoints) {
      filterRules.write(
        "-A", KUBE_EXTERNAL_SERVICES, commentArgs(externalVerdict.comment),
        "-m", "addrtype", "--dst-type", "LOCAL", proto, "--dport", nodePort, "-j", externalVerdict.target,
      );
    }
  }

  if (svc.healthCheckNodePort !== 0) {
    // Accepted even without local endpoints: the health server must answer 503 to the LB.
    filterRules.write(
      "-A", KUBE_NODEPORTS, commentArgs(`${svcName} health check node port`),
      "-m", "tcp", "-p", "tcp", "--dport", String(svc.healthCheckNodePort), "-j", "ACCEPT",
    );
  }

  // The service's own chains: written only when it changed (the caller decides where they go).
  const natChains = ctx.ownNatChains;
  const natRules = ctx.ownNatRules;
  const declare = (chain: string): void => {
    natChains.write(chainLine(chain));
    ctx.activeNatChains.add(chain);
  };

  if (hasInternalEndpoints) {
    if (config.masqueradeAll) {
      natRules.write("-A", internalChain, commentArgs(`${svcName} cluster IP`), clusterIPMatch, "-j", KUBE_MARK_MASQ);
    } else if (detector) {
      // Off-cluster clients reaching a cluster IP (e.g. through a static route to this node)
      // are masqueraded, since the chosen endpoint may sit on another node.
      natRules.write("-A", internalChain, commentArgs(`${svcName} cluster IP`), clusterIPMatch, detector.ifNotLocal, "-j", KUBE_MARK_MASQ);
    }
  }

  if (usesExternalChain) {
    declare(externalChain);
    if (!svc.externalPolicyLocal) {
      natRules.write("-A", externalChain, commentArgs(`masquerade traffic for ${svcName} external destinations`), "-j", KUBE_MARK_MASQ);
    } else {
      // Pods and the host reaching an external address are sent to the Cluster chain, as if
      // they had gone out to the load balancer and come back in.
      if (detector) {
        natRules.write("-A", externalChain, commentArgs(`pod traffic for ${svcName} external destinations`), detector.ifLocal, "-j", clusterChain);
      }
      // The host's own source address is the external address itself, so it must be rewritten.
      natRules.write(
        "-A", externalChain, commentArgs(`masquerade LOCAL traffic for ${svcName} external destinations`),
        "-m", "addrtype", "--src-type", "LOCAL", "-j", KUBE_MARK_MASQ,
      );
      natRules.write(
        "-A", externalChain, commentArgs(`route LOCAL traffic for ${svcName} external destinations`),
        "-m", "addrtype", "--src-type", "LOCAL", "-j", clusterChain,
      );
    }
    if (hasExternalEndpoints) natRules.write("-A", externalChain, "-j", externalPolicyChain);
  }

  if (usesFirewallChain) {
    declare(firewallChain);
    const allowComment = commentArgs(`${svcName} loadbalancer IP`);
    const nodeIP = parseIP(config.nodeIPs[0] ?? "");
    let allowFromNode = false;
    for (const range of svc.loadBalancerSourceRanges) {
      const cidr = parseCIDR(range);
      natRules.write("-A", firewallChain, allowComment, "-s", cidr ? formatCIDR(cidr) : range, "-j", externalChain);
      if (cidr && nodeIP && cidrContains(cidr, nodeIP)) allowFromNode = true;
    }
    // A VIP that is also a local address makes the node's own requests arrive with the VIP as
    // source; let those through when the node itself is allowed.
    if (allowFromNode) {
      for (const vip of svc.loadBalancerVIPs) natRules.write("-A", firewallChain, allowComment, "-s", vip, "-j", externalChain);
    }
    // Falling off the end means "not DNATed"; KUBE-PROXY-FIREWALL drops it in filter.
    natRules.write("-A", firewallChain, commentArgs(`other traffic to ${svcName} will be dropped by KUBE-PROXY-FIREWALL`));
  }

  if (clusterEndpoints.length > 0) {
    declare(clusterChain);
    writeEndpointDispatch(ctx, natRules, svc, svcName, clusterChain, clusterEndpoints);
  }
  if (localEndpoints.length > 0) {
    declare(localChain);
    writeEndpointDispatch(ctx, natRules, svc, svcName, localChain, localEndpoints);
  }

  for (const ep of allReachableEndpoints) {
    const sep = endpointChainName(svcName, protocol, ep.endpoint);
    declare(sep);
    const comment = endpointComment(ctx, svcName);
    // Hairpin: an endpoint reaching itself through the service must see the node as source.
    natRules.write("-A", sep, comment, "-s", ep.ip, "-j", KUBE_MARK_MASQ);
    const affinity = svc.stickySeconds > 0 ? ["-m", "recent", "--name", sep, "--set"] : [];
    natRules.write("-A", sep, comment, affinity, proto, "-j", "DNAT", "--to-destination", ep.endpoint);
  }
}

/**
 * Generates kube-proxy's iptables-restore input for `state` on the node described by `config`.
 * Pure: the caller reads existing chains (for stale-chain deletion) and applies the text.
 */
export function generateModernRules(
  state: ProxyState,
  config: NodeProxyConfig,
  options: IptablesRulesOptions = {},
): IptablesRulesResult {
  const addressing = nodePortAddressing(config.nodePortAddresses);
  // route_localnet is only turned on when --nodeport-addresses reaches loopback at all.
  const localhostNodePorts = config.localhostNodePorts && addressing.containsLoopback;
  const mark = masqueradeMarkString(config.masqueradeBit);

  const filterChains = new LineBuffer();
  const filterRules = new LineBuffer();
  const natChains = new LineBuffer();
  const natRules = new LineBuffer();
  let skippedNatRules = 0;

  for (const chain of [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL]) {
    filterChains.write(chainLine(chain));
  }
  for (const chain of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ]) natChains.write(chainLine(chain));

  // Masquerade only marked packets, and clear the mark so a packet that goes through the
  // stack again is not masqueraded twice.
  natRules.write("-A", KUBE_POSTROUTING, "-m", "mark", "!", "--mark", `${mark}/${mark}`, "-j", "RETURN");
  natRules.write("-A", KUBE_POSTROUTING, "-j", "MARK", "--xor-mark", mark);
  natRules.write(
    "-A", KUBE_POSTROUTING, commentArgs("kubernetes service traffic requiring SNAT"),
    "-j", "MASQUERADE", config.randomFully ? ["--random-fully"] : [],
  );
  natRules.write("-A", KUBE_MARK_MASQ, "-j", "MARK", "--or-mark", mark);

  if (localhostNodePorts) {
    // route_localnet lets outside packets claim a 127/8 destination; only local ones may.
    filterChains.write(chainLine(KUBE_FIREWALL));
    filterRules.write(
      "-A", KUBE_FIREWALL, commentArgs("block incoming localnet connections"),
      "-d", LOOPBACK_CIDR, "!", "-s", LOOPBACK_CIDR, "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED,DNAT", "-j", "DROP",
    );
  }

  const keys = [...state.services.keys()].sort();
  let totalEndpoints = 0;
  for (const key of keys) totalEndpoints += state.endpoints.get(key)?.length ?? 0;
  const threshold = options.largeClusterEndpointsThreshold ?? DEFAULT_LARGE_CLUSTER_ENDPOINTS_THRESHOLD;

  const detector = clusterCIDRDetector(config.clusterCIDR);
  const largeClusterMode = totalEndpoints > threshold;
  const activeNatChains = new Set<string>();
  const noLocalEndpoints = { internal: 0, external: 0 };
  const cache = options.cache;
  // Chains of changed or deleted services that the previous sync had and this one does not.
  const goneChains = new Set<string>();

  let servicesWritten = 0;
  for (const key of keys) {
    const svc = state.services.get(key) as ServicePortInfo;
    const changed = options.changedServices?.has(`${svc.name.namespace}/${svc.name.name}`) ?? true;
    const previous = cache?.blocks.get(key);
    let block = previous;
    if (changed || !block || block.largeClusterMode !== largeClusterMode) {
      const recorded = { filter: new LineBuffer(), shared: new LineBuffer(), chains: new LineBuffer(), rules: new LineBuffer() };
      const ctx: SyncContext = {
        config,
        detector,
        largeClusterMode,
        filterRules: recorded.filter,
        sharedNatRules: recorded.shared,
        ownNatChains: recorded.chains,
        ownNatRules: recorded.rules,
        activeNatChains: new Set(),
        noLocalEndpoints: { internal: 0, external: 0 },
      };
      writeServicePort(ctx, svc, state.endpoints.get(key) ?? []);
      block = {
        filterRules: recorded.filter.entries(),
        sharedNatRules: recorded.shared.entries(),
        ownNatChains: recorded.chains.lines,
        ownNatRules: recorded.rules.lines,
        activeNatChains: [...ctx.activeNatChains],
        noLocalEndpoints: ctx.noLocalEndpoints,
        largeClusterMode,
      };
      cache?.blocks.set(key, block);
      // Shared-chain rules come before the service's own rules, as kube-proxy emits them.
      filterRules.writeLines(block.filterRules);
      natRules.writeLines(block.sharedNatRules);
      if (changed) {
        if (previous) for (const chain of previous.activeNatChains) goneChains.add(chain);
        servicesWritten++;
        natChains.writeLines(recorded.chains.entries());
        natRules.writeLines(recorded.rules.entries());
      } else {
        // Unchanged in a partial sync: its chains are already in the kernel; only count them.
        skippedNatRules += block.ownNatRules;
      }
    } else {
      filterRules.writeLines(block.filterRules);
      natRules.writeLines(block.sharedNatRules);
      skippedNatRules += block.ownNatRules;
    }
    for (const chain of block.activeNatChains) activeNatChains.add(chain);
    noLocalEndpoints.internal += block.noLocalEndpoints.internal;
    noLocalEndpoints.external += block.noLocalEndpoints.external;
  }
  if (cache) {
    // Services gone since the last sync: their chains are stale.
    for (const [key, block] of cache.blocks) {
      if (state.services.has(key)) continue;
      for (const chain of block.activeNatChains) goneChains.add(chain);
      cache.blocks.delete(key);
    }
  }

  // Stale per-service chains: flush (chain line) then delete. Nothing jumps to them any more.
  let deletedChains = 0;
  const stale = [...new Set([...(options.existingNatChains ?? []), ...goneChains])]
    .filter((chain) => SERVICE_CHAIN_PREFIXES.some((prefix) => chain.startsWith(prefix)) && !activeNatChains.has(chain))
    .sort();
  for (const chain of stale) {
    natChains.write(chainLine(chain));
    natRules.write("-X", chain);
    deletedChains++;
  }

  // NodePorts are matched last: KUBE-SERVICES hands anything addressed to the node itself to
  // KUBE-NODEPORTS.
  const tailComment = commentArgs(NODEPORTS_TAIL_COMMENT);
  if (addressing.matchAll) {
    const notLoopback = localhostNodePorts ? [] : ["!", "-d", LOOPBACK_CIDR];
    natRules.write("-A", KUBE_SERVICES, tailComment, "-m", "addrtype", "--dst-type", "LOCAL", notLoopback, "-j", KUBE_NODEPORTS);
  } else {
    for (const ip of nodePortAddresses(addressing, config.nodeIPs)) {
      if (isLoopback(ip) && !localhostNodePorts) continue;
      natRules.write("-A", KUBE_SERVICES, tailComment, "-d", ip, "-j", KUBE_NODEPORTS);
    }
  }

  // With the FORWARD policy at DROP, marked (service) traffic and its replies still pass.
  if (!config.conntrackTcpBeLiberal) {
    // Out-of-window TCP packets are INVALID to conntrack and would escape DNAT (resets).
    filterRules.write("-A", KUBE_FORWARD, "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP");
  }
  filterRules.write("-A", KUBE_FORWARD, commentArgs("kubernetes forwarding rules"), "-m", "mark", "--mark", `${mark}/${mark}`, "-j", "ACCEPT");
  filterRules.write(
    "-A", KUBE_FORWARD, commentArgs("kubernetes forwarding conntrack rule"),
    "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT",
  );

  const text =
    "*filter\n" + filterChains.toString() + filterRules.toString() + "COMMIT\n" +
    "*nat\n" + natChains.toString() + natRules.toString() + "COMMIT\n";

  return {
    text,
    activeNatChains,
    natRules: natRules.lines + skippedNatRules - deletedChains,
    filterRules: filterRules.lines,
    deletedChains,
    servicesWritten,
    noLocalEndpoints,
  };
}
