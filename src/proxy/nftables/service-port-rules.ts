// What kube-proxy's nftables mode writes for one service port, as a pure function of the service,
// its endpoints and the node. The decisions are the iptables mode's (which endpoints, which
// policy, when to masquerade — see categorize-endpoints.ts and the reference §1.8–§1.9); only
// the shape differs: dispatch is one element in a verdict map instead of a rule in a long chain,
// endpoint choice is one `numgen random mod N vmap`, and "no endpoints" is an element in the
// no-endpoint maps (drop, or goto reject-chain since reject is not a verdict). The rules are for
// the table of config.ipFamily (IPv4 unless set): `ip saddr …` or `ip6 saddr …`.

import { formatCIDR, parseCIDR, cidrContains } from "../../allocators/cidr.js";
import { parseIP } from "../../allocators/ip.js";
import type { IPFamily } from "../../allocators/ip.js";
import { cidrsOfFamily } from "../ip-family.js";
import { categorizeEndpoints, externallyAccessible } from "../categorize-endpoints.js";
import { protocolLower, servicePortNameString } from "../service-port-name.js";
import type { EndpointInfo, NodeProxyConfig, ServicePortInfo } from "../types.js";
import { MARK_MASQ_CHAIN, REJECT_CHAIN, affinitySetName, endpointChainName, serviceChainName } from "./names.js";
import { nftFamily } from "./nft-family.js";
import type { NftChain, NftElement, ServicePortObjects } from "./nft-objects.js";

/** Match expressions that tell pod traffic from other traffic (ClusterCIDR detector), if configured. */
export interface LocalTrafficMatch {
  ifLocal: string;
  ifNotLocal: string;
}

/**
 * The detector's matches for the family's table. `clusterCIDR` may list one CIDR per family,
 * comma-separated (`10.1.0.0/16,fd00:10:1::/56`); the first one of `ipFamily` (default IPv4) is
 * used, as written; without one (or with text that is no CIDR) there is no detector.
 */
export function localTrafficMatch(clusterCIDR: string | undefined, ipFamily?: IPFamily): LocalTrafficMatch | undefined {
  const fam = nftFamily(ipFamily);
  const cidr = cidrsOfFamily(clusterCIDR, fam.ipFamily)[0];
  if (cidr === undefined) return undefined;
  return { ifLocal: `${fam.family} saddr ${cidr}`, ifNotLocal: `${fam.family} saddr != ${cidr}` };
}

