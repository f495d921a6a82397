// Walks the first packet of a new connection through parsed iptables tables the way netfilter
// would, and reports every way it can end: which endpoint it is DNAT'd to and with what
// probability, whether it is masqueraded, or where it is dropped or rejected. This is how the
// generated rules are tested for behaviour rather than text ("from pod 10.1.13.5 to
// 10.0.0.252:8000 ⇒ one of these endpoints, not masqueraded").
//
// Model, and what it leaves out:
// - hooks: a node-originated packet sees nat OUTPUT, filter OUTPUT, nat POSTROUTING and, when its
//   (translated) destination is local, filter INPUT; a packet from a pod or from outside sees nat
//   PREROUTING, then filter INPUT when the destination is local, else filter FORWARD and nat
//   POSTROUTING. Routing is reduced to "local address or not".
// - `-m statistic --mode random` forks the walk; each branch carries its own probability.
// - `-m recent --rcheck/--update` never matches (a new client has no entry yet); this is noted.
// - conntrack state is NEW, plus DNAT once the destination was translated.
// - matches this model cannot judge (unknown modules, interfaces the packet does not name)
//   count as not matching and leave a note on the branch.

import { cidrContains, parseCIDR } from "../../allocators/cidr.js";
import { parseIP } from "../../allocators/ip.js";
import { jumpRuleArgs, jumpRulesInChainOrder } from "../iptables/jump-rules.js";
import type { ParsedChain, ParsedRule, ParsedRuleset, ParsedTable, PortMatch, TableName } from "../iptables/restore-parse.js";
import { applyMarkOperation, isBuiltinChain, parseRuleSpec } from "../iptables/restore-parse.js";
import type { RulesProfile } from "../service-port-name.js";
import { formatP } from "./format-trace.js";
import { addressType, localAddressTest } from "./node-addresses.js";
import { branchOf, forkFlow } from "./trace-result.js";
import type { TraceFlow, TracePacket, TraceResult, TraceStep, TraceStepKind } from "./trace-result.js";

export type { TraceBranch, TracePacket, TraceResult, TraceStep, TraceStepKind, TraceVerdict } from "./trace-result.js";
export { formatTrace } from "./format-trace.js";

export interface TraceNode {
  /** Addresses for `-m addrtype --dst-type LOCAL`; 127.0.0.0/8 and ::1 are always local. */
  localAddresses: string[];
  /**
   * Whose hook rules the built-in chains hold when the ruleset does not list any built-in
   * chain of a table (restore input never does; iptables-save output always does). Default "modern".
   */
  jumpRules?: RulesProfile;
}

/** How deep jumps may nest before the walk assumes a loop (iptables itself refuses loops). */
const maxJumpDepth = 64;


type ChainEnd = { flow: TraceFlow; end: "return" } | { flow: TraceFlow; end: "verdict"; verdict: "ACCEPT" | "DROP" | "REJECT" };
type HookEnd = { flow: TraceFlow; verdict: "ACCEPT" | "DROP" | "REJECT" };

interface Context {
  ruleset: ParsedRuleset;
  packet: TracePacket;
  local: (ip: string) => boolean;
}


/**
 * Adds kube-proxy's hook rules (jumpRulesInChainOrder) to every table that has no built-in
 * chain yet, as they stand on a node after the proxier inserted them. A hook rule whose
 * target chain is not in the table is left out: an empty chain would do nothing anyway.
 */
export function withJumpRules(ruleset: ParsedRuleset, profile: RulesProfile): ParsedRuleset {
  const tables = new Map(ruleset.tables);
  for (const [name, table] of ruleset.tables) {
    if ([...table.chains.keys()].some((chain) => isBuiltinChain(name, chain))) continue;
    const chains = new Map(table.chains);
    for (const hook of jumpRulesInChainOrder(profile)) {
      if (hook.table !== name || !chains.has(hook.target)) continue;
      const builtin: ParsedChain = chains.get(hook.chain) ?? { policy: "ACCEPT", rules: [] };
      const args = jumpRuleArgs(hook);
      const text = ["-A", hook.chain, ...args.map((a) => (a.includes(" ") ? `"${a}"` : a))].join(" ");
      chains.set(hook.chain, { ...builtin, rules: [...builtin.rules, parseRuleSpec(hook.chain, text, args)] });
    }
    tables.set(name, { chains } satisfies ParsedTable);
  }
  return { tables };
}

