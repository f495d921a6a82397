// Walks the first packet of a new connection through one nftables table (kube-proxy's
// `table ip kube-proxy`) the way netfilter would, and reports every way it can end, in the same
// TraceResult the iptables tracer gives: which endpoint it is DNATed to and with what probability,
// whether it is masqueraded, or where it is dropped or rejected.
//
// Model, and what it leaves out:
// - hooks: a packet from a pod or from outside passes prerouting, then input when its (translated)
//   destination is local, else forward and postrouting; a node-originated packet passes output,
//   postrouting and, when the destination is local, input. On each hook the table's base chains
//   run in priority order; accept ends one base chain (the next one still runs), drop and reject
//   end the packet. Routing is reduced to "local address or not".
// - `dnat to` and `masquerade` end their chain with accept, as in the kernel.
// - `numgen random mod N` forks the walk into N branches of probability 1/N each.
// - conntrack state is "new". Dynamic sets (`update @affinity-…`) never hold a new client: a
//   lookup in one does not match, and that is noted.
// - statements the model does not know, and selectors it cannot evaluate, count as not matching
//   and leave a note; facts the packet description leaves out (source port, interfaces) compare
//   as unequal, also with a note.

import { cidrContains, parseCIDR } from "../../allocators/cidr.js";
import { parseIP } from "../../allocators/ip.js";
import { addressType, localAddressTest } from "./node-addresses.js";
import { keyText, ruleText, selectorText, verdictText } from "./nft-rule-text.js";
import type { NftKey, NftOperand, NftSelector, NftStatement, NftVerdict, ParsedNftChain, ParsedNftRule, ParsedNftSet, ParsedNftTable } from "./nft-table-model.js";
import { branchOf, forkFlow } from "./trace-result.js";
import type { TraceFlow, TracePacket, TraceResult, TraceStep, TraceStepKind } from "./trace-result.js";

export interface NftTraceNode {
  /** The node's addresses, for `fib … type local`; 127.0.0.0/8 is always local. */
  localAddresses: readonly string[];
}

/** How deep jumps may nest before the walk assumes a loop (the kernel refuses loops, and limits depth too). */
const maxJumpDepth = 64;


type FinalVerdict = "ACCEPT" | "DROP" | "REJECT";
type ChainEnd = { flow: TraceFlow; end: "return" } | { flow: TraceFlow; end: "verdict"; verdict: FinalVerdict };
type HookEnd = { flow: TraceFlow; verdict: FinalVerdict };

/** What one rule did: nothing (no match, or no verdict), a verdict, or an end of the chain with accept/drop/reject. */
type RuleOutcome = { kind: "next" } | { kind: "verdict"; verdict: NftVerdict } | { kind: "end"; verdict: FinalVerdict };

interface Context {
  table: ParsedNftTable;
  packet: TracePacket;
  local: (ip: string) => boolean;
}


/** The base chains on `hook`, lowest priority first (listing order among equals). */
function baseChainsOn(table: ParsedNftTable, hook: string): ParsedNftChain[] {
  return [...table.chains.values()].filter((c) => c.base?.hook === hook).sort((a, b) => (a.base?.priority ?? 0) - (b.base?.priority ?? 0));
}

/** Every way the first packet of a new connection can go through `table` on `node`. */
export function traceNftPacket(table: ParsedNftTable, packet: TracePacket, node: NftTraceNode): TraceResult {
  const ctx: Context = { table, packet, local: localAddressTest(node.localAddresses) };
  const start: TraceFlow = { probability: 1, mark: 0, destination: packet.destination, port: packet.port, masquerade: false, steps: [] };
  const ends: HookEnd[] = [];
  for (const afterNat of runHooks(ctx, [packet.origin === "node" ? "output" : "prerouting"], start)) {
    if (afterNat.verdict !== "ACCEPT") {
      ends.push(afterNat);
      continue;
    }
    // Routing happens after the destination NAT, so it sees the translated address.
    const toLocal = ctx.local(afterNat.flow.destination);
    const rest = packet.origin === "node" ? ["postrouting", ...(toLocal ? ["input"] : [])] : toLocal ? ["input"] : ["forward", "postrouting"];
    ends.push(...runHooks(ctx, rest, afterNat.flow));
  }
  return { branches: ends.map(({ flow, verdict }) => branchOf(flow, verdict)) };
}

