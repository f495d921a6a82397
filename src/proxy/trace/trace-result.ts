// What a packet trace is, whichever proxy mode's rules it walked: the packet described, and every
// way the first packet of its connection can end, each as a branch with its probability, the steps
// it took (chains entered, rules that acted) and its outcome (DNAT target, masquerade, verdict).
// Data only: the iptables tracer (packet-tracer.ts) and the nftables one (nft-packet-tracer.ts)
// produce it, format-trace.ts prints it.

import type { Protocol } from "../types.js";

export interface TracePacket {
  source: string;
  destination: string;
  /** Destination port. */
  port: number;
  protocol: Protocol;
  origin: "pod" | "node" | "outside";
  /** Only needed by rules that match on it (`--sport`, `-i`, `-o`); otherwise such rules do not match. */
  sourcePort?: number;
  inInterface?: string;
  outInterface?: string;
}

/**
 * hook: the packet enters a built-in (base) chain; jump/goto: into a chain; return: back from a
 * chain (its end or a return rule); fork: a random choice split the walk; policy: fell off a
 * built-in chain.
 */
export type TraceStepKind =
  | "hook" | "jump" | "goto" | "return" | "fork" | "mark" | "dnat" | "masquerade" | "verdict" | "policy" | "note";

export interface TraceStep {
  /** The table: an iptables table name ("nat", "filter", …) or an nftables table ("kube-proxy"). */
  table: string;
  chain: string;
  /** The rule as written in the input, or "" for entering a hook or falling off a chain. */
  rule: string;
  kind: TraceStepKind;
  /** What the rule did to this branch, in words. */
  did: string;
  comment?: string;
  /** Jump/goto target chain. */
  target?: string;
  /** fork: the probability of this side of the fork (taken: p, skipped: 1 − p). */
  probability?: number;
  /** fork: whether this branch took the rule. */
  taken?: boolean;
}

export type TraceVerdict = "DNAT" | "ACCEPT" | "DROP" | "REJECT";

export interface TraceBranch {
  probability: number;
  steps: TraceStep[];
  verdict: TraceVerdict;
  /** `ip:port` the connection was translated to. */
  dnat?: string;
  masquerade: boolean;
}

export interface TraceResult {
  branches: TraceBranch[];
}

/** A walk in progress (one branch): how likely it is, the packet's mark and destination so far, the steps taken. */
export interface TraceFlow {
  probability: number;
  mark: number;
  destination: string;
  port: number;
  dnat?: string;
  masquerade: boolean;
  steps: TraceStep[];
}

/** A copy of `flow` with its own steps, for one side of a fork taken with `probability`. */
export function forkFlow(flow: TraceFlow, probability: number): TraceFlow {
  return { ...flow, probability, steps: [...flow.steps] };
}

/** The branch a finished walk is: accepted after a DNAT is reported as "DNAT" with its target. */
export function branchOf(flow: TraceFlow, verdict: "ACCEPT" | "DROP" | "REJECT"): TraceBranch {
  return {
    probability: flow.probability,
    steps: flow.steps,
    verdict: verdict === "ACCEPT" && flow.dnat !== undefined ? "DNAT" : verdict,
    ...(flow.dnat !== undefined ? { dnat: flow.dnat } : {}),
    masquerade: flow.masquerade,
  };
}