/** Every way the first packet of a new connection can go through `ruleset` on `node`. */
export function tracePacket(ruleset: ParsedRuleset, packet: TracePacket, node: TraceNode): TraceResult {
  const local = localAddressTest(node.localAddresses);
  const ctx: Context = { ruleset: withJumpRules(ruleset, node.jumpRules ?? "modern"), packet, local };
  const start: TraceFlow = { probability: 1, mark: 0, destination: packet.destination, port: packet.port, masquerade: false, steps: [] };

  const first: [TableName, string] = packet.origin === "node" ? ["nat", "OUTPUT"] : ["nat", "PREROUTING"];
  const ends: HookEnd[] = [];
  for (const afterNat of walkHook(ctx, first[0], first[1], start)) {
    if (afterNat.verdict !== "ACCEPT") {
      ends.push(afterNat);
      continue;
    }
    // Routing happens after the destination NAT, so it sees the translated address.
    const toLocal = local(afterNat.flow.destination);
    const rest: [TableName, string][] =
      packet.origin === "node"
        ? [["filter", "OUTPUT"], ["nat", "POSTROUTING"], ...(toLocal ? [["filter", "INPUT"] as [TableName, string]] : [])]
        : toLocal
          ? [["filter", "INPUT"]]
          : [["filter", "FORWARD"], ["nat", "POSTROUTING"]];
    ends.push(...runHooks(ctx, rest, afterNat.flow));
  }

  return { branches: ends.map(({ flow, verdict }) => branchOf(flow, verdict)) };
}

function runHooks(ctx: Context, hooks: [TableName, string][], flow: TraceFlow): HookEnd[] {
  if (hooks.length === 0) return [{ flow, verdict: "ACCEPT" }];
  const [[table, chain], ...rest] = hooks;
  const out: HookEnd[] = [];
  for (const end of walkHook(ctx, table, chain, flow)) {
    if (end.verdict === "ACCEPT") out.push(...runHooks(ctx, rest, end.flow));
    else out.push(end);
  }
  return out;
}

function walkHook(ctx: Context, table: TableName, chain: string, flow: TraceFlow): HookEnd[] {
  flow.steps.push({ table, chain, rule: "", kind: "hook", did: `enter ${table} ${chain}` });
  const builtin = ctx.ruleset.tables.get(table)?.chains.get(chain);
  const policy = builtin?.policy === "DROP" ? "DROP" : "ACCEPT";
  return walkRules(ctx, table, chain, builtin?.rules ?? [], 0, flow, 0).map((end) => {
    if (end.end === "verdict") return { flow: end.flow, verdict: end.verdict };
    end.flow.steps.push({ table, chain, rule: "", kind: "policy", did: `policy ${policy}` });
    return { flow: end.flow, verdict: policy };
  });
}

function walkChain(ctx: Context, table: TableName, chain: string, flow: TraceFlow, depth: number): ChainEnd[] {
  if (depth > maxJumpDepth) throw new Error(`jumps nest deeper than ${maxJumpDepth} at ${table} ${chain}: a loop?`);
  const rules = ctx.ruleset.tables.get(table)?.chains.get(chain)?.rules ?? [];
  return walkRules(ctx, table, chain, rules, 0, flow, depth);
}

function walkRules(ctx: Context, table: TableName, chain: string, rules: readonly ParsedRule[], from: number, flow: TraceFlow, depth: number): ChainEnd[] {
  for (let i = from; i < rules.length; i++) {
    const rule = rules[i];
    const step = (kind: TraceStepKind, did: string, extra: Partial<TraceStep> = {}): TraceStep => ({
      table, chain, rule: rule.text, kind, did, ...(rule.matches.comment !== undefined ? { comment: rule.matches.comment } : {}), ...extra,
    });
    const verdict = matchRule(ctx, rule, flow);
    for (const note of verdict.notes) flow.steps.push(step("note", note));
    if (!verdict.matched) continue;
    const p = verdict.probability;
    if (p === undefined || p >= 1) return applyTarget(ctx, table, chain, rules, i, flow, depth);
    const out: ChainEnd[] = [];
    if (p > 0) {
      const taken = forkFlow(flow, flow.probability * p);
      taken.steps.push(step("fork", `statistic matched (p=${formatP(p)})`, { probability: p, taken: true }));
      out.push(...applyTarget(ctx, table, chain, rules, i, taken, depth));
    }
    const skipped = forkFlow(flow, flow.probability * (1 - p));
    skipped.steps.push(step("fork", `statistic not matched (p=${formatP(1 - p)})`, { probability: 1 - p, taken: false }));
    out.push(...walkRules(ctx, table, chain, rules, i + 1, skipped, depth));
    return out;
  }
  return [{ flow, end: "return" }];
}

