// Names in kube-proxy's nftables table: the fixed chains, sets and maps, and the per-service
// chain and affinity-set names. A per-service name is `<prefix><hash>-<readable part>`, where the
// hash is the first 8 RFC 4648 base32 characters of sha256(readable part); the readable part is
// `ns/name/proto/portName` (plus `__ip/port` for an endpoint, with IPv6 colons turned into dots,
// since nft names may hold [A-Za-z0-9_./-] only). The fixed names never contain "/", so "/" tells
// a per-service chain from one of ours.

import { createHash } from "node:crypto";
import { base32 } from "../iptables/chain-names.js";
import type { ServicePortName } from "../types.js";

export const TABLE = "kube-proxy";
export const FAMILY = "ip";

export const SERVICES_CHAIN = "services";
export const SERVICE_IPS_MAP = "service-ips";
export const SERVICE_NODEPORTS_MAP = "service-nodeports";
export const NODEPORT_IPS_SET = "nodeport-ips";
export const CLUSTER_IPS_SET = "cluster-ips";
export const SERVICE_ENDPOINTS_CHECK_CHAIN = "service-endpoints-check";
export const NODEPORT_ENDPOINTS_CHECK_CHAIN = "nodeport-endpoints-check";
export const NO_ENDPOINT_SERVICES_MAP = "no-endpoint-services";
export const NO_ENDPOINT_NODEPORTS_MAP = "no-endpoint-nodeports";
export const REJECT_CHAIN = "reject-chain";
export const CLUSTER_IPS_CHECK_CHAIN = "cluster-ips-check";
export const FIREWALL_IPS_MAP = "firewall-ips";
export const FIREWALL_CHECK_CHAIN = "firewall-check";
export const MARK_MASQ_CHAIN = "mark-for-masquerade";
export const MASQUERADING_CHAIN = "masquerading";

/** Longest nft object name (NFT_NAME_MAXLEN − 1) and longest prefix we put before a hash. */
const NAME_LENGTH_MAX = 256;
const PREFIX_LENGTH_MAX = 16;
const BASE_LENGTH_MAX = NAME_LENGTH_MAX - PREFIX_LENGTH_MAX;

export type ServiceChainPrefix = "service-" | "local-" | "external-" | "firewall-";

/** `HASH-readable`, cut to fit (never in practice: a service part is at most 205 characters). */
export function hashedName(readable: string): string {
  const hash = base32(createHash("sha256").update(readable).digest()).slice(0, 8);
  const name = `${hash}-${readable}`;
  return name.length > BASE_LENGTH_MAX ? name.slice(0, BASE_LENGTH_MAX - 3) + "..." : name;
}

function servicePart(name: ServicePortName): string {
  return `${name.namespace}/${name.name}/${name.protocol.toLowerCase()}/${name.port}`;
}

/** service-/local-/external-/firewall- chain of a service port, e.g. `service-ULMVA6XW-ns1/svc1/tcp/p80`. */
export function serviceChainName(prefix: ServiceChainPrefix, name: ServicePortName): string {
  return prefix + hashedName(servicePart(name));
}

function endpointPart(name: ServicePortName, ip: string, port: number): string {
  return `${servicePart(name)}__${ip.replaceAll(":", ".")}/${port}`;
}

/** endpoint- chain of one endpoint, e.g. `endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80`. */
export function endpointChainName(name: ServicePortName, ip: string, port: number): string {
  return "endpoint-" + hashedName(endpointPart(name, ip, port));
}

/** affinity- set of one endpoint (same hash as its endpoint chain). */
export function affinitySetName(name: ServicePortName, ip: string, port: number): string {
  return "affinity-" + hashedName(endpointPart(name, ip, port));
}

/** Per-service chains hold a "/" in their name; the fixed chains never do. */
export function isServiceChainName(chain: string): boolean {
  return chain.includes("/");
}
