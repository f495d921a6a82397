// Lenient IP parsing for endpoint addresses: which family an address belongs to and its
// canonical text (leading zeros dropped, IPv6 compressed, IPv4-mapped IPv6 printed as IPv4),
// the way Go's net.ParseIP(...).String() normalises addresses before they go into a slice.

import { isIPv6 } from "node:net";

/** An address family as Kubernetes names it. */
export type IpFamily = "IPv4" | "IPv6";

/** A parsed address. */
export interface ParsedAddress {
  family: IpFamily;
  /** Canonical text form. */
  text: string;
}

const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

function parseV4(text: string): string | undefined {
  const m = v4.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts.join(".") : undefined;
}

/** Parses an IPv4 or IPv6 address (no zone, no prefix); undefined when it is not one. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const four = parseV4(text);
  if (four !== undefined) return { family: "IPv4", text: four };
  if (!isIPv6(text) || text.includes("%")) return undefined;
  // The WHATWG URL parser prints IPv6 hosts in RFC 5952 canonical form.
  const canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const m = mapped.exec(canonical);
  if (m) {
    const hi = parseInt(m[1], 16);
    const lo = parseInt(m[2], 16);
    return { family: "IPv4", text: [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".") };
  }
  return { family: "IPv6", text: canonical };
}

/** The family of an address, or undefined when the text is not an IP address. */
export function familyOf(text: string): IpFamily | undefined {
  return parseAddress(text)?.family;
}
