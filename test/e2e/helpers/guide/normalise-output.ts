// Normalising a command's output for the tour check: what changes from run to run without
// meaning anything (ages, timestamps, uids, resourceVersions, packet counters, pod addresses,
// which node a pod landed on, process ids, generated volume names) is replaced by a fixed
// placeholder, and runs of blanks become one space, so table columns that widen or narrow still
// compare equal. Values that vary but must stay consistent across commands (the ClusterIP, the
// NodePort, pod names, endpoint chains) are not touched here: output-bindings.ts pairs them.
// Everything else — column names, chain names, comments, probabilities — is compared as is. Pure.

/** One rewrite applied to every line, in table order. */
export interface LineNormaliser {
  readonly name: string;
  readonly pattern: RegExp;
  readonly replacement: string;
}

/** What varies between runs, in the order the rewrites apply. */
export const LINE_NORMALISERS: readonly LineNormaliser[] = [
  // "Fri, 27 Nov 2026 10:33:11 +0000" (kubectl describe) and "2026-11-27T10:33:37Z" (YAML).
  { name: "describe time", pattern: /\b[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}\b/g, replacement: "<time>" },
  { name: "RFC 3339 time", pattern: /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g, replacement: "<time>" },
  { name: "uid", pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, replacement: "<uid>" },
  { name: "resourceVersion", pattern: /(resourceVersion: )"\d+"/g, replacement: '$1"<rv>"' },
  // iptables -L -v: the pkts and bytes columns of a rule, and a built-in chain's policy counters.
  { name: "rule counters", pattern: /^\s*\d+[KMGT]?\s+\d+[KMGT]?(?=\s+\S)/g, replacement: "<pkts> <bytes>" },
  { name: "policy counters", pattern: /\(policy (\w+) \d+[KMGT]? packets, \d+[KMGT]? bytes\)/g, replacement: "(policy $1 <pkts> packets, <bytes> bytes)" },
  // A pod address (10.1.<node>.<n>): which pod gets which address, on which node, varies.
  { name: "pod IP", pattern: /\b10\.1\.\d{1,3}\.\d{1,3}\b(?![/\d])/g, replacement: "10.1.N.N" },
  { name: "pod's node", pattern: /\bcore-v2-\d{2}\/172\.17\.8\.\d{1,3}\b/g, replacement: "core-v2-NN/172.17.8.NNN" },
  { name: "container id", pattern: /\bsvcnet:\/\/\d+\b/g, replacement: "svcnet://<pid>" },
  { name: "service account volume", pattern: /\bkube-api-access-[a-z0-9]{5}\b/g, replacement: "kube-api-access-<id>" },
  // An AGE column is the last one of kubectl's tables: 5s, 91s, 2m3s, 4h, 12d…
  { name: "age", pattern: /\s\d+[smhd](?:\d+[smh])?$/g, replacement: " <age>" },
  { name: "blanks", pattern: /[ \t]+/g, replacement: " " },
];

/** `line` with every normaliser applied, trimmed. */
export function normaliseLine(line: string): string {
  let out = line;
  for (const n of LINE_NORMALISERS) out = out.replace(n.pattern, n.replacement);
  return out.trim();
}

/** The lines of `text`, normalised, without trailing empty lines. */
export function normaliseOutput(text: string | readonly string[]): string[] {
  const lines = (typeof text === "string" ? text.replace(/\r\n/g, "\n").split("\n") : [...text]).map(normaliseLine);
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}
