// IP and CIDR checks as Kubernetes 1.32 applies them (k8s.io/utils/net "sloppy" parsing: IPv4
// octets may carry leading zeros, which are read as decimal). Pure functions, no I/O.

import { fieldErrors, type FieldError, type FieldPath } from "../field-errors.js";

/** A parsed address: 16 bytes, IPv4 stored IPv4-mapped (::ffff:a.b.c.d) as Go's net.IP does. */
export interface ParsedIP {
  bytes: Uint8Array;
  /** "IPv4" for dotted quads and IPv4-mapped IPv6, as Go's `To4() != nil`. */
  family: "IPv4" | "IPv6";
}

function parseIPv4Octets(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseIPv6Bytes(text: string): Uint8Array | null {
  if (text.includes("%")) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (s: string): string[] => (s === "" ? [] : s.split(":"));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  const words: number[] = [];
  const pushGroups = (groups: string[], into: number[]): boolean => {
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && g.includes(".")) {
        const v4 = parseIPv4Octets(g);
        if (!v4) return false;
        into.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
      into.push(parseInt(g, 16));
    }
    return true;
  };
  const headWords: number[] = [];
  const tailWords: number[] = [];
  const lastOfHeadIsV4 = halves.length === 1;
  if (!pushGroups(head, headWords)) return null;
  if (!lastOfHeadIsV4 && headWords.length !== head.length) return null; // dotted quad only at the end
  if (!pushGroups(tail, tailWords)) return null;
  if (halves.length === 2) {
    const fill = 8 - headWords.length - tailWords.length;
    if (fill < 1) return null;
    words.push(...headWords, ...new Array<number>(fill).fill(0), ...tailWords);
  } else {
    if (headWords.length !== 8) return null;
    words.push(...headWords);
  }
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Parses an IPv4 or IPv6 address; null when it is neither. */
export function parseIP(text: string): ParsedIP | null {
  if (text.includes(":")) {
    const bytes = parseIPv6Bytes(text);
    if (!bytes) return null;
    return { bytes, family: isV4Mapped(bytes) ? "IPv4" : "IPv6" };
  }
  const v4 = parseIPv4Octets(text);
  if (!v4) return null;
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(v4, 12);
  return { bytes, family: "IPv4" };
}

/** True for a valid IPv6 (not IPv4-mapped) address. */
export function isIPv6String(text: string): boolean {
  return parseIP(text)?.family === "IPv6";
}

/** Parses "ip/prefix"; null when malformed or the prefix is out of range for the family. */
export function parseCIDR(text: string): { ip: ParsedIP; prefix: number } | null {
  const slash = text.indexOf("/");
  if (slash < 0) return null;
  const ip = parseIP(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^[0-9]{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  const isDotted = !text.slice(0, slash).includes(":");
  if (prefix > (isDotted ? 32 : 128)) return null;
  return { ip, prefix };
}

/** `must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)` when value is no IP. */
export function validateIP(p: FieldPath, value: string): FieldError[] {
  return parseIP(value) ? [] : [fieldErrors.invalid(p, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")];
}

/** `must be a valid IPv4 address`. */
export function validateIPv4Address(p: FieldPath, value: string): FieldError[] {
  return parseIP(value)?.family === "IPv4" ? [] : [fieldErrors.invalid(p, value, "must be a valid IPv4 address")];
}

/** `must be a valid IPv6 address`. */
export function validateIPv6Address(p: FieldPath, value: string): FieldError[] {
  return parseIP(value)?.family === "IPv6" ? [] : [fieldErrors.invalid(p, value, "must be a valid IPv6 address")];
}

/** `must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`. */
export function validateCIDR(p: FieldPath, value: string): FieldError[] {
  return parseCIDR(value) ? [] : [fieldErrors.invalid(p, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")];
}

/**
 * Rejects addresses that make no sense as endpoints or external IPs: unspecified, loopback,
 * link-local unicast and link-local multicast (Kubernetes' ValidateNonSpecialIP).
 */
export function validateNonSpecialIP(p: FieldPath, value: string): FieldError[] {
  const ip = parseIP(value);
  if (!ip) return [fieldErrors.invalid(p, value, "must be a valid IP address")];
  const b = ip.bytes;
  const errs: FieldError[] = [];
  if (ip.family === "IPv4") {
    const [a, c] = [b[12], b[13]];
    if (b[12] === 0 && b[13] === 0 && b[14] === 0 && b[15] === 0) errs.push(fieldErrors.invalid(p, value, `may not be unspecified (${value})`));
    if (a === 127) errs.push(fieldErrors.invalid(p, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
    if (a === 169 && c === 254) errs.push(fieldErrors.invalid(p, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
    if (a === 224 && c === 0 && b[14] === 0) {
      errs.push(fieldErrors.invalid(p, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
    }
    return errs;
  }
  const allZeroUpTo15 = b.slice(0, 15).every((x) => x === 0);
  if (allZeroUpTo15 && b[15] === 0) errs.push(fieldErrors.invalid(p, value, `may not be unspecified (${value})`));
  if (allZeroUpTo15 && b[15] === 1) errs.push(fieldErrors.invalid(p, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) errs.push(fieldErrors.invalid(p, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  if (b[0] === 0xff && (b[1] & 0x0f) === 0x02) {
    errs.push(fieldErrors.invalid(p, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  }
  return errs;
}

/** True when the addresses are exactly one IPv4 and one IPv6 (Kubernetes' IsDualStackIPStrings). */
export function isDualStack(ips: readonly string[]): boolean {
  if (ips.length !== 2) return false;
  const fams = ips.map((x) => parseIP(x)?.family);
  return fams.includes("IPv4") && fams.includes("IPv6");
}