/** The per-service part of a sync for one service port. */
export function servicePortObjects(svc: ServicePortInfo, endpoints: readonly EndpointInfo[], config: NodeProxyConfig): ServicePortObjects {
  const protocol = protocolLower(svc.protocol);
  const nameString = servicePortNameString(svc.name, "modern");
  const port = String(svc.port);
  const fam = nftFamily(config.ipFamily);
  const ip = fam.family;
  const detector = localTrafficMatch(config.clusterCIDR, fam.ipFamily);
  const clusterChain = serviceChainName("service-", svc.name);
  const localChain = serviceChainName("local-", svc.name);
  const externalChain = serviceChainName("external-", svc.name);
  const firewallChain = serviceChainName("firewall-", svc.name);

  const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints } = categorizeEndpoints(svc, endpoints, config);
  const usesClusterChain = clusterEndpoints.length > 0;
  const usesLocalChain = localEndpoints.length > 0;
  const internalChain = svc.internalPolicyLocal ? localChain : clusterChain;
  const hasInternalEndpoints = hasAnyEndpoints && (!svc.internalPolicyLocal || usesLocalChain);
  const externalPolicyChain = svc.externalPolicyLocal ? localChain : clusterChain;
  const hasExternalEndpoints = hasAnyEndpoints && (!svc.externalPolicyLocal || usesLocalChain);
  // The external chain exists whenever there are endpoints anywhere: its short-circuits for pod
  // and host traffic matter even on a node without a local endpoint.
  const usesExternalChain = hasAnyEndpoints && externallyAccessible(svc);
  const usesFirewallChain = svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;

  const noLocalEndpoints = { internal: 0, external: 0 };
  // Without endpoints anywhere: reject (port unreachable). With a Local policy and none here: drop.
  let internalVerdict = `goto ${REJECT_CHAIN}`;
  let externalVerdict = `goto ${REJECT_CHAIN}`;
  if (hasAnyEndpoints) {
    internalVerdict = "drop";
    externalVerdict = "drop";
    if (!hasInternalEndpoints) noLocalEndpoints.internal = 1;
    if (!hasExternalEndpoints) noLocalEndpoints.external = 1;
  }

  const elements: NftElement[] = [];
  const serviceKey = (ip: string): string => `${ip} . ${protocol} . ${port}`;
  elements.push({ container: "cluster-ips", key: svc.clusterIP });
  if (hasInternalEndpoints) {
    elements.push({ container: "service-ips", key: serviceKey(svc.clusterIP), value: `goto ${internalChain}` });
  } else {
    elements.push({ container: "no-endpoint-services", key: serviceKey(svc.clusterIP), value: internalVerdict, comment: nameString });
  }
  for (const ip of svc.externalIPs) {
    if (hasAnyEndpoints) elements.push({ container: "service-ips", key: serviceKey(ip), value: `goto ${externalChain}` });
    if (!hasExternalEndpoints) elements.push({ container: "no-endpoint-services", key: serviceKey(ip), value: externalVerdict, comment: nameString });
  }
  for (const ip of svc.loadBalancerVIPs) {
    if (hasAnyEndpoints) elements.push({ container: "service-ips", key: serviceKey(ip), value: `goto ${externalChain}` });
    if (usesFirewallChain) elements.push({ container: "firewall-ips", key: serviceKey(ip), value: `goto ${firewallChain}` });
  }
  if (!hasExternalEndpoints) {
    for (const ip of svc.loadBalancerVIPs) {
      elements.push({ container: "no-endpoint-services", key: serviceKey(ip), value: externalVerdict, comment: nameString });
    }
  }
  if (svc.nodePort !== 0) {
    const key = `${protocol} . ${svc.nodePort}`;
    // NodePorts are not subject to loadBalancerSourceRanges (as in kube-proxy).
    if (hasAnyEndpoints) elements.push({ container: "service-nodeports", key, value: `goto ${externalChain}` });
    if (!hasExternalEndpoints) elements.push({ container: "no-endpoint-nodeports", key, value: externalVerdict, comment: nameString });
  }

  const chains: NftChain[] = [];
  const chain = (name: string): NftChain => {
    const existing = chains.find((c) => c.name === name);
    if (existing) return existing;
    const created = { name, rules: [] };
    chains.push(created);
    return created;
  };
  // Declare in a fixed order so the output reads service → local → external → firewall → endpoints.
  if (usesClusterChain) chain(clusterChain);
  if (usesLocalChain) chain(localChain);
  if (usesExternalChain) chain(externalChain);
  if (usesFirewallChain) chain(firewallChain);

  if (hasInternalEndpoints) {
    // Off-cluster clients reaching a cluster IP (e.g. through a static route to this node) are
    // masqueraded, since the chosen endpoint may sit on another node.
    if (config.masqueradeAll) chain(internalChain).rules.push(`${ip} daddr ${svc.clusterIP} jump ${MARK_MASQ_CHAIN}`);
    else if (detector) chain(internalChain).rules.push(`${ip} daddr ${svc.clusterIP} ${detector.ifNotLocal} jump ${MARK_MASQ_CHAIN}`);
  }

  if (usesExternalChain) {
    const ext = chain(externalChain);
    if (!svc.externalPolicyLocal) {
      ext.rules.push(`jump ${MARK_MASQ_CHAIN}`);
    } else {
      // Pods and the host reaching an external address go to the Cluster chain, as if they had
      // gone out to the load balancer and come back in; the host's own source must be rewritten.
      if (detector) ext.rules.push(`${detector.ifLocal} goto ${clusterChain} comment "short-circuit pod traffic"`);
      ext.rules.push(`fib saddr type local jump ${MARK_MASQ_CHAIN} comment "masquerade local traffic"`);
      ext.rules.push(`fib saddr type local goto ${clusterChain} comment "short-circuit local traffic"`);
    }
    if (hasExternalEndpoints) ext.rules.push(`goto ${externalPolicyChain}`);
  }

  if (usesFirewallChain) {
    const sources: string[] = [];
    const nodeIP = config.nodeIPs.map((a) => parseIP(a)).find((a) => a?.family === fam.ipFamily);
    let allowFromNode = false;
    for (const range of svc.loadBalancerSourceRanges) {
      const cidr = parseCIDR(range.trim());
      sources.push(cidr ? formatCIDR(cidr) : range.trim());
      if (cidr && nodeIP && cidrContains(cidr, nodeIP)) allowFromNode = true;
    }
    // A VIP that is also a local address makes the node's own requests arrive with the VIP as
    // source; let those through when the node itself is allowed.
    if (allowFromNode) sources.push(...svc.loadBalancerVIPs);
    chain(firewallChain).rules.push(`${ip} saddr != { ${sources.join(", ")} } drop`);
  }

  const sticky = svc.stickySeconds > 0;
  const dispatch = (name: string, eps: readonly EndpointInfo[]): void => {
    const c = chain(name);
    if (sticky) {
      for (const ep of eps) c.rules.push(`${ip} saddr @${affinitySetName(svc.name, ep.ip, ep.port)} goto ${endpointChainName(svc.name, ep.ip, ep.port)}`);
    }
    const arms = eps.map((ep, i) => `${i} : goto ${endpointChainName(svc.name, ep.ip, ep.port)}`);
    c.rules.push(`numgen random mod ${eps.length} vmap { ${arms.join(" , ")} }`);
  };
  if (usesClusterChain) dispatch(clusterChain, clusterEndpoints);
  if (usesLocalChain) dispatch(localChain, localEndpoints);

  const sets = sticky ? allReachableEndpoints.map((ep) => ({ name: affinitySetName(svc.name, ep.ip, ep.port), timeoutSeconds: svc.stickySeconds })) : [];
  for (const ep of allReachableEndpoints) {
    const c = chain(endpointChainName(svc.name, ep.ip, ep.port));
    // Hairpin: a pod reaching itself through the service must see the node as the source.
    c.rules.push(`${ip} saddr ${ep.ip} jump ${MARK_MASQ_CHAIN}`);
    if (sticky) c.rules.push(`update @${affinitySetName(svc.name, ep.ip, ep.port)} { ${ip} saddr }`);
    c.rules.push(`meta l4proto ${protocol} dnat to ${ep.endpoint}`);
  }
  return { chains, sets, elements, noLocalEndpoints };
}
