// Which address family an address or CIDR belongs to, as the proxy reads them: one proxier
// programs one family (IPv4 or IPv6), so every address it is given is first sorted by family.
// Pure.

import { isIP } from "node:net";
import { parseCIDR } from "../allocators/cidr.js";
import type { IPFamily } from "../allocators/ip.js";

export type { IPFamily };

/** The family the proxy programs when none is given. */
export const defaultIPFamily: IPFamily = "IPv4";

/** Whether `text` is an IP address (no prefix, no brackets) of `family`. */
export function isIPOfFamily(text: string, family: IPFamily): boolean {
  return isIP(text) === (family === "IPv4" ? 4 : 6);
}

/**
 * The prefix length of `text` when it is a CIDR written with an address of `family`, else
 * undefined. The address part must be a plain address of that family (`10.0.0.0/8`, `fd00::/8`).
 */
export function cidrPrefixLengthOfFamily(text: string, family: IPFamily): number | undefined {
  const slash = text.indexOf("/");
  if (slash < 0 || !isIPOfFamily(text.slice(0, slash), family)) return undefined;
  const cidr = parseCIDR(text);
  return cidr?.family === family ? cidr.prefixLength : undefined;
}

/** The entries of a comma-separated CIDR list (like `--cluster-cidr 10.1.0.0/16,fd00:10:1::/56`) of `family`, trimmed. */
export function cidrsOfFamily(list: string | undefined, family: IPFamily): string[] {
  if (list === undefined) return [];
  return list
    .split(",")
    .map((c) => c.trim())
    .filter((c) => cidrPrefixLengthOfFamily(c, family) !== undefined);
}
