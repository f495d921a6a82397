// Reads the service proxy's live rules on this node for GET /proxyRules (src/api/node-proxy-rules.ts):
// `iptables-save -c` of filter and nat, or nftables' kube-proxy table as JSON, and the node's
// addresses — inside the node's network namespace when it has one. Needs root, as the proxy does.

import type { NodeProxyRules } from "../../api/node-proxy-rules.js";
import type { IptablesBackend } from "../../proxy/iptables/iptables-commands.js";
import { ExecIptables } from "../../proxy/iptables/iptables-commands.js";
import { ExecNft } from "../../proxy/nftables/nft-commands.js";
import { ExecIpRunner, namespaceIPv4Addresses } from "../../sandbox/ip-runner.js";

export interface ProxyRulesReaderOptions {
  mode: NodeProxyRules["mode"];
  /** The node's network namespace; the agent's own otherwise. */
  netns?: string;
  /** Which iptables programs the proxy uses; default "system". */
  backend?: IptablesBackend;
  timeoutMs?: number;
}

/** Reads the rules now; throws an Error naming the command that failed. */
export async function readProxyRules(o: ProxyRulesReaderOptions): Promise<NodeProxyRules> {
  const timeoutMs = o.timeoutMs ?? 20_000;
  const localAddresses = await namespaceIPv4Addresses(new ExecIpRunner(), o.netns);
  if (o.mode === "userspace" || o.mode === "none") return { mode: o.mode, localAddresses };
  if (o.mode === "nftables") {
    const nft = new ExecNft({ ...(o.netns !== undefined ? { netns: o.netns } : {}), timeoutMs });
    return { mode: o.mode, nftJson: await nft.listTable({ json: true }), localAddresses };
  }
  const iptables = new ExecIptables({ ...(o.netns !== undefined ? { netns: o.netns } : {}), ...(o.backend !== undefined ? { backend: o.backend } : {}), timeoutMs });
  const text = (await iptables.save("filter", { counters: true })) + (await iptables.save("nat", { counters: true }));
  return { mode: o.mode, iptablesSave: text, localAddresses };
}
