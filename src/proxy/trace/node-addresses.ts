// What a tracer knows of the node's addresses: which are local (its own, plus loopback), and the
// routing type of an address as `-m addrtype` and `fib … type` see it. Routing is reduced to that.

import type { Cidr } from "../../allocators/cidr.js";
import { cidrContains, parseCIDR } from "../../allocators/cidr.js";
import type { ParsedIP } from "../../allocators/ip.js";
import { parseIP } from "../../allocators/ip.js";

/** A test for "is this one of the node's addresses": `localAddresses`, 127.0.0.0/8 and ::1. */
export function localAddressTest(localAddresses: readonly string[]): (ip: string) => boolean {
  const localIPs = localAddresses.map((a) => parseIP(a)).filter((ip): ip is ParsedIP => ip !== undefined);
  const loopback = [parseCIDR("127.0.0.0/8"), parseCIDR("::1/128")] as Cidr[];
  return (text: string): boolean => {
    const ip = parseIP(text);
    if (!ip) return false;
    return loopback.some((c) => cidrContains(c, ip)) || localIPs.some((l) => l.family === ip.family && l.value === ip.value);
  };
}

/** The routing type of `ip` (LOCAL, UNICAST, MULTICAST or BROADCAST) on a node whose local addresses `local` knows. */
export function addressType(ip: string, local: (ip: string) => boolean): "LOCAL" | "UNICAST" | "MULTICAST" | "BROADCAST" {
  const parsed = parseIP(ip);
  if (ip === "255.255.255.255") return "BROADCAST";
  if (parsed !== undefined && (parsed.family === "IPv4" ? parsed.value >> 28n === 0xen : parsed.value >> 120n === 0xffn)) return "MULTICAST";
  return local(ip) ? "LOCAL" : "UNICAST";
}
