// What a node agent answers at GET /proxyRules on its loopback endpoint (the one it publishes with
// node-annotations.ts): the service proxy's live rules on that node, for the dashboard's rule path.
// The API server reaches it with the agent's token, as it does for logs and exec.

/** The agent's path for it. */
export const proxyRulesPath = "/proxyRules";

export interface NodeProxyRules {
  /** How the node's proxy runs; userspace writes no rules and "none" runs no proxy: nothing to trace. */
  mode: "iptables" | "nftables" | "userspace" | "none";
  /** iptables: `iptables-save -c` of the filter and nat tables (with packet and byte counters). */
  iptablesSave?: string;
  /** nftables: `nft -j list table ip kube-proxy` (nftables keeps no counters on these rules). */
  nftJson?: string;
  /** The node's IPv4 addresses (for "destination is local" when tracing). */
  localAddresses: string[];
}
