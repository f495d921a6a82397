// nft's language, the part kube-proxy's rules are written in, read into the tracer's model: rule
// bodies (`ip daddr . meta l4proto . th dport vmap @service-ips`), constants, element lists and
// verdicts, over a small tokenizer. A statement it does not know takes the rest of the rule as an
// "unknown" statement (the tracer then treats the rule as not matching and says so).
// Assumes the spacing nft and our generator use: `.`, `:` and operators stand apart.

import type { NftAtom, NftKey, NftMapElement, NftOperand, NftSelector, NftSetElement, NftStatement, NftVerdict, ParsedNftRule } from "./nft-table-model.js";

export interface NftToken {
  text: string;
  /** Was a "quoted string" (text holds it without the quotes). */
  quoted: boolean;
}

/** Splits on blanks; `{ } , ;` are tokens of their own; "…" is one token. */
export function tokenize(text: string): NftToken[] {
  const tokens: NftToken[] = [];
  let word = "";
  const flush = (): void => {
    if (word !== "") tokens.push({ text: word, quoted: false });
    word = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      flush();
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      tokens.push({ text: text.slice(i + 1, end).replace(/\\(.)/g, "$1"), quoted: true });
      i = end;
    } else if (/\s/.test(ch)) {
      flush();
    } else if ("{},;".includes(ch)) {
      flush();
      tokens.push({ text: ch, quoted: false });
    } else {
      word += ch;
    }
  }
  flush();
  return tokens;
}

/** A read position in a token list. */
export class TokenCursor {
  readonly tokens: readonly NftToken[];
  pos = 0;

  constructor(tokens: readonly NftToken[]) {
    this.tokens = tokens;
  }

  peek(ahead = 0): string | undefined {
    const t = this.tokens[this.pos + ahead];
    return t === undefined || t.quoted ? (t === undefined ? undefined : `"${t.text}"`) : t.text;
  }

  next(): string {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw new Error("unexpected end of rule");
    return t.text;
  }

  nextQuoted(): string | undefined {
    const t = this.tokens[this.pos];
    if (!t?.quoted) return undefined;
    this.pos++;
    return t.text;
  }

  expect(text: string): void {
    const got = this.next();
    if (got !== text) throw new Error(`expected "${text}", got "${got}"`);
  }

  get atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** The tokens from `from` to the current position, as text. */
  textFrom(from: number, to = this.pos): string {
    return this.tokens.slice(from, to).map((t) => (t.quoted ? JSON.stringify(t.text) : t.text)).join(" ");
  }
}

/** Numbers in decimal ("0x4000" → "16384"); everything else as written. */
export function atomOf(text: string): NftAtom {
  return /^(0x[0-9a-f]+|\d+)$/i.test(text) ? String(Number(text)) : text;
}

function numberOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`"${text}" is not a number`);
  return n;
}

export function parseVerdict(c: TokenCursor): NftVerdict {
  const word = c.next();
  if (word === "accept" || word === "drop" || word === "return" || word === "continue") return { kind: word };
  if (word === "jump" || word === "goto") return { kind: word, target: c.next() };
  throw new Error(`"${word}" is not a verdict`);
}

/** `a . b . c` */
export function parseKey(c: TokenCursor): NftKey {
  const atoms = [atomOf(c.next())];
  while (c.peek() === ".") {
    c.next();
    atoms.push(atomOf(c.next()));
  }
  return atoms;
}

/** `{ key [comment "…"] [timeout 10s] [expires 5s] [: verdict], … }`; the cursor stands on "{". */
export function parseElements(c: TokenCursor): NftSetElement[] {
  c.expect("{");
  const out: NftSetElement[] = [];
  while (c.peek() !== "}") {
    const element: { key: NftKey; verdict?: NftVerdict; comment?: string } = { key: parseKey(c) };
    for (;;) {
      const word = c.peek();
      if (word === "comment") {
        c.next();
        element.comment = c.nextQuoted() ?? c.next();
      } else if (word === "timeout" || word === "expires") {
        c.next();
        c.next();
      } else break;
    }
    if (c.peek() === ":") {
      c.next();
      element.verdict = parseVerdict(c);
    }
    out.push(element);
    if (c.peek() === ",") c.next();
  }
  c.expect("}");
  return out;
}

const payloadProtocols = new Set(["ip", "th", "tcp", "udp", "sctp"]);
const bitwiseWords: Record<string, "and" | "or" | "xor"> = { and: "and", "&": "and", or: "or", "|": "or", xor: "xor", "^": "xor" };

function parsePrimary(c: TokenCursor): NftSelector | undefined {
  const word = c.peek();
  if (word === undefined) return undefined;
  let s: NftSelector;
  if (payloadProtocols.has(word) && c.peek(1) !== undefined && c.peek(1) !== "to") {
    c.next();
    s = { kind: "payload", protocol: word, field: c.next() };
  } else if (word === "meta") {
    c.next();
    s = { kind: "meta", key: c.next() };
  } else if (word === "mark") {
    c.next();
    s = { kind: "meta", key: "mark" };
  } else if (word === "ct") {
    c.next();
    s = { kind: "ct", key: c.next() };
  } else if (word === "fib") {
    c.next();
    const flags = [c.next()];
    while (c.peek() === ".") {
      c.next();
      flags.push(c.next());
    }
    s = { kind: "fib", flags, result: c.next() };
  } else if (word === "numgen") {
    c.next();
    const mode = c.next();
    c.expect("mod");
    const mod = numberOf(c.next());
    let offset = 0;
    if (c.peek() === "offset") {
      c.next();
      offset = numberOf(c.next());
    }
    s = { kind: "numgen", mode, mod, offset };
  } else {
    return undefined;
  }
  const op = bitwiseWords[c.peek() ?? ""];
  if (op !== undefined) {
    c.next();
    s = { kind: "bitwise", op, left: s, right: numberOf(c.next()) };
  }
  return s;
}

