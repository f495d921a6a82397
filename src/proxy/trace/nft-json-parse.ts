// Reads one table from nft's JSON (`nft -j list table ip kube-proxy`, the libnftables-json schema)
// into the tracer's model. Every statement and expression kube-proxy's layout uses is understood;
// anything else becomes an "unknown" statement holding its JSON, so the tracer can say what it
// could not judge instead of the parser failing on rules it does not need.

import type {
  NftAtom,
  NftKey,
  NftMapElement,
  NftOperand,
  NftSelector,
  NftSetElement,
  NftStatement,
  NftVerdict,
  ParsedNftChain,
  ParsedNftRule,
  ParsedNftSet,
  ParsedNftTable,
} from "./nft-table-model.js";

/** nft's output is not JSON of the expected shape, or lacks the table. */
export class NftJsonError extends Error {
  override readonly name = "NftJsonError";
  readonly code = "NftJsonInvalid";
}

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** The only key of a one-key object (`{"payload": {…}}` → ["payload", {…}]). */
function single(v: Json): [string, Json] | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 ? [keys[0], v[keys[0]]] : undefined;
}

function atom(v: Json): NftAtom | undefined {
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v;
  const one = single(v);
  if (!one) return undefined;
  const [kind, body] = one;
  if (kind === "prefix" && isObject(body) && typeof body.addr === "string" && typeof body.len === "number") return `${body.addr}/${body.len}`;
  if (kind === "range" && Array.isArray(body) && body.length === 2) {
    const [from, to] = body.map(atom);
    return from !== undefined && to !== undefined ? `${from}-${to}` : undefined;
  }
  return undefined;
}

/** A constant key; `{"elem": {"val": …}}` wrappers (elements with a comment or timeout) are unwrapped. */
function key(v: Json): { key: NftKey; comment?: string } | undefined {
  const one = single(v);
  if (one?.[0] === "elem" && isObject(one[1])) {
    const inner = key(one[1].val);
    const comment = one[1].comment;
    return inner && { key: inner.key, ...(typeof comment === "string" ? { comment } : {}) };
  }
  if (one?.[0] === "concat" && Array.isArray(one[1])) {
    const atoms = one[1].map(atom);
    return atoms.every((a): a is NftAtom => a !== undefined) ? { key: atoms } : undefined;
  }
  const a = atom(v);
  return a === undefined ? undefined : { key: [a] };
}

function verdict(v: Json): NftVerdict | undefined {
  const one = single(v);
  if (!one) return undefined;
  const [kind, body] = one;
  if (kind === "accept" || kind === "drop" || kind === "return" || kind === "continue") return { kind };
  if ((kind === "jump" || kind === "goto") && isObject(body) && typeof body.target === "string") return { kind, target: body.target };
  return undefined;
}

const bitwiseOps: Record<string, "and" | "or" | "xor"> = { "&": "and", "|": "or", "^": "xor" };

function selector(v: Json): NftSelector | undefined {
  const one = single(v);
  if (!one) return undefined;
  const [kind, body] = one;
  if (kind === "concat" && Array.isArray(body)) {
    const parts = body.map(selector);
    return parts.every((p): p is NftSelector => p !== undefined) ? { kind: "concat", parts } : undefined;
  }
  if (kind in bitwiseOps && Array.isArray(body) && body.length === 2 && typeof body[1] === "number") {
    const left = selector(body[0]);
    return left && { kind: "bitwise", op: bitwiseOps[kind], left, right: body[1] };
  }
  if (!isObject(body)) return undefined;
  switch (kind) {
    case "payload":
      return typeof body.protocol === "string" && typeof body.field === "string" ? { kind: "payload", protocol: body.protocol, field: body.field } : undefined;
    case "meta":
      return typeof body.key === "string" ? { kind: "meta", key: body.key } : undefined;
    case "ct":
      return typeof body.key === "string" && body.dir === undefined ? { kind: "ct", key: body.key } : undefined;
    case "fib": {
      const flags = typeof body.flags === "string" ? [body.flags] : body.flags;
      if (typeof body.result !== "string" || !Array.isArray(flags) || !flags.every((f) => typeof f === "string")) return undefined;
      return { kind: "fib", flags: flags as string[], result: body.result };
    }
    case "numgen":
      if (typeof body.mode !== "string" || typeof body.mod !== "number") return undefined;
      return { kind: "numgen", mode: body.mode, mod: body.mod, offset: typeof body.offset === "number" ? body.offset : 0 };
    default:
      return undefined;
  }
}

function operand(v: Json): NftOperand | undefined {
  if (typeof v === "string" && v.startsWith("@")) return { kind: "set-ref", name: v.slice(1) };
  const one = single(v);
  const list = Array.isArray(v) ? v : one?.[0] === "set" && Array.isArray(one[1]) ? one[1] : undefined;
  if (list) {
    const elements = list.map((e) => key(e)?.key);
    return elements.every((e): e is NftKey => e !== undefined) ? { kind: "set", elements } : undefined;
  }
  const k = key(v);
  return k && { kind: "value", key: k.key };
}

function mapElements(list: Json): NftMapElement[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: NftMapElement[] = [];
  for (const entry of list) {
    if (!Array.isArray(entry) || entry.length !== 2) return undefined;
    const k = key(entry[0]);
    const v = verdict(entry[1]);
    if (!k || !v) return undefined;
    out.push({ key: k.key, verdict: v, ...(k.comment !== undefined ? { comment: k.comment } : {}) });
  }
  return out;
}

