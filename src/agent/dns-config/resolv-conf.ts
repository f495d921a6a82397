// /etc/resolv.conf text for a pod.

import type { Pod } from "../../api/types.js";
import type { DnsConfig } from "./dns-types.js";
import { podDns, type PodDnsOptions } from "./pod-dns.js";

/**
 * Renders a DNS config as containerd writes it: a `search` line (if any), one
 * `nameserver` line per server, an `options` line (if any), each ending in a newline.
 * An empty config renders as "".
 */
export function renderResolvConf(config: DnsConfig): string {
  let out = "";
  if (config.searches.length > 0) out += `search ${config.searches.join(" ")}\n`;
  for (const s of config.servers) out += `nameserver ${s}\n`;
  if (config.options.length > 0) out += `options ${config.options.join(" ")}\n`;
  return out;
}

/** The /etc/resolv.conf the pod's containers see (see podDns for the rules). */
export function resolvConf(pod: Pod, opts: PodDnsOptions = {}): string {
  return renderResolvConf(podDns(pod, opts).config);
}
