// Reads iptables-restore input and iptables-save output into one model (tables → chains → rules
// with their matches decoded), and applies a restore onto such a model with `--noflush`
// semantics. The packet tracer walks this model, and tests use it to predict what a restore
// leaves in the kernel. Pure: text in, data out; errors carry the offending line number.

import { parseIP } from "../../allocators/ip.js";

export type TableName = "filter" | "nat" | "mangle" | "raw" | "security";

/** A source or destination match. `prefixLength` is 32 (128) when the text had no `/len`. */
export interface AddressMatch {
  address: string;
  prefixLength: number;
  negated: boolean;
}

export interface NameMatch {
  name: string;
  negated: boolean;
}

export interface PortMatch {
  from: number;
  to: number;
  negated: boolean;
}

export interface StatisticMatch {
  mode: string;
  probability?: number;
  every?: number;
  packet?: number;
  negated: boolean;
}

export interface RecentMatch {
  /** List name; iptables calls an unnamed list "DEFAULT". */
  name: string;
  command?: "set" | "rcheck" | "update" | "remove";
  seconds?: number;
  hitcount?: number;
  reap: boolean;
  side: "source" | "dest";
  mask?: string;
  negated: boolean;
}

export interface AddrTypeMatch {
  type: string;
  negated: boolean;
}

export interface MarkMatch {
  value: number;
  mask: number;
  negated: boolean;
}

export interface CtStateMatch {
  states: string[];
  negated: boolean;
}

/** Options this parser does not model, kept verbatim with the match module they belong to ("" = none). */
export interface UnknownMatch {
  module: string;
  tokens: string[];
}

export interface RuleMatches {
  source?: AddressMatch;
  destination?: AddressMatch;
  inInterface?: NameMatch;
  outInterface?: NameMatch;
  /** Lower-case as written (`tcp`, `udp`, `all`, `6`, …). */
  protocol?: NameMatch;
  dport?: PortMatch;
  sport?: PortMatch;
  comment?: string;
  statistic?: StatisticMatch;
  recent?: RecentMatch;
  srcType?: AddrTypeMatch;
  dstType?: AddrTypeMatch;
  mark?: MarkMatch;
  /** From `-m conntrack --ctstate` or `-m state --state`. */
  ctstate?: CtStateMatch;
  unknown: UnknownMatch[];
}

/** The kernel's MARK operation: mark = (mark & ~mask) ^ value. `op` says how it was written. */
export interface MarkOperation {
  op: "set-xmark" | "set-mark" | "or-mark" | "xor-mark" | "and-mark";
  value: number;
  mask: number;
}

export type Verdict = "ACCEPT" | "DROP" | "REJECT" | "RETURN" | "DNAT" | "MASQUERADE" | "MARK";

export type RuleTarget =
  | { kind: "chain"; chain: string; goto: boolean }
  | {
      kind: "verdict";
      verdict: Verdict;
      /** Target options as written after `-j NAME`. */
      args: string[];
      toDestination?: string;
      mark?: MarkOperation;
      rejectWith?: string;
      randomFully?: boolean;
    }
  | { kind: "extension"; name: string; args: string[] };

export interface ParsedRule {
  chain: string;
  /** The line as written, without a leading `[packets:bytes]` counter. */
  text: string;
  /** The rule specification after the chain name, quotes removed. */
  tokens: string[];
  matches: RuleMatches;
  /** Undefined for a rule without `-j`/`-g` (it only counts packets). */
  target?: RuleTarget;
}

export interface ParsedChain {
  /** Built-in chains only (ACCEPT or DROP). */
  policy?: string;
  rules: ParsedRule[];
}

export interface ParsedTable {
  chains: Map<string, ParsedChain>;
}

export interface ParsedRuleset {
  tables: Map<TableName, ParsedTable>;
}

export class RestoreParseError extends Error {
  readonly code = "RestoreParseError";
  readonly line: number;
  constructor(message: string, line: number) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = "RestoreParseError";
    this.line = line;
  }
}