/** A selector, concatenations included, or undefined (cursor unmoved) when none starts here. */
export function parseSelector(c: TokenCursor): NftSelector | undefined {
  const first = parsePrimary(c);
  if (!first) return undefined;
  const parts = [first];
  while (c.peek() === ".") {
    c.next();
    const part = parsePrimary(c);
    if (!part) throw new Error("a concatenation part is not a selector");
    parts.push(part);
  }
  return parts.length === 1 ? first : { kind: "concat", parts };
}

function parseOperand(c: TokenCursor): NftOperand {
  const word = c.peek();
  if (word?.startsWith("@")) return { kind: "set-ref", name: c.next().slice(1) };
  if (word === "{") {
    const elements = parseElements(c).map((e) => e.key);
    // nft stores a one-element anonymous set as a plain comparison, and lists it so.
    return elements.length === 1 ? { kind: "value", key: elements[0] } : { kind: "set", elements };
  }
  return { kind: "value", key: parseKey(c) };
}

const isMark = (s: NftSelector): boolean => s.kind === "meta" && s.key === "mark";

function parseReject(c: TokenCursor): NftStatement {
  c.expect("reject");
  if (c.peek() !== "with") return { kind: "reject" };
  c.next();
  const words = [c.next()];
  if (c.peek() === "type") c.next();
  if (!c.atEnd && c.peek() !== "comment") words.push(c.next());
  const text = words.join(" ");
  return text === "icmp port-unreachable" ? { kind: "reject" } : { kind: "reject", with: text };
}

function parseStatement(c: TokenCursor): NftStatement {
  const word = c.peek();
  switch (word) {
    case "accept":
    case "drop":
    case "return":
    case "continue":
    case "jump":
    case "goto":
      return { kind: "verdict", verdict: parseVerdict(c) };
    case "reject":
      return parseReject(c);
    case "dnat": {
      c.next();
      if (c.peek() === "ip") c.next();
      c.expect("to");
      const target = c.next();
      const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d+))?$/.exec(target);
      if (!m) throw new Error(`dnat target "${target}" is not IP[:PORT]`);
      return { kind: "dnat", addr: m[1], ...(m[2] !== undefined ? { port: Number(m[2]) } : {}) };
    }
    case "masquerade": {
      c.next();
      const flags: string[] = [];
      while (c.peek() === "random" || c.peek() === "fully-random" || c.peek() === "persistent" || (c.peek() === "," && flags.length > 0)) {
        const w = c.next();
        if (w !== ",") flags.push(w);
      }
      return { kind: "masquerade", flags };
    }
    case "counter":
      c.next();
      if (c.peek() === "packets") for (let i = 0; i < 4; i++) c.next();
      return { kind: "counter" };
    case "update":
    case "add":
      if (c.peek(1)?.startsWith("@")) {
        c.next();
        const set = c.next().slice(1);
        c.expect("{");
        const key = parseSelector(c);
        if (!key) throw new Error("set update without a key");
        c.expect("}");
        return { kind: "set-update", op: word, set, key };
      }
  }
  const left = parseSelector(c);
  if (!left) throw new Error(`"${word}" starts no statement this parser knows`);
  if (c.peek() === "set" && isMark(left)) {
    c.next();
    const value = parseSelector(c);
    if (value === undefined) return { kind: "mark-set", op: "set", value: numberOf(c.next()) };
    if (value.kind === "bitwise" && isMark(value.left)) return { kind: "mark-set", op: value.op, value: value.right };
    throw new Error("mark set takes a number or mark OP number");
  }
  if (c.peek() === "vmap") {
    c.next();
    if (c.peek()?.startsWith("@")) return { kind: "vmap", key: left, map: { kind: "set-ref", name: c.next().slice(1) } };
    const elements = parseElements(c).map((e): NftMapElement => {
      if (!e.verdict) throw new Error("a vmap element has no verdict");
      return { key: e.key, verdict: e.verdict, ...(e.comment !== undefined ? { comment: e.comment } : {}) };
    });
    return { kind: "vmap", key: left, map: { kind: "anonymous", elements } };
  }
  let op: "==" | "!=" = "==";
  if (c.peek() === "!=" || c.peek() === "==") op = c.next() as "==" | "!=";
  return { kind: "match", left, op, right: parseOperand(c) };
}

/** A rule body as written after `add rule FAMILY TABLE CHAIN`. */
export function parseRuleBody(c: TokenCursor): ParsedNftRule {
  const statements: NftStatement[] = [];
  let comment: string | undefined;
  // A trailing `comment "…"` belongs to the rule, not to a statement.
  const last = c.tokens.length;
  const end = last >= 2 && c.tokens[last - 2].text === "comment" && !c.tokens[last - 2].quoted && c.tokens[last - 1].quoted ? last - 2 : last;
  if (end < last) comment = c.tokens[last - 1].text;
  while (c.pos < end) {
    const from = c.pos;
    try {
      statements.push(parseStatement(c));
      if (c.pos > end) throw new Error("statement runs into the comment");
    } catch {
      statements.push({ kind: "unknown", text: c.textFrom(from, end) });
      c.pos = end;
    }
  }
  c.pos = last;
  return { statements, ...(comment !== undefined ? { comment } : {}) };
}

/** A rule body from text: `ip saddr 10.1.13.2 jump mark-for-masquerade`. */
export function parseRuleText(text: string): ParsedNftRule {
  return parseRuleBody(new TokenCursor(tokenize(text)));
}
