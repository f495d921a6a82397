// How a trace reads: one block per branch (probability and outcome), one line per hook or base
// chain entered, with the jumps, forks and actions along it. The same for iptables and nftables
// traces, so both modes print alike.

import { isBuiltinChain, isTableName } from "../iptables/restore-parse.js";
import type { TraceBranch, TraceResult, TraceStep } from "./trace-result.js";

/** A probability as the trace prints it: four decimals. */
export function formatP(p: number): string {
  return p.toFixed(4);
}

const perServicePrefixes = ["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"];

/**
 * iptables: comments are shown where they name the service (shared chains), not on per-service
 * chains or hooks. nftables: always; its few comments say why a rule or map element exists.
 */
function showsComment(step: TraceStep): boolean {
  if (step.comment === undefined) return false;
  if (!isTableName(step.table)) return true;
  return !isBuiltinChain(step.table, step.chain) && !perServicePrefixes.some((p) => step.chain.startsWith(p));
}

function branchSummary(branch: TraceBranch): string {
  if (branch.verdict === "DROP" || branch.verdict === "REJECT") return branch.verdict;
  const where = branch.verdict === "DNAT" ? `DNAT to ${branch.dnat}` : "ACCEPT (not translated)";
  return `${where}, masqueraded: ${branch.masquerade ? "yes" : "no"}`;
}

/**
 * A readable account of a trace, one block per branch, one line per hook ("↩" = back from a chain):
 *   [1/3] p=0.3333 DNAT to 10.1.13.2:80, masqueraded: no
 *     nat PREROUTING → KUBE-SERVICES: "default/nginx-service: cluster IP" → KUBE-SVC-… (p=0.3333) → KUBE-SEP-… DNAT to 10.1.13.2:80
 *     filter FORWARD (policy ACCEPT)
 *     nat POSTROUTING → KUBE-POSTROUTING ↩ (policy ACCEPT)
 */
export function formatTrace(result: TraceResult): string {
  const out: string[] = [];
  result.branches.forEach((branch, i) => {
    out.push(`[${i + 1}/${result.branches.length}] p=${formatP(branch.probability)} ${branchSummary(branch)}`);
    let line: string | undefined;
    for (const step of branch.steps) {
      const comment = showsComment(step) ? `: "${step.comment}"` : "";
      switch (step.kind) {
        case "hook":
          if (line !== undefined) out.push(line);
          line = `  ${step.table} ${step.chain}`;
          continue;
        case "jump":
        case "goto":
          line += `${comment} ${step.kind === "goto" ? "⇒" : "→"} ${step.target}`;
          continue;
        case "fork":
          line += step.taken ? ` (p=${formatP(step.probability ?? 1)})` : ` (skip p=${formatP(1 - (step.probability ?? 0))})`;
          continue;
        case "dnat":
        case "masquerade":
        case "verdict":
          line += `${comment} ${step.did}`;
          continue;
        case "policy":
          line += ` (${step.did})`;
          continue;
        case "mark":
        case "note":
          line += ` [${step.did}]`;
          continue;
        case "return":
          line += " ↩";
          continue;
      }
    }
    if (line !== undefined) out.push(line);
  });
  return out.join("\n") + "\n";
}
