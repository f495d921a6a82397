// Test vocabulary shared by both tracers' behaviour tables: a trace reduced to its outcomes (where
// each branch ends, with what total probability, masqueraded or not), and the seed's three nginx
// endpoints as the usual expectation.

import type { TraceBranch } from "./trace-result.js";

/** One possible end of the connection: where it goes, with what probability, masqueraded or not. */
export interface Outcome {
  /** The DNAT destination, or the verdict when the packet was not translated. */
  to: string;
  p: number;
  masq: boolean;
}

/** The branches merged by outcome (probabilities added), in a stable order. */
export function outcomes(branches: TraceBranch[]): Outcome[] {
  const merged = new Map<string, Outcome>();
  for (const b of branches) {
    const to = b.dnat ?? b.verdict;
    const key = `${to} ${b.masquerade}`;
    const o = merged.get(key) ?? { to, p: 0, masq: b.masquerade };
    o.p += b.probability;
    merged.set(key, o);
  }
  return [...merged.values()].sort((a, b) => (a.to === b.to ? Number(a.masq) - Number(b.masq) : a.to < b.to ? -1 : 1));
}

const third = 1 / 3;

/** Each of the seed's endpoints 10.1.13.2–4:80 with p = 1/3; `masq` for all, or per endpoint. */
export const toAll = (masq: boolean | ((ip: string) => boolean)): Outcome[] =>
  ["10.1.13.2", "10.1.13.3", "10.1.13.4"].map((ip) => ({ to: `${ip}:80`, p: third, masq: typeof masq === "boolean" ? masq : masq(ip) }));

/** One outcome with certainty. */
export const only = (to: string, masq = false): Outcome[] => [{ to, p: 1, masq }];