function runHooks(ctx: Context, hooks: readonly string[], flow: TraceFlow): HookEnd[] {
  return runChains(ctx, hooks.flatMap((hook) => baseChainsOn(ctx.table, hook)), flow);
}

function runChains(ctx: Context, chains: readonly ParsedNftChain[], flow: TraceFlow): HookEnd[] {
  if (chains.length === 0) return [{ flow, verdict: "ACCEPT" }];
  const [chain, ...rest] = chains;
  const out: HookEnd[] = [];
  for (const end of walkBaseChain(ctx, chain, flow)) {
    if (end.verdict === "ACCEPT") out.push(...runChains(ctx, rest, end.flow));
    else out.push(end);
  }
  return out;
}

function walkBaseChain(ctx: Context, chain: ParsedNftChain, flow: TraceFlow): HookEnd[] {
  const base = chain.base;
  const table = ctx.table.name;
  flow.steps.push({ table, chain: chain.name, rule: "", kind: "hook", did: `enter ${chain.name} (${base?.type} hook ${base?.hook} priority ${base?.priority})` });
  const policy = base?.policy === "drop" ? "DROP" : "ACCEPT";
  return walkRules(ctx, chain.name, chain.rules, 0, flow, 0).map((end) => {
    if (end.end === "verdict") return { flow: end.flow, verdict: end.verdict };
    end.flow.steps.push({ table, chain: chain.name, rule: "", kind: "policy", did: `policy ${policy.toLowerCase()}` });
    return { flow: end.flow, verdict: policy };
  });
}

function walkChain(ctx: Context, name: string, flow: TraceFlow, depth: number): ChainEnd[] {
  if (depth > maxJumpDepth) throw new Error(`jumps nest deeper than ${maxJumpDepth} at ${ctx.table.name} ${name}: a loop?`);
  return walkRules(ctx, name, ctx.table.chains.get(name)?.rules ?? [], 0, flow, depth);
}

/** The first `numgen` the rule reads, if any. */
function numgenOf(rule: ParsedNftRule): Extract<NftSelector, { kind: "numgen" }> | undefined {
  const find = (s: NftSelector): Extract<NftSelector, { kind: "numgen" }> | undefined =>
    s.kind === "numgen" ? s : s.kind === "concat" ? s.parts.map(find).find((x) => x !== undefined) : s.kind === "bitwise" ? find(s.left) : undefined;
  for (const st of rule.statements) {
    const found = st.kind === "match" ? find(st.left) : st.kind === "vmap" ? find(st.key) : undefined;
    if (found) return found;
  }
  return undefined;
}

function walkRules(ctx: Context, chain: string, rules: readonly ParsedNftRule[], from: number, flow: TraceFlow, depth: number): ChainEnd[] {
  for (let i = from; i < rules.length; i++) {
    const rule = rules[i];
    const numgen = numgenOf(rule);
    if (numgen && numgen.mode === "random" && numgen.mod > 1) {
      // One branch per value the generator can produce.
      const out: ChainEnd[] = [];
      const p = 1 / numgen.mod;
      for (let v = 0; v < numgen.mod; v++) {
        const value = numgen.offset + v;
        const branch = forkFlow(flow, flow.probability * p);
        const at = branch.steps.length;
        const outcome = evalRule(ctx, chain, rule, branch, value);
        const taken = outcome.kind !== "next";
        branch.steps.splice(at, 0, ruleStep(ctx, chain, rule, "fork", `${selectorText(numgen)} → ${value} (p=${p.toFixed(4)})`, taken ? { probability: p, taken } : { probability: 1 - p, taken }));
        out.push(...applyOutcome(ctx, chain, rules, i, branch, depth, outcome));
      }
      return out;
    }
    const outcome = evalRule(ctx, chain, rule, flow, numgen?.mode === "random" ? numgen.offset : undefined);
    if (outcome.kind !== "next") return applyOutcome(ctx, chain, rules, i, flow, depth, outcome);
  }
  return [{ flow, end: "return" }];
}