function applyTarget(ctx: Context, table: TableName, chain: string, rules: readonly ParsedRule[], index: number, flow: TraceFlow, depth: number): ChainEnd[] {
  const rule = rules[index];
  const target = rule.target;
  const step = (kind: TraceStepKind, did: string, extra: Partial<TraceStep> = {}): void => {
    flow.steps.push({ table, chain, rule: rule.text, kind, did, ...(rule.matches.comment !== undefined ? { comment: rule.matches.comment } : {}), ...extra });
  };
  const next = (): ChainEnd[] => walkRules(ctx, table, chain, rules, index + 1, flow, depth);
  if (target === undefined) return next(); // a rule without a target only counts packets

  if (target.kind === "chain") {
    if (!ctx.ruleset.tables.get(table)?.chains.has(target.chain)) {
      step("note", `jump target ${target.chain} does not exist; rule ignored`);
      return next();
    }
    step(target.goto ? "goto" : "jump", `${target.goto ? "goto" : "jump"} ${target.chain}`, { target: target.chain });
    const out: ChainEnd[] = [];
    for (const end of walkChain(ctx, table, target.chain, flow, depth + 1)) {
      if (end.end === "verdict" || target.goto) out.push(end);
      else {
        end.flow.steps.push({ table, chain: target.chain, rule: "", kind: "return", did: `return to ${chain}` });
        out.push(...walkRules(ctx, table, chain, rules, index + 1, end.flow, depth));
      }
    }
    return out;
  }

  if (target.kind === "extension") {
    if (target.name === "SNAT") {
      flow.masquerade = true;
      step("masquerade", `SNAT ${target.args.join(" ")}`);
      return [{ flow, end: "verdict", verdict: "ACCEPT" }];
    }
    step("note", `target ${target.name} is not modelled; walk continues`);
    return next();
  }

  switch (target.verdict) {
    case "ACCEPT":
    case "DROP":
    case "REJECT":
      step("verdict", target.verdict);
      return [{ flow, end: "verdict", verdict: target.verdict }];
    case "RETURN":
      step("verdict", "RETURN"); // the caller records the way back ("return")
      return [{ flow, end: "return" }];
    case "MARK": {
      if (target.mark) flow.mark = applyMarkOperation(flow.mark, target.mark);
      step("mark", `mark → 0x${flow.mark.toString(16)}`);
      return next();
    }
    case "MASQUERADE":
      flow.masquerade = true;
      step("masquerade", "MASQUERADE");
      return [{ flow, end: "verdict", verdict: "ACCEPT" }];
    case "DNAT": {
      const to = target.toDestination ?? "";
      const { ip, port } = splitHostPort(to);
      flow.destination = ip;
      if (port !== undefined) flow.port = port;
      flow.dnat = port !== undefined ? to : `${to}:${flow.port}`;
      step("dnat", `DNAT to ${flow.dnat}`);
      return [{ flow, end: "verdict", verdict: "ACCEPT" }];
    }
  }
}

/** "10.1.13.2:80", "[fd00::2]:80", or an address without a port. */
function splitHostPort(text: string): { ip: string; port?: number } {
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    const port = text.slice(close + 1).replace(/^:/, "");
    return { ip: text.slice(1, close), ...(port !== "" ? { port: Number(port) } : {}) };
  }
  const colon = text.indexOf(":");
  if (colon < 0 || text.indexOf(":", colon + 1) >= 0) return { ip: text };
  return { ip: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}

const protocolNumbers: Record<string, string> = { "6": "tcp", "17": "udp", "132": "sctp", "0": "all" };

function inRange(port: number | undefined, match: PortMatch): boolean {
  return port !== undefined && port >= match.from && port <= match.to;
}

function addressIn(text: string, address: string, prefixLength: number): boolean {
  const ip = parseIP(text);
  const cidr = parseCIDR(`${address}/${prefixLength}`);
  return ip !== undefined && cidr !== undefined && cidrContains(cidr, ip);
}