function statement(v: Json): NftStatement {
  const unknown: NftStatement = { kind: "unknown", text: JSON.stringify(v) };
  const decision = verdict(v);
  if (decision) return { kind: "verdict", verdict: decision };
  const one = single(v);
  if (!one) return unknown;
  const [kind, body] = one;
  switch (kind) {
    case "match": {
      if (!isObject(body)) return unknown;
      const left = selector(body.left);
      const right = operand(body.right);
      const op = body.op === "in" ? "==" : body.op;
      return left && right && (op === "==" || op === "!=") ? { kind: "match", left, op, right } : unknown;
    }
    case "vmap": {
      if (!isObject(body)) return unknown;
      const k = selector(body.key);
      if (!k) return unknown;
      if (typeof body.data === "string" && body.data.startsWith("@")) return { kind: "vmap", key: k, map: { kind: "set-ref", name: body.data.slice(1) } };
      const data = single(body.data);
      const elements = data?.[0] === "set" ? mapElements(data[1]) : undefined;
      return elements ? { kind: "vmap", key: k, map: { kind: "anonymous", elements } } : unknown;
    }
    case "reject": {
      if (body === null) return { kind: "reject" };
      if (!isObject(body)) return unknown;
      // Port unreachable is what a bare `reject` sends; nft lists it as plain `reject`.
      if ((body.type === undefined || body.type === "icmp") && (body.expr === undefined || body.expr === "port-unreachable")) return { kind: "reject" };
      return { kind: "reject", with: [body.type, body.expr].filter((p) => typeof p === "string").join(" ") };
    }
    case "mangle": {
      if (!isObject(body) || !isMark(body.key)) return unknown;
      if (typeof body.value === "number") return { kind: "mark-set", op: "set", value: body.value };
      const value = selector(body.value);
      if (value?.kind === "bitwise" && isMarkSelector(value.left)) return { kind: "mark-set", op: value.op, value: value.right };
      return unknown;
    }
    case "dnat":
      if (!isObject(body) || typeof body.addr !== "string" || (body.port !== undefined && typeof body.port !== "number")) return unknown;
      return { kind: "dnat", addr: body.addr, ...(typeof body.port === "number" ? { port: body.port } : {}) };
    case "masquerade": {
      if (body === null) return { kind: "masquerade", flags: [] };
      if (!isObject(body) || body.port !== undefined) return unknown;
      const flags = typeof body.flags === "string" ? [body.flags] : Array.isArray(body.flags) ? body.flags.filter((f): f is string => typeof f === "string") : [];
      return { kind: "masquerade", flags };
    }
    case "set": {
      if (!isObject(body) || (body.op !== "update" && body.op !== "add") || typeof body.set !== "string" || !body.set.startsWith("@")) return unknown;
      const k = selector(body.elem);
      return k ? { kind: "set-update", op: body.op, set: body.set.slice(1), key: k } : unknown;
    }
    case "counter":
      return { kind: "counter" };
    default:
      return unknown;
  }
}

const isMarkSelector = (s: NftSelector): boolean => s.kind === "meta" && s.key === "mark";
const isMark = (v: Json): boolean => {
  const s = selector(v);
  return s !== undefined && isMarkSelector(s);
};

function stringList(v: Json): string[] {
  if (typeof v === "string") return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function setOf(kind: "set" | "map", body: JsonObject): ParsedNftSet {
  const elements: NftSetElement[] = [];
  const list = Array.isArray(body.elem) ? body.elem : [];
  if (kind === "map") {
    for (const e of mapElements(list) ?? []) elements.push(e);
  } else {
    for (const e of list) {
      const k = key(e);
      if (k) elements.push(k);
    }
  }
  return { name: String(body.name), map: kind === "map", keyType: stringList(body.type), flags: stringList(body.flags), elements };
}

/**
 * The table `family name` from nft's JSON output (text or already parsed). Throws NftJsonError when
 * the output is not nft's JSON or holds no such table.
 */
export function parseNftJson(input: string | Json, table: { family: string; name: string }): ParsedNftTable {
  let doc: Json = input;
  if (typeof input === "string") {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new NftJsonError(`nft's JSON output does not parse: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!isObject(doc) || !Array.isArray(doc.nftables)) throw new NftJsonError('nft\'s JSON output has no "nftables" list');
  const ours = (o: JsonObject): boolean => o.family === table.family && o.table === table.name;
  const result: ParsedNftTable = { family: table.family, name: table.name, chains: new Map(), sets: new Map() };
  let found = false;
  const chainNamed = (name: string): ParsedNftChain => {
    let chain = result.chains.get(name);
    if (!chain) result.chains.set(name, (chain = { name, rules: [] }));
    return chain;
  };
  for (const item of doc.nftables) {
    const one = single(item);
    if (!one || !isObject(one[1])) continue;
    const [kind, body] = one;
    if (kind === "table") {
      if (body.family === table.family && body.name === table.name) found = true;
    } else if ((kind === "set" || kind === "map") && ours(body)) {
      result.sets.set(String(body.name), setOf(kind, body));
    } else if (kind === "chain" && ours(body)) {
      const chain = chainNamed(String(body.name));
      if (typeof body.hook === "string") {
        chain.base = {
          type: typeof body.type === "string" ? body.type : "filter",
          hook: body.hook,
          priority: typeof body.prio === "number" ? body.prio : 0,
          policy: body.policy === "drop" ? "drop" : "accept",
        };
      }
    } else if (kind === "rule" && ours(body)) {
      const rule: ParsedNftRule = {
        statements: Array.isArray(body.expr) ? body.expr.map(statement) : [],
        ...(typeof body.comment === "string" ? { comment: body.comment } : {}),
      };
      chainNamed(String(body.chain)).rules.push(rule);
    }
  }
  if (!found) throw new NftJsonError(`nft's output holds no table ${table.family} ${table.name}`);
  return result;
}
