// LoadBalancer address pools as API objects, in the shape MetalLB's users already write
// (metallb.io/v1beta1 IPAddressPool and L2Advertisement, namespaced, read from the
// `metallb-system` namespace), so their manifests apply to svcnet unchanged. Data only.

import type { KubeObject, MetaLabelSelector } from "./types.js";

/** The API group and version the pool kinds are served under. */
export const METALLB_GROUP = "metallb.io";
export const METALLB_VERSION = "v1beta1";
export const METALLB_API_VERSION = `${METALLB_GROUP}/${METALLB_VERSION}`;

/** The namespace pools and advertisements are read from (as MetalLB's controller reads its own). */
export const METALLB_NAMESPACE = "metallb-system";

/** Which services may take addresses from a pool, and its rank among the pools that match. */
export interface ServiceAllocation {
  /** Lower wins among matching pools; pools without a priority come after those with one. */
  priority?: number;
  namespaces?: string[];
  namespaceSelectors?: MetaLabelSelector[];
  serviceSelectors?: MetaLabelSelector[];
}

export interface IPAddressPoolSpec {
  /** CIDRs ("172.17.8.0/24", "fd00::/120") and ranges ("172.17.8.201-172.17.8.250"). */
  addresses: string[];
  /** Default true: addresses are handed out without being asked for. */
  autoAssign?: boolean;
  /** Default false: when true, addresses ending in .0 or .255 are never handed out. */
  avoidBuggyIPs?: boolean;
  serviceAllocation?: ServiceAllocation;
}

export interface IPAddressPoolStatus {
  assignedIPv4?: number;
  assignedIPv6?: number;
  availableIPv4?: number;
  availableIPv6?: number;
}

export interface IPAddressPool extends KubeObject {
  apiVersion: typeof METALLB_API_VERSION;
  kind: "IPAddressPool";
  spec: IPAddressPoolSpec;
  status?: IPAddressPoolStatus;
}

export interface L2AdvertisementSpec {
  /** Pools announced by name; with neither this nor the selectors, every pool. */
  ipAddressPools?: string[];
  ipAddressPoolSelectors?: MetaLabelSelector[];
  /** Nodes that may announce; empty means every node. */
  nodeSelectors?: MetaLabelSelector[];
  /** Interfaces to announce on; empty means the node's network interface. */
  interfaces?: string[];
}

export interface L2Advertisement extends KubeObject {
  apiVersion: typeof METALLB_API_VERSION;
  kind: "L2Advertisement";
  spec: L2AdvertisementSpec;
}

/**
 * Service annotations the allocator honours. MetalLB reads both the current `metallb.io/`
 * prefix and the older `metallb.universe.tf/` one; so does svcnet (the current one wins).
 */
export const LB_ANNOTATION_PREFIXES = ["metallb.io/", "metallb.universe.tf/"] as const;
/** A pool name: take the address from this pool only. */
export const ANNOTATION_ADDRESS_POOL = "address-pool";
/** Comma-separated requested addresses (one per family), like spec.loadBalancerIP. */
export const ANNOTATION_LOAD_BALANCER_IPS = "loadBalancerIPs";
/** Services with the same key (and compatible ports and selectors) may share one address. */
export const ANNOTATION_ALLOW_SHARED_IP = "allow-shared-ip";

/** The service condition the allocator keeps: True once addresses are assigned, else why not. */
export const CONDITION_ADDRESS_ASSIGNED = "LoadBalancerAddressAssigned";

/** The reasons a LoadBalancer service stays pending, used in Events and the condition. */
export type PendingReason =
  | "NoMatchingPool"
  | "PoolExhausted"
  | "AddressInUse"
  | "AddressNotInPool"
  | "UnknownPool"
  | "InvalidRequest"
  | "NoEligibleNode";