function applyOutcome(ctx: Context, chain: string, rules: readonly ParsedNftRule[], index: number, flow: TraceFlow, depth: number, outcome: RuleOutcome): ChainEnd[] {
  const next = (): ChainEnd[] => walkRules(ctx, chain, rules, index + 1, flow, depth);
  if (outcome.kind === "next") return next();
  if (outcome.kind === "end") return [{ flow, end: "verdict", verdict: outcome.verdict }];
  const v = outcome.verdict;
  switch (v.kind) {
    case "accept":
      return [{ flow, end: "verdict", verdict: "ACCEPT" }];
    case "drop":
      return [{ flow, end: "verdict", verdict: "DROP" }];
    case "return":
      return [{ flow, end: "return" }];
    case "continue":
      return next();
    case "jump":
    case "goto": {
      const out: ChainEnd[] = [];
      for (const end of walkChain(ctx, v.target, flow, depth + 1)) {
        if (end.end === "verdict" || v.kind === "goto") out.push(end);
        else {
          end.flow.steps.push({ table: ctx.table.name, chain: v.target, rule: "", kind: "return", did: `return to ${chain}` });
          out.push(...walkRules(ctx, chain, rules, index + 1, end.flow, depth));
        }
      }
      return out;
    }
  }
}

function ruleStep(ctx: Context, chain: string, rule: ParsedNftRule, kind: TraceStepKind, did: string, extra: Partial<TraceStep> = {}): TraceStep {
  return { table: ctx.table.name, chain, rule: ruleText(rule), kind, did, ...(rule.comment !== undefined ? { comment: rule.comment } : {}), ...extra };
}

/** Runs the rule's statements in order on `flow`; `numgen` is the generator's value on this branch. */
function evalRule(ctx: Context, chain: string, rule: ParsedNftRule, flow: TraceFlow, numgen: number | undefined): RuleOutcome {
  const step = (kind: TraceStepKind, did: string, extra: Partial<TraceStep> = {}): void => {
    flow.steps.push(ruleStep(ctx, chain, rule, kind, did, extra));
  };
  const verdictStep = (v: NftVerdict, did: string, comment?: string): void => {
    const extra: Partial<TraceStep> = comment !== undefined ? { comment } : {};
    if (v.kind === "jump" || v.kind === "goto") step(v.kind, did, { target: v.target, ...extra });
    else if (v.kind !== "continue") step("verdict", did, extra);
  };
  for (const s of rule.statements) {
    switch (s.kind) {
      case "match": {
        const { matched, note } = evalMatch(ctx, s, flow, numgen);
        if (note) step("note", note);
        if (!matched) return { kind: "next" };
        continue;
      }
      case "vmap": {
        const found = lookupVerdict(ctx, s, flow, numgen);
        if (found.note) step("note", found.note);
        if (!found.element) return { kind: "next" };
        const via = s.map.kind === "set-ref" ? ` (@${s.map.name}: ${keyText(found.element.key)})` : "";
        verdictStep(found.element.verdict, `${verdictText(found.element.verdict)}${via}`, found.element.comment ?? rule.comment);
        return { kind: "verdict", verdict: found.element.verdict };
      }
      case "verdict":
        verdictStep(s.verdict, verdictText(s.verdict));
        return { kind: "verdict", verdict: s.verdict };
      case "reject":
        step("verdict", s.with === undefined ? "reject" : `reject with ${s.with}`);
        return { kind: "end", verdict: "REJECT" };
      case "mark-set": {
        const ops = { set: (_: number, b: number) => b, and: (a: number, b: number) => a & b, or: (a: number, b: number) => a | b, xor: (a: number, b: number) => a ^ b };
        flow.mark = ops[s.op](flow.mark, s.value) >>> 0;
        step("mark", `mark → 0x${flow.mark.toString(16)}`);
        continue;
      }
      case "dnat":
        flow.destination = s.addr;
        if (s.port !== undefined) flow.port = s.port;
        flow.dnat = `${s.addr}:${flow.port}`;
        step("dnat", `dnat to ${flow.dnat}`);
        return { kind: "end", verdict: "ACCEPT" };
      case "masquerade":
        flow.masquerade = true;
        step("masquerade", ["masquerade", ...s.flags].join(" "));
        return { kind: "end", verdict: "ACCEPT" };
      case "set-update": {
        const value = evalSelector(ctx, s.key, flow, numgen);
        step("note", `${s.op} @${s.set}: remembers ${"atoms" in value ? value.atoms.join(" . ") : selectorText(s.key)}`);
        continue;
      }
      case "counter":
        continue;
      case "unknown":
        step("note", `cannot judge "${s.text}"; rule treated as not matching`);
        return { kind: "next" };
    }
  }
  return { kind: "next" };
}

