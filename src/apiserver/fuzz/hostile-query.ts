// Query strings a hostile client sends: the parameters an endpoint reads, with values out of
// range, of the wrong type or absurdly long, repeated a hundred times, percent-escapes that
// decode to nothing sensible, and label and field selectors made of the grammar's tokens in
// the wrong order.

import { nanLikeStrings } from "./hostile-values.js";
import type { Random } from "./random.js";

/** What the request does, which decides the parameters worth sending. */
export type QueryUse = "list" | "watch" | "get" | "write" | "patch" | "delete" | "log";

const params: Record<QueryUse, readonly string[]> = {
  list: ["limit", "continue", "resourceVersion", "resourceVersionMatch", "labelSelector", "fieldSelector", "includeObject", "pretty", "timeoutSeconds"],
  watch: ["watch", "timeoutSeconds", "resourceVersion", "allowWatchBookmarks", "labelSelector", "fieldSelector", "sendInitialEvents", "resourceVersionMatch"],
  get: ["resourceVersion", "pretty", "includeObject"],
  write: ["dryRun", "fieldManager", "fieldValidation", "pretty"],
  patch: ["dryRun", "fieldManager", "fieldValidation", "force"],
  delete: ["gracePeriodSeconds", "propagationPolicy", "orphanDependents", "dryRun", "labelSelector", "fieldSelector", "limit"],
  log: ["container", "follow", "previous", "tailLines", "limitBytes", "sinceSeconds", "sinceTime", "timestamps"],
};

/** Values worth trying for any parameter. */
const anyValues: readonly string[] = [
  ...nanLikeStrings,
  "-1",
  "0",
  "1",
  "1.5",
  "99999999999999999999",
  "abc",
  "All",
  "Strict",
  "Ignore",
  "Orphan",
  "Foreground",
  "Table",
  "yes",
  "TRUE",
  "False",
  "😀",
  "a".repeat(300),
];

/** Values a parameter takes, so that a hostile one elsewhere in the request is reached. */
const validValues: Record<string, readonly string[]> = {
  dryRun: ["All"],
  fieldValidation: ["Strict", "Warn", "Ignore"],
  fieldManager: ["kubectl", "fuzz"],
  force: ["true", "false"],
  limit: ["1", "2", "500"],
  resourceVersion: ["0", ""],
  timeoutSeconds: ["1", "30"],
  gracePeriodSeconds: ["0", "30"],
  propagationPolicy: ["Background", "Foreground", "Orphan"],
  includeObject: ["Object", "Metadata"],
  watch: ["true", "1"],
  allowWatchBookmarks: ["true"],
  pretty: ["true"],
};

/** Values a parameter's own parser may trip over. */
const specificValues: Record<string, readonly string[]> = {
  continue: ["garbage", "eyJhIjoxfQ", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTEsInN0YXJ0IjoiLi4vLi4vIn0", "=", "%", "A".repeat(4096)],
  resourceVersion: ["abc", "-1", "0", "", "1e3", "0x10", " 1", "18446744073709551616"],
  timeoutSeconds: ["1e309", "-1", "0", "NaN", "1.5", "99999999999999999999", "abc"],
  limit: ["-1", "0", "1e3", "1.5", "99999999999999999999", "abc", "0x10"],
  fieldManager: ["", "a".repeat(129), "x\u0000y", "kubectl"],
  fieldValidation: ["strict", "Strict", "Warn", "Ignore", "Panic", ""],
  dryRun: ["All", "all", "None", "", "true"],
  gracePeriodSeconds: ["-1", "0", "1e309", "1.5", "abc", "99999999999999", "9007199254740991", "9223372036854775807", "99999999999999999999"],
  propagationPolicy: ["Orphan", "Background", "Foreground", "orphan", "", "Cascade"],
  tailLines: ["-1", "1e309", "abc"],
  limitBytes: ["-1", "0", "abc"],
  sinceSeconds: ["-1", "0", "1e309"],
  sinceTime: ["yesterday", "2026-13-45T99:99:99Z"],
  watch: ["true", "1", "yes", "", "0", "false", "TRUE"],
  includeObject: ["None", "Metadata", "Object", "garbage", ""],
};

const labelTokens: readonly string[] = [
  "a", "app", "x.example.com/key", "-a", "a-", ".", "a/b/c", "!", "=", "==", "!=", " in ", " notin ", "(", ")", ",", " ", "",
  "\u0000", "é", "k".repeat(64), "p".repeat(300), "in", "notin", "a in (", "b", "'", '"', "\\", "exists", "!!", ">", "<", "gt",
];

const fieldTokens: readonly string[] = [
  "metadata.name", "metadata.namespace", "spec.nodeName", "status.phase", "spec.bogus", "type", "=", "==", "!=", ",", "\\", "\\,",
  "x", "", " ", "\u0000", "metadata.name=" + "n".repeat(300), "involvedObject.name", "..", "metadata", "metadata.",
];

/** A label selector built from the grammar's tokens, in any order. */
export function hostileLabelSelector(rng: Random): string {
  if (rng.chance(0.05)) return `a in (${Array.from({ length: 5000 }, (_, i) => `v${i}`).join(",")})`;
  const n = rng.between(1, 8);
  return Array.from({ length: n }, () => rng.pick(labelTokens)).join("");
}

/** A field selector built from the grammar's tokens, in any order. */
export function hostileFieldSelector(rng: Random): string {
  const n = rng.between(1, 6);
  return Array.from({ length: n }, () => rng.pick(fieldTokens)).join("");
}

function valueFor(rng: Random, name: string): string {
  if (name === "labelSelector") return hostileLabelSelector(rng);
  if (name === "fieldSelector") return hostileFieldSelector(rng);
  const valid = validValues[name];
  if (valid && rng.chance(0.5)) return rng.pick(valid);
  const own = specificValues[name];
  return own && rng.chance(0.7) ? rng.pick(own) : rng.pick(anyValues);
}

/** One parameter with a hostile value, as query text (`gracePeriodSeconds=1e309`). */
export function hostileParam(rng: Random, name: string): string {
  return new URLSearchParams([[name, valueFor(rng, name)]]).toString();
}

/** Query text that is not what URLSearchParams would write. */
const rawGarbage: readonly string[] = ["&&&==&=", "a=%ZZ", "%%%", "=x", "a==b", "%00=%00", "__proto__=x&constructor=y", "&limit", "?", "#frag"];

/**
 * A query string (without "?") for a request of the given use: zero to four of its
 * parameters with hostile values, now and then one repeated a hundred times, one that no
 * endpoint reads, or text that is not a proper query at all.
 */
export function hostileQuery(rng: Random, use: QueryUse): string {
  const q = new URLSearchParams();
  const names = params[use];
  const n = rng.int(5);
  for (let i = 0; i < n; i++) {
    const name = rng.pick(names);
    if (rng.chance(0.05)) for (let j = 0; j < 100; j++) q.append(name, valueFor(rng, name));
    else q.append(name, valueFor(rng, name));
  }
  if (rng.chance(0.05)) q.append(rng.pick(["", "__proto__", "constructor", "x".repeat(1000), "watch\u0000"]), "1");
  let text = q.toString();
  if (rng.chance(0.05)) text = text ? `${text}&${rng.pick(rawGarbage)}` : rng.pick(rawGarbage);
  return text;
}
