// /etc/hosts as kubelet writes it for a pod.

import type { Pod } from "../../api/types.js";
import { hostAliasesOf, isHostNetwork, type HostAlias } from "./dns-types.js";

const HEADER = "# Kubernetes-managed hosts file.\n";
const HOST_NETWORK_HEADER = "# Kubernetes-managed hosts file (host network).\n";
const MAX_HOSTNAME = 63;

/** Options for {@link etcHosts}. */
export interface EtcHostsOptions {
  /** The pod's IPs (all families), primary first. Falls back to `pod.status.podIPs`. */
  podIPs?: readonly string[];
  /** Overrides the hostname derived by {@link podHostnameAndDomain}. */
  hostname?: string;
  /** kubelet `--cluster-domain`; default `cluster.local`. */
  clusterDomain?: string;
  /** The node's /etc/hosts text; used (under its own header) for hostNetwork pods. */
  nodeHosts?: string;
}

/** A pod hostname that cannot be used (e.g. nothing left after truncation). */
export class InvalidHostnameError extends Error {
  readonly code = "InvalidHostname";
  constructor(message: string) {
    super(message);
    this.name = "InvalidHostnameError";
  }
}

/**
 * The pod's hostname and domain as kubelet derives them: hostname is `spec.hostname` or
 * else the pod name, cut to 63 characters with trailing `-`/`.` then removed; domain is
 * `<subdomain>.<ns>.svc.<clusterDomain>` when `spec.subdomain` is set, else "".
 */
export function podHostnameAndDomain(pod: Pod, opts: { clusterDomain?: string } = {}): { hostname: string; domain: string } {
  const podName = pod.metadata.name ?? "";
  let hostname = pod.spec.hostname || podName;
  if (hostname.length > MAX_HOSTNAME) {
    hostname = hostname.slice(0, MAX_HOSTNAME).replace(/[-.]+$/, "");
    if (hostname === "") throw new InvalidHostnameError(`hostname for pod "${podName}" was invalid: ""`);
  }
  const sub = pod.spec.subdomain;
  const domain = sub ? `${sub}.${pod.metadata.namespace ?? "default"}.svc.${opts.clusterDomain ?? "cluster.local"}` : "";
  return { hostname, domain };
}

/**
 * The /etc/hosts kubelet mounts into the pod's containers. For a pod network: the
 * "# Kubernetes-managed hosts file." header, the localhost and IPv6 well-known lines, one
 * line per pod IP (`<ip>\t<hostname>.<domain>\t<hostname>` when a subdomain is set, else
 * `<ip>\t<hostname>`), then hostAliases. For hostNetwork pods: the "(host network)" header
 * followed by the node's hosts file, then hostAliases. hostAliases render as a blank line,
 * "# Entries added by HostAliases.", and one `<ip>\t<name>\t<name>…` line per alias.
 */
export function etcHosts(pod: Pod, opts: EtcHostsOptions = {}): string {
  const aliases = aliasLines(hostAliasesOf(pod));
  if (isHostNetwork(pod)) return HOST_NETWORK_HEADER + (opts.nodeHosts ?? "") + aliases;
  const derived = podHostnameAndDomain(pod, opts);
  const hostname = opts.hostname ?? derived.hostname;
  let out =
    HEADER +
    "127.0.0.1\tlocalhost\n" +
    "::1\tlocalhost ip6-localhost ip6-loopback\n" +
    "fe00::0\tip6-localnet\n" +
    "fe00::0\tip6-mcastprefix\n" +
    "fe00::1\tip6-allnodes\n" +
    "fe00::2\tip6-allrouters\n";
  for (const ip of podIPs(pod, opts)) {
    out += derived.domain ? `${ip}\t${hostname}.${derived.domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  }
  return out + aliases;
}

function aliasLines(aliases: readonly HostAlias[]): string {
  if (aliases.length === 0) return "";
  let out = "\n# Entries added by HostAliases.\n";
  for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join("\t")}\n`;
  return out;
}

function podIPs(pod: Pod, opts: EtcHostsOptions): readonly string[] {
  if (opts.podIPs) return opts.podIPs;
  const st = pod.status;
  if (st?.podIPs && st.podIPs.length > 0) return st.podIPs.map((p) => p.ip);
  return st?.podIP ? [st.podIP] : [];
}