const builtinChains: Record<TableName, readonly string[]> = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  raw: ["PREROUTING", "OUTPUT"],
  security: ["INPUT", "FORWARD", "OUTPUT"],
};

export function isTableName(name: string): name is TableName {
  return Object.hasOwn(builtinChains, name);
}

export function isBuiltinChain(table: TableName, chain: string): boolean {
  return builtinChains[table].includes(chain);
}

export function emptyRuleset(): ParsedRuleset {
  return { tables: new Map() };
}

/** The rules of one chain, or [] when the table or chain does not exist. */
export function chainRules(ruleset: ParsedRuleset, table: TableName, chain: string): readonly ParsedRule[] {
  return ruleset.tables.get(table)?.chains.get(chain)?.rules ?? [];
}

/**
 * Splits a line the way iptables-restore does: on blanks, with double- or single-quoted
 * parts kept together (`\"` and `\\` are escapes inside double quotes).
 */
export function tokenizeLine(line: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let inToken = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== undefined) {
      if (quote === '"' && c === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) {
        current += line[++i];
      } else if (c === quote) {
        quote = undefined;
      } else {
        current += c;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inToken = true;
    } else if (c === " " || c === "\t") {
      if (inToken) tokens.push(current);
      current = "";
      inToken = false;
    } else {
      current += c;
      inToken = true;
    }
  }
  if (quote !== undefined) throw new Error(`unterminated ${quote} quote`);
  if (inToken) tokens.push(current);
  return tokens;
}

// Options of the match modules we decode, with how many values each takes.
const moduleOptions: Record<string, Record<string, number>> = {
  comment: { "--comment": 1 },
  statistic: { "--mode": 1, "--probability": 1, "--every": 1, "--packet": 1 },
  recent: {
    "--name": 1, "--set": 0, "--rcheck": 0, "--update": 0, "--remove": 0, "--seconds": 1,
    "--hitcount": 1, "--reap": 0, "--mask": 1, "--rsource": 0, "--rdest": 0,
  },
  addrtype: { "--src-type": 1, "--dst-type": 1 },
  mark: { "--mark": 1 },
  conntrack: { "--ctstate": 1 },
  state: { "--state": 1 },
};
const portOptions = { "--dport": 1, "--destination-port": 1, "--sport": 1, "--source-port": 1 };
for (const proto of ["tcp", "udp", "sctp"]) moduleOptions[proto] = portOptions;

const verdicts: ReadonlySet<string> = new Set<Verdict>(["ACCEPT", "DROP", "REJECT", "RETURN", "DNAT", "MASQUERADE", "MARK"]);

// Targets that are iptables extensions, not chains, even when written without options.
const extensionTargets: ReadonlySet<string> = new Set([
  "SNAT", "REDIRECT", "LOG", "NFLOG", "ULOG", "NOTRACK", "CT", "CONNMARK", "TCPMSS", "TRACE",
  "QUEUE", "NFQUEUE", "TPROXY", "CHECKSUM", "CLASSIFY", "DSCP", "TOS", "TTL", "HL", "AUDIT", "SET",
]);

// Rule options that end a target's option list when they follow `-j NAME`.
const generalOptions: ReadonlySet<string> = new Set([
  "!", "-s", "--source", "--src", "-d", "--destination", "--dst", "-i", "--in-interface",
  "-o", "--out-interface", "-p", "--protocol", "-m", "--match", "-j", "--jump", "-g", "--goto",
]);

function parseAddress(text: string, negated: boolean): AddressMatch {
  const [address, prefix] = text.split("/", 2);
  const ip = parseIP(address);
  if (!ip) throw new Error(`not an IP address: "${text}"`);
  const bits = ip.family === "IPv4" ? 32 : 128;
  let prefixLength = bits;
  if (prefix !== undefined) prefixLength = prefix.includes(".") ? maskToPrefix(prefix) : Number(prefix);
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > bits) throw new Error(`bad prefix in "${text}"`);
  return { address, prefixLength, negated };
}

