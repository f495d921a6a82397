// The store is for the API servers only. etcd in the sandbox speaks plain HTTP without
// authentication on the underlay, and pods can route to the control-plane machines (they reach
// the API servers there), so without a guard any pod could read every Secret or wipe the
// cluster. Each control-plane machine gets its own small nftables table that lets the etcd
// ports be reached only from the control-plane machines themselves (the members and the API
// server replicas) and over loopback. Pure: the text of one `nft -f` transaction; the
// rules live inside the sandbox's namespaces, never in the machine's own tables.

import type { EtcdClusterPlan } from "./etcd-member-plan.js";

/** The table's name (family inet, so it is not kube-proxy's `ip kube-proxy`). */
export const STORE_GUARD_TABLE = "svcnet-store-guard";

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** The `nft -f` input that guards the etcd ports of `plan`'s machines; the same for each of them. */
export function storeGuardRules(plan: EtcdClusterPlan): string {
  const ports = [...new Set(plan.members.flatMap((m) => [portOf(m.clientUrl), portOf(m.peerUrl)]))].sort((a, b) => a - b);
  const allowed = [...new Set(plan.members.map((m) => m.machine.ip))].sort();
  return [
    `add table inet ${STORE_GUARD_TABLE}`,
    `delete table inet ${STORE_GUARD_TABLE}`,
    `add table inet ${STORE_GUARD_TABLE}`,
    `add chain inet ${STORE_GUARD_TABLE} input { type filter hook input priority 0 ; policy accept ; }`,
    `add rule inet ${STORE_GUARD_TABLE} input iifname "lo" accept`,
    `add rule inet ${STORE_GUARD_TABLE} input tcp dport { ${ports.join(", ")} } ip saddr { ${allowed.join(", ")} } accept`,
    `add rule inet ${STORE_GUARD_TABLE} input tcp dport { ${ports.join(", ")} } counter reject with tcp reset`,
    "",
  ].join("\n");
}