function interfaceIs(actual: string | undefined, name: string): boolean {
  if (actual === undefined) return false;
  return name.endsWith("+") ? actual.startsWith(name.slice(0, -1)) : actual === name;
}

function addressTypeIs(ctx: Context, ip: string, type: string): boolean | undefined {
  if (type !== "LOCAL" && type !== "UNICAST" && type !== "MULTICAST" && type !== "BROADCAST") return undefined;
  return addressType(ip, ctx.local) === type;
}

interface MatchVerdict {
  matched: boolean;
  /** Set when the rule matched only with this probability (`-m statistic --mode random`). */
  probability?: number;
  notes: string[];
}

function matchRule(ctx: Context, rule: ParsedRule, flow: TraceFlow): MatchVerdict {
  const m = rule.matches;
  const { packet } = ctx;
  const no: MatchVerdict = { matched: false, notes: [] };
  const is = (cond: boolean, negated: boolean): boolean => cond !== negated;

  if (m.source && !is(addressIn(packet.source, m.source.address, m.source.prefixLength), m.source.negated)) return no;
  if (m.destination && !is(addressIn(flow.destination, m.destination.address, m.destination.prefixLength), m.destination.negated)) return no;
  if (m.protocol) {
    const name = protocolNumbers[m.protocol.name] ?? m.protocol.name;
    if (!is(name === "all" || name === packet.protocol.toLowerCase(), m.protocol.negated)) return no;
  }
  if (m.dport && !is(inRange(flow.port, m.dport), m.dport.negated)) return no;
  if (m.mark && !is(((flow.mark & m.mark.mask) >>> 0) === m.mark.value, m.mark.negated)) return no;
  if (m.ctstate) {
    const states = flow.dnat !== undefined ? ["NEW", "DNAT"] : ["NEW"];
    if (!is(m.ctstate.states.some((s) => states.includes(s)), m.ctstate.negated)) return no;
  }

  const notes: string[] = [];
  for (const [match, ip] of [[m.srcType, packet.source], [m.dstType, flow.destination]] as const) {
    if (!match) continue;
    const result = addressTypeIs(ctx, ip, match.type);
    if (result === undefined) return { matched: false, notes: [`addrtype ${match.type} is not modelled; rule treated as not matching`] };
    if (!is(result, match.negated)) return no;
  }
  // Matches the packet description may not answer: without the fact, the positive form fails.
  const unknownFacts: [string, boolean | undefined, boolean][] = [];
  if (m.sport) unknownFacts.push(["source port", packet.sourcePort === undefined ? undefined : inRange(packet.sourcePort, m.sport), m.sport.negated]);
  if (m.inInterface) unknownFacts.push(["in-interface", packet.inInterface === undefined ? undefined : interfaceIs(packet.inInterface, m.inInterface.name), m.inInterface.negated]);
  if (m.outInterface) unknownFacts.push(["out-interface", packet.outInterface === undefined ? undefined : interfaceIs(packet.outInterface, m.outInterface.name), m.outInterface.negated]);
  for (const [what, value, negated] of unknownFacts) {
    if (value === undefined) notes.push(`packet has no ${what}; treated as not matching`);
    if (!is(value ?? false, negated)) return { matched: false, notes };
  }
  for (const unknown of m.unknown) {
    if (unknown.module === "nfacct") continue; // only counts packets
    return { matched: false, notes: [...notes, `cannot judge "${unknown.tokens.join(" ")}"; rule treated as not matching`] };
  }
  if (m.recent) {
    const { command, name, negated } = m.recent;
    if (command === "rcheck" || command === "update" || command === "remove") {
      notes.push(`recent --${command} ${name}: a new client has no entry yet`);
      if (!negated) return { matched: false, notes };
    } else if (command === "set") {
      notes.push(`recent --set ${name}: remembers ${packet.source}`);
    }
  }
  if (m.statistic) {
    if (m.statistic.mode !== "random" || m.statistic.probability === undefined) {
      return { matched: false, notes: [...notes, `statistic mode ${m.statistic.mode} is not modelled; rule treated as not matching`] };
    }
    const p = m.statistic.negated ? 1 - m.statistic.probability : m.statistic.probability;
    return { matched: true, probability: Math.min(1, Math.max(0, p)), notes };
  }
  return { matched: true, notes };
}