function maskToPrefix(mask: string): number {
  const ip = parseIP(mask);
  if (!ip || ip.family !== "IPv4") return NaN;
  const bits = ip.value.toString(2).padStart(32, "0");
  if (!/^1*0*$/.test(bits)) return NaN;
  const firstZero = bits.indexOf("0");
  return firstZero < 0 ? 32 : firstZero;
}

function parsePortRange(text: string, negated: boolean): PortMatch {
  const [a, b] = text.includes(":") ? text.split(":", 2) : [text, text];
  const from = a === "" ? 0 : Number(a);
  const to = b === "" ? 65535 : Number(b);
  if (![from, to].every((p) => Number.isInteger(p) && p >= 0 && p <= 65535)) throw new Error(`bad port "${text}"`);
  return { from, to, negated };
}

function parseNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new Error(`not a number: "${text}"`);
  return n;
}

/** `value[/mask]` as iptables writes marks (hex or decimal); the mask defaults to all ones. */
function parseValueMask(text: string): { value: number; mask: number; hasMask: boolean } {
  const [v, m] = text.split("/", 2);
  return { value: parseNumber(v) >>> 0, mask: m === undefined ? 0xffffffff : parseNumber(m) >>> 0, hasMask: m !== undefined };
}

function parseMarkOperation(op: MarkOperation["op"], text: string): MarkOperation {
  const { value, mask } = parseValueMask(text);
  switch (op) {
    case "set-xmark":
      return { op, value, mask };
    case "set-mark":
      return { op, value, mask: (mask | value) >>> 0 };
    case "or-mark":
      return { op, value, mask: value };
    case "xor-mark":
      return { op, value, mask: 0 };
    case "and-mark":
      return { op, value: 0, mask: ~value >>> 0 };
  }
}

/** What the kernel's MARK target leaves in the packet mark. */
export function applyMarkOperation(mark: number, op: MarkOperation): number {
  return ((mark & ~op.mask) ^ op.value) >>> 0;
}

function parseTarget(name: string, goto: boolean, args: string[]): RuleTarget {
  if (goto) return { kind: "chain", chain: name, goto: true };
  if (verdicts.has(name)) {
    const target: RuleTarget = { kind: "verdict", verdict: name as Verdict, args };
    for (let i = 0; i < args.length; i++) {
      const opt = args[i];
      const value = (): string => {
        if (i + 1 >= args.length) throw new Error(`${opt} needs a value`);
        return args[++i];
      };
      if (opt === "--to-destination") target.toDestination = value();
      else if (opt === "--reject-with") target.rejectWith = value();
      else if (opt === "--random-fully") target.randomFully = true;
      else if (["--set-xmark", "--set-mark", "--or-mark", "--xor-mark", "--and-mark"].includes(opt)) {
        target.mark = parseMarkOperation(opt.slice(2) as MarkOperation["op"], value());
      }
    }
    return target;
  }
  if (extensionTargets.has(name) || args.length > 0) return { kind: "extension", name, args };
  return { kind: "chain", chain: name, goto: false };
}

