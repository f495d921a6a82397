// A packet trace (src/proxy/trace/) as the dashboard shows it: per branch, the chains entered in
// order, the probability of the random choice that led into each, what happened there (DNAT,
// mark, masquerade, verdict) and, for iptables, the packet counters of the jumps into it. Pure.

import type { TraceResult } from "../../proxy/trace/trace-result.js";
import type { PathBranch, PathStep } from "../api-types.js";
import type { ChainCounter } from "./chain-counters.js";
import { chainKey } from "./chain-counters.js";

export function pathBranches(trace: TraceResult, counters?: ReadonlyMap<string, ChainCounter>): PathBranch[] {
  return trace.branches.map((branch) => {
    const steps: PathStep[] = [];
    // The probability of the last random choice taken, per chain, until a jump from it uses it.
    const forkIn = new Map<string, number>();
    for (const s of branch.steps) {
      const here = `${s.table} ${s.chain}`;
      switch (s.kind) {
        case "hook":
          steps.push({ table: s.table, chain: s.chain, via: "hook", did: [] });
          continue;
        case "fork":
          if (s.taken && s.probability !== undefined) forkIn.set(here, s.probability);
          continue;
        case "jump":
        case "goto": {
          if (s.target === undefined) continue;
          const p = forkIn.get(here);
          forkIn.delete(here);
          const c = counters?.get(chainKey(s.table, s.target));
          steps.push({ table: s.table, chain: s.target, via: s.kind, ...(p !== undefined ? { ruleProbability: p } : {}), ...(c ? { packets: c.packets, bytes: c.bytes } : {}), did: [] });
          continue;
        }
        case "dnat":
        case "masquerade":
        case "mark":
        case "verdict":
        case "policy":
          steps.findLast((p) => p.table === s.table && p.chain === s.chain)?.did.push(s.did);
          continue;
        case "return":
        case "note":
          continue;
      }
    }
    return { probability: branch.probability, verdict: branch.verdict, ...(branch.dnat !== undefined ? { dnat: branch.dnat } : {}), masquerade: branch.masquerade, steps };
  });
}
