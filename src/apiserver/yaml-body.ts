// YAML request bodies to JSON values, as kube-apiserver's YAMLToJSON does it: one document,
// duplicate keys refused, and nothing JSON cannot hold. The YAML library alone would hand back
// a Map for `!!omap`, a Set for `!!set`, a Buffer for `!!binary`, a Date for `!!timestamp` and
// NaN or Infinity for `.nan` and `.inf`, which later steps would take for objects or numbers.

import { Composer, type Document, parse, visit } from "yaml";
import { maxNestingDepth, yamlTokensWithinDepth } from "./nesting-depth.js";

/** YAML that is well-formed but has no JSON form; the message is what follows "error converting YAML to JSON: ". */
export class YamlToJsonError extends Error {}

// YAML 1.1 tags (!!binary, !!omap, !!set, !!timestamp) stay unresolved: their plain values.
const parseOptions = { uniqueKeys: true, resolveKnownTags: false, logLevel: "error" } as const;

/** The first number JSON cannot hold (NaN, ±Infinity), found without recursion. */
function nonFiniteNumber(value: unknown): number | undefined {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === "number" && !Number.isFinite(v)) return v;
    if (typeof v === "object" && v !== null) stack.push(...(Array.isArray(v) ? v : Object.values(v)));
  }
  return undefined;
}

/**
 * The anchor of an alias inside its own anchored value (`a: &x {b: *x}`), or undefined. Such a
 * value contains itself: it has no JSON form, and walking it would never end.
 */
function selfContainingAnchor(doc: Document.Parsed): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (target === undefined || !path.includes(target)) return undefined;
      found = alias.source;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * The JSON value of one YAML document. Throws the YAML library's YAMLParseError for malformed
 * text, and YamlToJsonError for text nested deeper than maxNestingDepth, holding a value that
 * contains itself, or holding a number JSON cannot.
 */
export function yamlToJson(text: string): unknown {
  const tokens = yamlTokensWithinDepth(text);
  if (tokens === undefined) throw new YamlToJsonError(`yaml: exceeded max depth of ${maxNestingDepth}`);
  // The document is composed from the tree the depth check already built, as parse() would
  // compose it, so well-formed text is lexed once. Malformed text or a second document goes to
  // parse() itself, which throws the library's own error (with its line, column and excerpt).
  let doc: Document.Parsed | undefined;
  let documents = 0;
  for (const d of new Composer(parseOptions).compose(tokens, true, text.length)) {
    doc ??= d;
    if (++documents > 1) break;
  }
  const composed = doc !== undefined && documents === 1 && doc.errors.length === 0 ? doc : undefined;
  // Only an alias (`*name`) can make a value contain itself.
  const loop = composed && text.includes("*") ? selfContainingAnchor(composed) : undefined;
  if (loop !== undefined) throw new YamlToJsonError(`yaml: anchor '${loop}' value contains itself`);
  const value: unknown = composed ? composed.toJS() : parse(text, parseOptions);
  const bad = nonFiniteNumber(value);
  if (bad !== undefined) throw new YamlToJsonError(`json: unsupported value: ${String(bad).replace("Infinity", "+Inf").replace("-+Inf", "-Inf")}`);
  return value;
}
