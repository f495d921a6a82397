// Which resolver configuration a pod gets, by dnsPolicy (kubelet's GetPodDNS).

import type { Pod } from "../../api/types.js";
import { dnsPolicyOf, isHostNetwork, podDnsConfigOf, type DnsConfig, type PodDnsConfig } from "./dns-types.js";
import { optionName, parseResolvConf } from "./parse-resolv-conf.js";

/** Kubernetes' resolver limits (1.32, ExpandedDNSConfig GA). */
export const DNS_LIMITS = Object.freeze({ nameservers: 3, searchPaths: 32, searchListChars: 2048, searchPathChars: 253 });

/** Options for {@link podDns} and resolvConf. */
export interface PodDnsOptions {
  /** kubelet `--cluster-dns` IPs. Empty: ClusterFirst pods fall back to Default (with a warning). */
  clusterDNS?: readonly string[];
  /** kubelet `--cluster-domain`, e.g. `cluster.local`. Empty: no cluster search domains. */
  clusterDomain?: string;
  /**
   * Text of the node's resolv.conf (`--resolv-conf`). Undefined means the flag is empty:
   * Default pods then get `nameserver 127.0.0.1` (or `::1` per IPv6 node IP) and `search .`.
   */
  hostResolvConf?: string;
  /** Node IPs, used only for the no-resolv.conf fallback above. */
  nodeIPs?: readonly string[];
}

/** A warning kubelet records as an event while forming the pod's DNS config. */
export interface DnsWarning {
  reason: "MissingClusterDNS" | "DNSConfigForming";
  message: string;
}

/** Result of {@link podDns}: the config plus the warnings kubelet would emit. */
export interface PodDnsResult {
  config: DnsConfig;
  warnings: DnsWarning[];
}

const CLUSTER_OPTIONS: readonly string[] = ["ndots:5"];

/**
 * The DNS config kubelet gives `pod`:
 * - `ClusterFirst` (not hostNetwork) and `ClusterFirstWithHostNet`: the cluster DNS IPs,
 *   search `<ns>.svc.<domain> svc.<domain> <domain>` + the host's search list (duplicates
 *   removed), options exactly `ndots:5`; with no cluster DNS configured, as `Default`;
 * - `ClusterFirst` with hostNetwork, and `Default`: the node's resolv.conf;
 * - `None`: empty.
 * Then `dnsConfig` is merged (nameservers and searches appended without duplicates,
 * options merged by name with the pod's value winning, kept in first-seen order), and the
 * limits are applied: at most 3 nameservers; search entries over 253 chars dropped, at
 * most 32 entries, and trailing entries cut until the joined line is ≤ 2048 chars.
 */
export function podDns(pod: Pod, opts: PodDnsOptions = {}): PodDnsResult {
  const warnings: DnsWarning[] = [];
  const host = parseResolvConf(opts.hostResolvConf ?? "");
  const policy = dnsPolicyOf(pod);
  const clusterDNS = opts.clusterDNS ?? [];
  let config: DnsConfig;
  if (policy === "None") {
    config = { servers: [], searches: [], options: [] };
  } else if (policy === "ClusterFirstWithHostNet" || (policy === "ClusterFirst" && !isHostNetwork(pod))) {
    if (clusterDNS.length > 0) {
      config = { servers: [...clusterDNS], searches: clusterSearches(pod, host.searches, opts.clusterDomain ?? ""), options: [...CLUSTER_OPTIONS] };
    } else {
      warnings.push({
        reason: "MissingClusterDNS",
        message: `kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`,
      });
      config = defaultConfig(host, opts);
    }
  } else {
    config = defaultConfig(host, opts);
  }
  const extra = podDnsConfigOf(pod);
  if (extra) config = mergeDnsConfig(config, extra);
  return { config: fitLimits(config, warnings), warnings };
}

/** Appends a pod's dnsConfig to a base config (see {@link podDns}). */
export function mergeDnsConfig(base: DnsConfig, extra: PodDnsConfig): DnsConfig {
  const options = new Map<string, string>();
  for (const o of base.options) {
    const name = optionName(o);
    options.set(name, o.slice(name.length + 1));
  }
  for (const o of extra.options ?? []) options.set(o.name, o.value ?? "");
  return {
    servers: unique([...base.servers, ...(extra.nameservers ?? [])]),
    searches: unique([...base.searches, ...(extra.searches ?? [])]),
    options: [...options].map(([name, value]) => (value === "" ? name : `${name}:${value}`)),
  };
}

/** The `Default` policy's base: the node's file, or localhost when there is none. */
function defaultConfig(host: DnsConfig, opts: PodDnsOptions): DnsConfig {
  if (opts.hostResolvConf !== undefined) return host;
  const servers = (opts.nodeIPs ?? []).map((ip) => (ip.includes(":") ? "::1" : "127.0.0.1"));
  return { servers: servers.length > 0 ? servers : ["127.0.0.1"], searches: ["."], options: [] };
}

function clusterSearches(pod: Pod, hostSearches: readonly string[], domain: string): string[] {
  if (domain === "") return [...hostSearches];
  const ns = pod.metadata.namespace ?? "default";
  return unique([`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...hostSearches]);
}

function fitLimits(config: DnsConfig, warnings: DnsWarning[]): DnsConfig {
  let servers = config.servers;
  if (servers.length > DNS_LIMITS.nameservers) {
    servers = servers.slice(0, DNS_LIMITS.nameservers);
    warnings.push({
      reason: "DNSConfigForming",
      message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${servers.join(" ")}`,
    });
  }
  let searches = config.searches.slice(0, DNS_LIMITS.searchPaths);
  let exceeded = searches.length < config.searches.length;
  const short = searches.filter((s) => s.length <= DNS_LIMITS.searchPathChars);
  exceeded ||= short.length < searches.length;
  searches = short;
  let lineLength = searches.join(" ").length;
  while (lineLength > DNS_LIMITS.searchListChars && searches.length > 0) {
    lineLength -= (searches.at(-1) as string).length + 1;
    searches = searches.slice(0, -1);
    exceeded = true;
  }
  if (exceeded) {
    warnings.push({
      reason: "DNSConfigForming",
      message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.join(" ")}`,
    });
  }
  return { servers, searches, options: config.options };
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
