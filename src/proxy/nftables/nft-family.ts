// What differs between kube-proxy's two nftables tables, `table ip kube-proxy` (IPv4) and
// `table ip6 kube-proxy` (IPv6): the table family, the payload keyword of address matches, the
// address type of sets and map keys, and how loopback is written. The layout is otherwise the
// same, so rule generation takes one of these and nothing else about the family. Data only.

import type { IPFamily } from "../../allocators/ip.js";
import { TABLE } from "./names.js";

export interface NftFamily {
  ipFamily: IPFamily;
  /** The table's family, also the payload keyword of address matches: `ip daddr`, `ip6 saddr`. */
  family: "ip" | "ip6";
  /** What follows the object keyword in every command: `ip kube-proxy`. */
  tableRef: string;
  /** Type of an address in sets and map keys. */
  addrType: "ipv4_addr" | "ipv6_addr";
  /** The match that excludes loopback destinations (nftables mode has no localhost NodePorts). */
  noLocalhost: string;
}

export const NFT_IPV4: NftFamily = {
  ipFamily: "IPv4",
  family: "ip",
  tableRef: `ip ${TABLE}`,
  addrType: "ipv4_addr",
  noLocalhost: "ip daddr != 127.0.0.0/8",
};

export const NFT_IPV6: NftFamily = {
  ipFamily: "IPv6",
  family: "ip6",
  tableRef: `ip6 ${TABLE}`,
  addrType: "ipv6_addr",
  noLocalhost: "ip6 daddr != ::1",
};

/** The table text of a family; undefined means IPv4. */
export function nftFamily(ipFamily: IPFamily | undefined): NftFamily {
  return ipFamily === "IPv6" ? NFT_IPV6 : NFT_IPV4;
}
