// The MAC address of an interface that owns an IPv4 address in the sandbox: 02:42 followed by the
// address's four bytes, as Docker gives its containers. Derived, not random, for two reasons:
// - a Linux bridge without a MAC of its own takes the lowest MAC of its ports, so adding or
//   removing a pod's veth could change docker0's address under every pod's ARP cache, and the
//   pods would send to a MAC nobody has until their cache entry expired (seconds of timeouts);
// - a pod that gets an address a deleted pod had also gets its MAC, so the node's ARP entry for
//   that address stays right.
// 02 marks the address locally administered and unicast: it can clash with no vendor's.

import { parseIP } from "../allocators/ip.js";

/** "02:42:0a:01:0d:01" for "10.1.13.1"; throws for anything but an IPv4 address. */
export function macForIPv4(ip: string): string {
  const parsed = parseIP(ip);
  if (parsed?.family !== "IPv4") throw new Error(`no MAC address for ${JSON.stringify(ip)}: an IPv4 address is needed`);
  const bytes = [24n, 16n, 8n, 0n].map((shift) => Number((parsed.value >> shift) & 0xffn));
  return ["02", "42", ...bytes.map((b) => b.toString(16).padStart(2, "0"))].join(":");
}
