// Does a command's output say what the README shows? Both are normalised (normalise-output.ts);
// a README line "…" stands for any number of lines the README leaves out, so the README's output
// is a list of segments that must appear in the run's output in order, each as consecutive
// lines; without a leading "…" the first segment starts the output, without a trailing one the
// last ends it. Lines are compared with output-bindings.ts's variables, and a segment is placed
// at the first position where it matches as a whole. Pure.

import type { Bindings } from "./output-bindings.js";
import { unifyLine } from "./output-bindings.js";
import { normaliseOutput } from "./normalise-output.js";

/** The README line that stands for omitted lines. */
export const OMISSION = "…";

/** The outcome of {@link matchOutput}. */
export type OutputMatch = { readonly ok: true; readonly bindings: Bindings } | { readonly ok: false; readonly reason: string };

/**
 * Matches the README's `expected` lines against the run's `actual` output under `bindings`;
 * on success returns the bindings extended with the values paired on the way.
 */
export function matchOutput(expected: readonly string[], actual: string, bindings: Bindings): OutputMatch {
  const want = normaliseOutput(expected);
  const got = normaliseOutput(actual);
  const segments: string[][] = [[]];
  for (const line of want) {
    if (line === OMISSION) segments.push([]);
    else segments[segments.length - 1].push(line);
  }
  const openStart = segments[0].length === 0 && segments.length > 1;
  const openEnd = segments[segments.length - 1].length === 0 && segments.length > 1;
  const parts = segments.filter((s) => s.length > 0);
  let at = 0;
  let b = bindings;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    const anchoredStart = k === 0 && !openStart;
    const anchoredEnd = k === parts.length - 1 && !openEnd;
    let placed: { end: number; bindings: Bindings } | undefined;
    for (let from = at; from + part.length <= got.length && !placed; from++) {
      if (anchoredStart && from !== 0) break;
      if (anchoredEnd && from + part.length !== got.length) continue;
      const r = matchAt(part, got, from, b);
      if (r) placed = { end: from + part.length, bindings: r };
    }
    if (!placed) return { ok: false, reason: describeMiss(part, got, at, b, anchoredStart, anchoredEnd) };
    at = placed.end;
    b = placed.bindings;
  }
  if (parts.length === 0 && !openEnd && got.length > 0) return { ok: false, reason: `the README shows no output, the command printed ${got.length} line(s)` };
  return { ok: true, bindings: b };
}

function matchAt(part: readonly string[], got: readonly string[], from: number, bindings: Bindings): Bindings | undefined {
  let b: Bindings | undefined = bindings;
  for (let i = 0; i < part.length && b; i++) b = unifyLine(part[i], got[from + i], b);
  return b;
}

/** Which README line could not be found: the longest run of the segment that does match, and where. */
function describeMiss(part: readonly string[], got: readonly string[], at: number, bindings: Bindings, anchoredStart: boolean, anchoredEnd: boolean): string {
  let best = { matched: -1, from: at };
  for (let from = at; from < Math.max(got.length, at + 1); from++) {
    let b: Bindings | undefined = bindings;
    let i = 0;
    for (; i < part.length && from + i < got.length; i++) {
      b = unifyLine(part[i], got[from + i], b as Bindings);
      if (!b) break;
    }
    if (i > best.matched) best = { matched: i, from };
    if (anchoredStart) break;
  }
  const i = Math.max(best.matched, 0);
  const wanted = part[i] ?? "(end of output)";
  const seen = got[best.from + i] ?? "(end of output)";
  if (best.matched === part.length && anchoredEnd) return `the output goes on after the README's last line: ${JSON.stringify(got[best.from + part.length] ?? "")}`;
  return `README line ${JSON.stringify(wanted)} ≠ output line ${best.from + i + 1} ${JSON.stringify(seen)}`;
}