/**
 * A selector's value for this packet: atoms; `missing` when the packet description lacks the
 * fact (compares unequal); `unknown` when the model cannot evaluate it (the rule does not match);
 * `absent` when the packet has no such header (a `tcp dport` on UDP: no match, nothing to note).
 */
type SelectorValue = { atoms: string[] } | { missing: string } | { unknown: string } | { absent: true };

function evalSelector(ctx: Context, s: NftSelector, flow: TraceFlow, numgen: number | undefined): SelectorValue {
  const { packet } = ctx;
  const protocol = packet.protocol.toLowerCase();
  const one = (atom: string): SelectorValue => ({ atoms: [atom] });
  const cannot = (): SelectorValue => ({ unknown: `cannot judge "${selectorText(s)}"` });
  switch (s.kind) {
    case "payload": {
      const field = `${s.protocol} ${s.field}`;
      if (field === "ip saddr") return one(packet.source);
      if (field === "ip daddr") return one(flow.destination);
      if (field === "ip protocol") return one(protocol);
      if (s.protocol !== "th" && s.protocol !== "ip" && s.protocol !== protocol) return { absent: true };
      if (s.field === "dport") return one(String(flow.port));
      if (s.field === "sport") return packet.sourcePort === undefined ? { missing: "packet has no source port" } : one(String(packet.sourcePort));
      return cannot();
    }
    case "meta":
      if (s.key === "l4proto" || s.key === "protocol") return one(s.key === "l4proto" ? protocol : "ip");
      if (s.key === "mark") return one(String(flow.mark));
      if (s.key === "iifname") return packet.inInterface === undefined ? { missing: "packet has no in-interface" } : one(packet.inInterface);
      if (s.key === "oifname") return packet.outInterface === undefined ? { missing: "packet has no out-interface" } : one(packet.outInterface);
      return cannot();
    case "ct":
      return s.key === "state" ? one("new") : cannot();
    case "fib":
      if (s.result !== "type" || s.flags.length !== 1 || (s.flags[0] !== "saddr" && s.flags[0] !== "daddr")) return cannot();
      return one(addressType(s.flags[0] === "saddr" ? packet.source : flow.destination, ctx.local).toLowerCase());
    case "numgen":
      return numgen === undefined ? cannot() : one(String(numgen));
    case "bitwise": {
      const left = evalSelector(ctx, s.left, flow, numgen);
      if (!("atoms" in left)) return left;
      const a = Number(left.atoms[0]);
      if (left.atoms.length !== 1 || !Number.isInteger(a)) return cannot();
      return one(String((s.op === "and" ? a & s.right : s.op === "or" ? a | s.right : a ^ s.right) >>> 0));
    }
    case "concat": {
      const atoms: string[] = [];
      for (const part of s.parts) {
        const v = evalSelector(ctx, part, flow, numgen);
        if (!("atoms" in v)) return v;
        atoms.push(...v.atoms);
      }
      return { atoms };
    }
  }
}