/** Decodes a rule specification (the tokens after `-A CHAIN`). Throws on what iptables would refuse. */
export function parseRuleSpec(chain: string, text: string, tokens: string[]): ParsedRule {
  const matches: RuleMatches = { unknown: [] };
  const loaded: string[] = [];
  let target: RuleTarget | undefined;
  let negate = false;
  let i = 0;
  const take = (opt: string): string => {
    if (i >= tokens.length) throw new Error(`${opt} needs a value`);
    return tokens[i++];
  };
  const unknownEntry = (module: string): UnknownMatch => {
    const last = matches.unknown[matches.unknown.length - 1];
    if (last && last.module === module) return last;
    const entry = { module, tokens: [] };
    matches.unknown.push(entry);
    return entry;
  };

  while (i < tokens.length) {
    const tok = tokens[i++];
    if (tok === "!") {
      if (negate) throw new Error(`double "!"`);
      negate = true;
      continue;
    }
    const negated = negate;
    negate = false;
    switch (tok) {
      case "-s": case "--source": case "--src":
        matches.source = parseAddress(take(tok), negated);
        break;
      case "-d": case "--destination": case "--dst":
        matches.destination = parseAddress(take(tok), negated);
        break;
      case "-i": case "--in-interface":
        matches.inInterface = { name: take(tok), negated };
        break;
      case "-o": case "--out-interface":
        matches.outInterface = { name: take(tok), negated };
        break;
      case "-p": case "--protocol":
        matches.protocol = { name: take(tok).toLowerCase(), negated };
        break;
      case "-m": case "--match": {
        const module = take(tok);
        loaded.push(module);
        if (!Object.hasOwn(moduleOptions, module)) unknownEntry(module).tokens.push("-m", module);
        break;
      }
      case "-j": case "--jump": case "-g": case "--goto": {
        const name = take(tok);
        const args: string[] = [];
        while (i < tokens.length && !generalOptions.has(tokens[i])) args.push(tokens[i++]);
        target = parseTarget(name, tok === "-g" || tok === "--goto", args);
        break;
      }
      default: {
        if (!tok.startsWith("-")) throw new Error(`unexpected "${tok}"`);
        // iptables hands an option to whichever loaded match accepts it; -p loads its own.
        const candidates = [...loaded].reverse();
        if (matches.protocol) candidates.push(matches.protocol.name);
        const module = candidates.find((m) => moduleOptions[m]?.[tok] !== undefined);
        if (module === undefined) {
          const entry = unknownEntry(loaded[loaded.length - 1] ?? "");
          if (negated) entry.tokens.push("!");
          entry.tokens.push(tok);
          while (i < tokens.length && tokens[i] !== "!" && !(tokens[i].startsWith("-") && tokens[i].length > 1)) {
            entry.tokens.push(tokens[i++]);
          }
          break;
        }
        const value = moduleOptions[module][tok] === 1 ? take(tok) : "";
        applyModuleOption(matches, module, tok, value, negated);
      }
    }
  }
  if (negate) throw new Error(`"!" at the end of the rule`);
  return { chain, text, tokens, matches, target };
}

function applyModuleOption(matches: RuleMatches, module: string, opt: string, value: string, negated: boolean): void {
  switch (module) {
    case "tcp": case "udp": case "sctp":
      if (opt === "--dport" || opt === "--destination-port") matches.dport = parsePortRange(value, negated);
      else matches.sport = parsePortRange(value, negated);
      return;
    case "comment":
      matches.comment = value;
      return;
    case "statistic": {
      const s = (matches.statistic ??= { mode: "", negated: false });
      if (negated) s.negated = true;
      if (opt === "--mode") s.mode = value;
      else if (opt === "--probability") s.probability = parseNumber(value);
      else if (opt === "--every") s.every = parseNumber(value);
      else s.packet = parseNumber(value);
      return;
    }
    case "recent": {
      const r = (matches.recent ??= { name: "DEFAULT", reap: false, side: "source", negated: false });
      if (opt === "--name") r.name = value;
      else if (opt === "--seconds") r.seconds = parseNumber(value);
      else if (opt === "--hitcount") r.hitcount = parseNumber(value);
      else if (opt === "--reap") r.reap = true;
      else if (opt === "--mask") r.mask = value;
      else if (opt === "--rsource") r.side = "source";
      else if (opt === "--rdest") r.side = "dest";
      else {
        r.command = opt.slice(2) as RecentMatch["command"];
        r.negated = negated;
      }
      return;
    }
    case "addrtype":
      if (opt === "--src-type") matches.srcType = { type: value, negated };
      else matches.dstType = { type: value, negated };
      return;
    case "mark": {
      const { value: v, mask } = parseValueMask(value);
      matches.mark = { value: v, mask, negated };
      return;
    }
    default: // conntrack --ctstate, state --state
      matches.ctstate = { states: value.split(","), negated };
  }
}

