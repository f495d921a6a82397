// IP addresses as numbers: parsing and canonical printing of IPv4 and IPv6 text, so that ranges
// can be walked with plain bigint arithmetic.

/** An address family as Kubernetes names it in `spec.ipFamilies`. */
export type IPFamily = "IPv4" | "IPv6";

/** A parsed address: its family and its value as an unsigned 32- or 128-bit number. */
export interface ParsedIP {
  family: IPFamily;
  value: bigint;
}

/** Address width in bits for a family. */
export function familyBits(family: IPFamily): number {
  return family === "IPv4" ? 32 : 128;
}

/** The other family (for dual-stack defaulting). */
export function otherFamily(family: IPFamily): IPFamily {
  return family === "IPv4" ? "IPv6" : "IPv4";
}

const ipv4Part = /^(0|[1-9][0-9]{0,2})$/;

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!ipv4Part.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

const hexGroup = /^[0-9a-fA-F]{1,4}$/;

function parseGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const out: number[] = [];
  const parts = text.split(":");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i === parts.length - 1 && p.includes(".")) {
      const v4 = parseIPv4(p);
      if (v4 === undefined) return undefined;
      out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      continue;
    }
    if (!hexGroup.test(p)) return undefined;
    out.push(parseInt(p, 16));
  }
  return out;
}

function parseIPv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]);
    const tail = parseGroups(halves[1]);
    if (!head || !tail) return undefined;
    // An embedded IPv4 part is only allowed at the very end.
    if (halves[0].includes(".")) return undefined;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    const all = parseGroups(text);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/**
 * Parses an IPv4 (`10.0.0.1`, no leading zeros) or IPv6 (`fd00::1`, `::ffff:1.2.3.4`) address.
 * Returns undefined for anything else, including zones (`fe80::1%eth0`) and CIDR suffixes.
 */
export function parseIP(text: string): ParsedIP | undefined {
  if (text.includes(":")) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: "IPv6", value };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: "IPv4", value };
}

function formatIPv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** Canonical text of an address: dotted decimal for IPv4, RFC 5952 for IPv6. */
export function formatIP(ip: ParsedIP): string {
  if (ip.family === "IPv6") return formatIPv6(ip.value);
  const v = ip.value;
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join(".");
}
