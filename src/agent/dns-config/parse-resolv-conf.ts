// Parsing the node's resolv.conf the way kubelet reads it (`--resolv-conf`).

import type { DnsConfig } from "./dns-types.js";

/**
 * Parses resolv.conf text like kubelet: lines starting with `#` (after trimming) are
 * comments; every `nameserver X` line adds X (a bare `nameserver` is ignored); the last
 * `search` line wins, with `.` entries dropped and one trailing dot trimmed from each;
 * `options` lines accumulate, a later option of the same name replacing the earlier one
 * in place. Other keywords (`domain`, `sortlist`, …) are ignored.
 */
export function parseResolvConf(text: string): DnsConfig {
  const servers: string[] = [];
  let searches: string[] = [];
  const options = new Map<string, string>();
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("#")) continue;
    const fields = trimmed.split(/\s+/).filter((f) => f !== "");
    if (fields.length === 0) continue;
    const [keyword, ...rest] = fields;
    if (keyword === "nameserver" && rest.length > 0) servers.push(rest[0]);
    if (keyword === "search") searches = rest.filter((s) => s !== ".").map((s) => (s.endsWith(".") ? s.slice(0, -1) : s));
    if (keyword === "options") for (const o of rest) options.set(optionName(o), o);
  }
  return { servers, searches, options: [...options.values()] };
}

/** The name part of a resolver option (`ndots:5` → `ndots`). */
export function optionName(option: string): string {
  const i = option.indexOf(":");
  return i === -1 ? option : option.slice(0, i);
}