function cloneRuleset(ruleset: ParsedRuleset): ParsedRuleset {
  const tables = new Map<TableName, ParsedTable>();
  for (const [name, table] of ruleset.tables) {
    const chains = new Map<string, ParsedChain>();
    for (const [chainName, chain] of table.chains) chains.set(chainName, { ...chain, rules: [...chain.rules] });
    tables.set(name, { chains });
  }
  return { tables };
}

/** Reads iptables-restore input or iptables-save output into a fresh model. */
export function parseRestore(text: string): ParsedRuleset {
  return applyRestore(emptyRuleset(), text);
}

/**
 * Applies restore input to `current` as `iptables-restore --noflush` would, returning a new
 * model (`current` is never changed). A user chain line creates the chain or flushes it; a
 * built-in chain line only sets the policy (iptables 1.8 does not flush it); `-X` deletes an
 * empty chain; chains not mentioned keep their rules. Like the kernel, the whole input is
 * refused when a rule jumps to a chain that does not exist once its table is committed.
 */
export function applyRestore(current: ParsedRuleset, text: string): ParsedRuleset {
  const result = cloneRuleset(current);
  let table: { name: TableName; chains: Map<string, ParsedChain>; startLine: number } | undefined;
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index].trim();
    if (line === "" || line.startsWith("#")) continue;
    try {
      if (line.startsWith("*")) {
        if (table) throw new Error(`table ${table.name} was not committed`);
        const name = line.slice(1);
        if (!isTableName(name)) throw new Error(`unknown table "${name}"`);
        const chains = result.tables.get(name)?.chains ?? new Map<string, ParsedChain>();
        result.tables.set(name, { chains });
        table = { name, chains, startLine: lineNumber };
      } else if (line === "COMMIT") {
        if (!table) throw new Error("COMMIT outside a table");
        checkJumpTargets(table.name, table.chains);
        table = undefined;
      } else {
        if (!table) throw new Error("rule or chain outside a table (missing *table line?)");
        if (line.startsWith(":")) applyChainLine(table.name, table.chains, line);
        else applyCommand(table.name, table.chains, line.replace(/^\[\d+:\d+\]\s+/, ""));
      }
    } catch (err) {
      if (err instanceof RestoreParseError) throw err;
      throw new RestoreParseError((err as Error).message, lineNumber);
    }
  }
  if (table) throw new RestoreParseError(`COMMIT expected for table ${table.name} (opened on line ${table.startLine})`, lines.length);
  return result;
}

function applyChainLine(tableName: TableName, chains: Map<string, ParsedChain>, line: string): void {
  const [name, policy] = line.slice(1).split(/\s+/);
  if (!name) throw new Error("chain line without a name");
  if (isBuiltinChain(tableName, name)) {
    const chain = ensureBuiltin(chains, name);
    if (policy !== undefined && policy !== "-") chain.policy = policy;
    return;
  }
  const existing = chains.get(name);
  if (existing) existing.rules = [];
  else chains.set(name, { rules: [] });
}

function ensureBuiltin(chains: Map<string, ParsedChain>, name: string): ParsedChain {
  let chain = chains.get(name);
  if (!chain) {
    chain = { policy: "ACCEPT", rules: [] };
    chains.set(name, chain);
  }
  return chain;
}

function lookupChain(tableName: TableName, chains: Map<string, ParsedChain>, name: string | undefined): ParsedChain {
  if (name === undefined) throw new Error("missing chain name");
  if (isBuiltinChain(tableName, name)) return ensureBuiltin(chains, name);
  const chain = chains.get(name);
  if (!chain) throw new Error(`chain ${name} does not exist in table ${tableName}`);
  return chain;
}

