// What one service port owns in kube-proxy's nftables table, as data: its chains (with their rule
// bodies), its affinity sets, and the elements it puts into the shared sets and verdict maps.
// The rule generator builds these; the rule store diffs them between syncs and renders `nft -f`
// commands. No logic here.

import {
  CLUSTER_IPS_SET,
  FIREWALL_IPS_MAP,
  NO_ENDPOINT_NODEPORTS_MAP,
  NO_ENDPOINT_SERVICES_MAP,
  SERVICE_IPS_MAP,
  SERVICE_NODEPORTS_MAP,
} from "./names.js";

/** The shared sets and maps that hold per-service elements, in the order a sync writes them. */
export const ELEMENT_CONTAINERS = [
  CLUSTER_IPS_SET,
  SERVICE_IPS_MAP,
  SERVICE_NODEPORTS_MAP,
  FIREWALL_IPS_MAP,
  NO_ENDPOINT_SERVICES_MAP,
  NO_ENDPOINT_NODEPORTS_MAP,
] as const;

export type ElementContainer = (typeof ELEMENT_CONTAINERS)[number];

/** One element of a set (no value) or verdict map (value = verdict, e.g. `goto service-…`, `drop`). */
export interface NftElement {
  container: ElementContainer;
  /** Concatenated key as nft writes it: `10.0.0.252 . tcp . 8000`. */
  key: string;
  value?: string;
  comment?: string;
}

/** A regular chain and its rules in order (bodies only: `ip saddr 10.1.13.2 jump mark-for-masquerade`). */
export interface NftChain {
  name: string;
  rules: string[];
}

/** A per-endpoint ClientIP affinity set: source addresses that expire after `timeoutSeconds`. */
export interface NftAffinitySet {
  name: string;
  timeoutSeconds: number;
}

/** Everything one service port contributes to the table. */
export interface ServicePortObjects {
  /** Its own chains: service-, local-, external-, firewall-, then endpoint- chains. */
  chains: NftChain[];
  sets: NftAffinitySet[];
  elements: NftElement[];
  /** 1 when a Local policy leaves this node without an endpoint, per policy kind (for metrics). */
  noLocalEndpoints: { internal: number; external: number };
}
