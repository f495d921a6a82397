// One nftables table as the nftables tracer reads it: chains (base chains with their hook,
// priority and policy), their rules as statements, and the named sets and verdict maps with their
// elements. Only what kube-proxy's layout uses is modelled precisely; anything else is kept as an
// "unknown" statement, which the tracer counts as not matching (and says so). Built from
// `nft -j list table` output (nft-json-parse.ts) or from an `nft -f` script (nft-script-parse.ts).
// Data only.

/** A verdict: ends a chain (accept, drop, return), moves to another (jump, goto), or goes on (continue). */
export type NftVerdict = { kind: "accept" | "drop" | "return" | "continue" } | { kind: "jump" | "goto"; target: string };

/**
 * One part of a constant, as text: an address ("10.0.0.252"), a prefix ("10.1.0.0/16"), a range
 * ("30000-30100"), a decimal number ("8000") or a keyword ("tcp", "new", "local").
 */
export type NftAtom = string;

/** A constant key: one atom, or several for a concatenation (`10.0.0.252 . tcp . 8000`). */
export type NftKey = readonly NftAtom[];

/** What a rule reads from the packet, its connection or the kernel. */
export type NftSelector =
  /** `ip saddr`, `ip daddr`, `ip protocol`, `th dport`, `th sport`, `tcp dport`, … */
  | { kind: "payload"; protocol: string; field: string }
  /** `meta l4proto`, `meta mark` (written `mark`), … */
  | { kind: "meta"; key: string }
  /** `ct state`, … */
  | { kind: "ct"; key: string }
  /** `fib saddr type`, `fib daddr type`. */
  | { kind: "fib"; flags: readonly string[]; result: string }
  /** `numgen random mod N [offset O]`: N values from O, each equally likely. */
  | { kind: "numgen"; mode: string; mod: number; offset: number }
  /** `mark and 0x4000`. */
  | { kind: "bitwise"; op: "and" | "or" | "xor"; left: NftSelector; right: number }
  /** `ip daddr . meta l4proto . th dport`. */
  | { kind: "concat"; parts: readonly NftSelector[] };

/** The right-hand side of a match. */
export type NftOperand =
  | { kind: "value"; key: NftKey }
  /** An anonymous set `{ a, b }` (nft writes a one-element set as its element). */
  | { kind: "set"; elements: readonly NftKey[] }
  /** A named set, `@cluster-ips`. */
  | { kind: "set-ref"; name: string };

export interface NftMapElement {
  key: NftKey;
  verdict: NftVerdict;
  comment?: string;
}

export type NftStatement =
  | { kind: "match"; left: NftSelector; op: "==" | "!="; right: NftOperand }
  /** `KEY vmap @map` or `KEY vmap { k : verdict, … }`; no element for the key: the rule does not match. */
  | { kind: "vmap"; key: NftSelector; map: { kind: "set-ref"; name: string } | { kind: "anonymous"; elements: readonly NftMapElement[] } }
  | { kind: "verdict"; verdict: NftVerdict }
  /** `reject` (ICMP port unreachable) or `reject with …` (`with` holds the rest). */
  | { kind: "reject"; with?: string }
  /** `mark set VALUE` (op "set") or `mark set mark OP VALUE`. */
  | { kind: "mark-set"; op: "set" | "and" | "or" | "xor"; value: number }
  | { kind: "dnat"; addr: string; port?: number }
  | { kind: "masquerade"; flags: readonly string[] }
  /** `update @set { KEY }` / `add @set { KEY }`: remembers the packet's key in a dynamic set. */
  | { kind: "set-update"; op: "update" | "add"; set: string; key: NftSelector }
  | { kind: "counter" }
  /** Something the model does not know, as written; the tracer treats the rule as not matching. */
  | { kind: "unknown"; text: string };

export interface ParsedNftRule {
  statements: readonly NftStatement[];
  comment?: string;
}

export interface NftBaseChain {
  type: string;
  hook: string;
  priority: number;
  policy: "accept" | "drop";
}

export interface ParsedNftChain {
  name: string;
  /** Set for a base chain (attached to a netfilter hook). */
  base?: NftBaseChain;
  rules: ParsedNftRule[];
}

export interface NftSetElement {
  key: NftKey;
  /** Maps only. */
  verdict?: NftVerdict;
  comment?: string;
}

export interface ParsedNftSet {
  name: string;
  /** A verdict map rather than a set. */
  map: boolean;
  /** Key types, one per concatenated part (`ipv4_addr`, `inet_proto`, `inet_service`). */
  keyType: readonly string[];
  /** `timeout`, `dynamic`, `interval`, … */
  flags: readonly string[];
  elements: NftSetElement[];
}

export interface ParsedNftTable {
  family: string;
  name: string;
  /** In the order they were listed or added. */
  chains: Map<string, ParsedNftChain>;
  sets: Map<string, ParsedNftSet>;
}