function applyCommand(tableName: TableName, chains: Map<string, ParsedChain>, line: string): void {
  const tokens = tokenizeLine(line);
  const [command, chainName] = tokens;
  switch (command) {
    case "-A": case "--append": {
      const chain = lookupChain(tableName, chains, chainName);
      chain.rules.push(parseRuleSpec(chainName, line, tokens.slice(2)));
      return;
    }
    case "-I": case "--insert": {
      const chain = lookupChain(tableName, chains, chainName);
      const hasNumber = /^\d+$/.test(tokens[2] ?? "");
      const position = hasNumber ? Number(tokens[2]) : 1;
      if (position < 1 || position > chain.rules.length + 1) throw new Error(`index ${position} out of range for ${chainName}`);
      chain.rules.splice(position - 1, 0, parseRuleSpec(chainName, line, tokens.slice(hasNumber ? 3 : 2)));
      return;
    }
    case "-R": case "--replace": {
      const chain = lookupChain(tableName, chains, chainName);
      const position = Number(tokens[2]);
      if (!Number.isInteger(position) || position < 1 || position > chain.rules.length) throw new Error(`no rule ${tokens[2]} in ${chainName}`);
      chain.rules[position - 1] = parseRuleSpec(chainName, line, tokens.slice(3));
      return;
    }
    case "-D": case "--delete": {
      const chain = lookupChain(tableName, chains, chainName);
      let position: number;
      if (tokens.length === 3 && /^\d+$/.test(tokens[2])) position = Number(tokens[2]) - 1;
      else {
        const spec = tokens.slice(2).join("\u0000");
        position = chain.rules.findIndex((r) => r.tokens.join("\u0000") === spec);
      }
      if (position < 0 || position >= chain.rules.length) throw new Error(`no such rule in ${chainName}`);
      chain.rules.splice(position, 1);
      return;
    }
    case "-N": case "--new-chain":
      if (chainName === undefined) throw new Error("missing chain name");
      if (chains.has(chainName) || isBuiltinChain(tableName, chainName)) throw new Error(`chain ${chainName} already exists`);
      chains.set(chainName, { rules: [] });
      return;
    case "-F": case "--flush":
      if (chainName === undefined) for (const chain of chains.values()) chain.rules = [];
      else lookupChain(tableName, chains, chainName).rules = [];
      return;
    case "-X": case "--delete-chain": {
      const names = chainName === undefined ? [...chains.keys()].filter((n) => !isBuiltinChain(tableName, n)) : [chainName];
      for (const name of names) {
        if (isBuiltinChain(tableName, name)) throw new Error(`cannot delete built-in chain ${name}`);
        const chain = chains.get(name);
        if (!chain) throw new Error(`chain ${name} does not exist in table ${tableName}`);
        if (chain.rules.length > 0) throw new Error(`chain ${name} is not empty`);
        chains.delete(name);
      }
      return;
    }
    case "-P": case "--policy": {
      if (chainName === undefined || !isBuiltinChain(tableName, chainName)) throw new Error(`policy only applies to built-in chains`);
      const policy = tokens[2];
      if (policy !== "ACCEPT" && policy !== "DROP") throw new Error(`bad policy "${policy}"`);
      ensureBuiltin(chains, chainName).policy = policy;
      return;
    }
    case "-Z": case "--zero":
      return; // counters are not modelled
    default:
      throw new Error(`unsupported command "${command}"`);
  }
}

function checkJumpTargets(tableName: TableName, chains: Map<string, ParsedChain>): void {
  for (const chain of chains.values()) {
    for (const rule of chain.rules) {
      if (rule.target?.kind !== "chain") continue;
      const to = rule.target.chain;
      if (isBuiltinChain(tableName, to)) throw new Error(`rule "${rule.text}" jumps to built-in chain ${to}`);
      if (!chains.has(to)) throw new Error(`chain ${to} does not exist (referenced by "${rule.text}")`);
    }
  }
}