const protocolNames: Record<string, string> = { "6": "tcp", "17": "udp", "132": "sctp", "1": "icmp" };

/** Whether the packet's atom is the constant: equal, inside its prefix or range. */
function atomMatches(value: string, constant: string): boolean {
  if (constant.includes("/")) {
    const cidr = parseCIDR(constant);
    const ip = parseIP(value);
    return cidr !== undefined && ip !== undefined && cidrContains(cidr, ip);
  }
  const range = /^(\d+)-(\d+)$/.exec(constant);
  if (range && /^\d+$/.test(value)) return Number(value) >= Number(range[1]) && Number(value) <= Number(range[2]);
  if (range) {
    const [from, to] = [parseIP(range[1]), parseIP(range[2])];
    const ip = parseIP(value);
    return from !== undefined && to !== undefined && ip !== undefined && ip.value >= from.value && ip.value <= to.value;
  }
  if (/^\d+$/.test(constant) && /^[a-z]+$/.test(value)) return protocolNames[constant] === value;
  return value === constant;
}

function keyMatches(atoms: readonly string[], key: NftKey): boolean {
  return atoms.length === key.length && atoms.every((a, i) => atomMatches(a, key[i]));
}

/** Filled by the rules as clients connect (`update @set`, entries that time out): a new client is in none. */
function isDynamic(set: ParsedNftSet): boolean {
  return set.flags.includes("dynamic") || set.flags.includes("timeout");
}

function evalMatch(ctx: Context, s: Extract<NftStatement, { kind: "match" }>, flow: TraceFlow, numgen: number | undefined): { matched: boolean; note?: string } {
  const value = evalSelector(ctx, s.left, flow, numgen);
  const negated = s.op === "!=";
  if ("absent" in value) return { matched: false };
  if ("unknown" in value) return { matched: false, note: `${value.unknown}; rule treated as not matching` };
  if ("missing" in value) return { matched: negated, note: `${value.missing}; treated as not matching` };
  const contained = inOperand(ctx, value.atoms, s.right);
  if (contained.unknown) return { matched: false, note: `${contained.unknown}; rule treated as not matching` };
  return { matched: contained.found !== negated, ...(contained.note ? { note: contained.note } : {}) };
}

function inOperand(ctx: Context, atoms: readonly string[], right: NftOperand): { found: boolean; note?: string; unknown?: string } {
  switch (right.kind) {
    case "value":
      return { found: keyMatches(atoms, right.key) };
    case "set":
      return { found: right.elements.some((key) => keyMatches(atoms, key)) };
    case "set-ref": {
      const set = ctx.table.sets.get(right.name);
      if (!set) return { found: false, unknown: `no set @${right.name} in the table` };
      if (isDynamic(set)) return { found: false, note: `@${right.name}: a new client has no entry yet` };
      return { found: set.elements.some((e) => keyMatches(atoms, e.key)) };
    }
  }
}

function lookupVerdict(
  ctx: Context,
  s: Extract<NftStatement, { kind: "vmap" }>,
  flow: TraceFlow,
  numgen: number | undefined,
): { element?: { key: NftKey; verdict: NftVerdict; comment?: string }; note?: string } {
  const value = evalSelector(ctx, s.key, flow, numgen);
  if ("absent" in value) return {};
  if ("unknown" in value || "missing" in value) return { note: `${"unknown" in value ? value.unknown : value.missing}; rule treated as not matching` };
  let elements: readonly { key: NftKey; verdict?: NftVerdict; comment?: string }[];
  if (s.map.kind === "anonymous") elements = s.map.elements;
  else {
    const map = ctx.table.sets.get(s.map.name);
    if (!map) return { note: `no map @${s.map.name} in the table; rule treated as not matching` };
    elements = map.elements;
  }
  const element = elements.find((e) => e.verdict !== undefined && keyMatches(value.atoms, e.key));
  return element?.verdict ? { element: { key: element.key, verdict: element.verdict, ...(element.comment !== undefined ? { comment: element.comment } : {}) } } : {};
}
