// What a rule generator (modern or seed profile) hands to the proxier: the restore input plus
// the facts the proxier needs afterwards (active chains for stale-chain cleanup, counts for metrics).

export interface IptablesRulesOptions {
  /**
   * Services ("namespace/name") whose per-service chains must be written. Undefined means a full
   * sync: every chain is written. In a partial sync the shared chains (KUBE-SERVICES, KUBE-NODEPORTS,
   * KUBE-EXTERNAL-SERVICES, …) are still written whole.
   */
  changedServices?: ReadonlySet<string>;
  /** Chains now in the nat table; those with a per-service prefix that are no longer active get `-X`. */
  existingNatChains?: ReadonlySet<string>;
  /** Above this many endpoints in total, per-endpoint comments are left out (kube-proxy: 1000). */
  largeClusterEndpointsThreshold?: number;
  /**
   * The generator's memory between syncs (modern profile): unchanged services' shared-chain lines
   * are replayed from it, and chains that changed services dropped are deleted without a listing.
   * Pass a new one for every full sync; reuse it across the partial syncs that follow.
   */
  cache?: ModernRulesCache;
}

/**
 * What one service port wrote in a sync, kept between syncs so that a partial sync replays the
 * shared-chain lines of unchanged services instead of recomputing them, and knows which of a
 * changed service's chains went away without listing the kernel's tables.
 */
export interface ServicePortBlock {
  filterRules: readonly string[];
  sharedNatRules: readonly string[];
  ownNatChains: number;
  ownNatRules: number;
  activeNatChains: readonly string[];
  noLocalEndpoints: { internal: number; external: number };
  largeClusterMode: boolean;
}

/** The generator's memory between syncs; start a new one for every full sync. */
export interface ModernRulesCache {
  blocks: Map<string, ServicePortBlock>;
}


export interface IptablesRulesResult {
  /** The complete `iptables-restore --noflush` input: *filter … COMMIT *nat … COMMIT. */
  text: string;
  /** Every per-service nat chain (KUBE-SVC/SVL/EXT/FW/SEP-…) that the current state needs. */
  activeNatChains: Set<string>;
  /** Rules the tables hold after this restore, counting unchanged services' rules too (for metrics). */
  natRules: number;
  filterRules: number;
  /** Stale chains deleted by this restore (`-X` lines). */
  deletedChains: number;
  /** Services whose chains were written (all of them in a full sync). */
  servicesWritten: number;
  /** Service ports with a Local policy and no local endpoints, per policy kind. */
  noLocalEndpoints: { internal: number; external: number };
}
