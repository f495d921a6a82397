// How deeply a request body may nest arrays and objects, checked before anything recursive
// touches it. Much of the pipeline walks bodies recursively (duplicate-key scan, type checks,
// patches, deep copies), and so does the YAML parser; 10,000 levels of `[` overflow the stack,
// and near the stack's end V8 may abort the whole process (a regular expression compiled
// there fails as "out of memory") rather than throw. Kubernetes' decoders stop at 10,000
// levels; the YAML parser overflows near 1,800 and no Kubernetes object comes near 100, so
// svcnet stops at 500, well inside what every recursive step can take.

import { type CST, Parser } from "yaml";

/** The deepest nesting of arrays and objects a request body may have. */
export const maxNestingDepth = 500;

/**
 * Where JSON text first nests deeper than `max`: the offset of the bracket that does, or -1.
 * Brackets inside strings do not count; the text need not be valid JSON (that is checked later).
 */
export function jsonTooDeepAt(text: string, max = maxNestingDepth): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return -1;
}

/** Go's encoding/json words it so: `invalid character '[' exceeded max depth`. */
export function jsonTooDeepMessage(text: string, at: number): string {
  return `invalid character '${text[at]}' exceeded max depth`;
}

class TooDeep extends Error {}

/** A YAML parser (the concrete syntax tree only, built without recursion) that stops once its stack is too deep. */
class DepthLimitedParser extends Parser {
  readonly #max: number;

  constructor(max: number) {
    super();
    this.#max = max;
  }

  override *next(source: string): ReturnType<Parser["next"]> {
    yield* super.next(source);
    // The stack holds the document and one entry per open collection (a flow mapping waiting
    // for its value may count one more: that errs on the safe side).
    if (this.stack.length > this.#max + 1) throw new TooDeep();
  }
}

/**
 * The syntax tree of YAML text, or undefined when it nests collections (block or flow) deeper
 * than `max`; parsing stops at the first collection too deep. Malformed YAML still has a tree:
 * its errors are for the composer to report.
 */
export function yamlTokensWithinDepth(text: string, max = maxNestingDepth): CST.Token[] | undefined {
  try {
    return Array.from(new DepthLimitedParser(max).parse(text));
  } catch (e) {
    if (e instanceof TooDeep) return undefined;
    throw e;
  }
}

/** Whether a decoded value nests deeper than `max` (walked without recursion). */
export function valueTooDeep(value: unknown, max = maxNestingDepth): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== "object" || v === null) continue;
    if (depth + 1 > max) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, depth + 1]);
  }
  return false;
}
