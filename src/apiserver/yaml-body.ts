// YAML request bodies to JSON values, as kube-apiserver's YAMLToJSON does it: one document,
// duplicate keys refused, and nothing JSON cannot hold. The YAML library alone would hand back
// a Map for `!!omap`, a Set for `!!set`, a Buffer for `!!binary`, a Date for `!!timestamp` and
// NaN or Infinity for `.nan` and `.inf`, which later steps would take for objects or numbers.

import { parse } from "yaml";
import { maxNestingDepth, yamlTooDeep } from "./nesting-depth.js";

/** YAML that is well-formed but has no JSON form; the message is what follows "error converting YAML to JSON: ". */
export class YamlToJsonError extends Error {}

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
 * The JSON value of one YAML document. Throws the YAML library's YAMLParseError for malformed
 * text, and YamlToJsonError for text nested deeper than maxNestingDepth or holding a number
 * JSON cannot.
 */
export function yamlToJson(text: string): unknown {
  if (yamlTooDeep(text)) throw new YamlToJsonError(`yaml: exceeded max depth of ${maxNestingDepth}`);
  // YAML 1.1 tags (!!binary, !!omap, !!set, !!timestamp) stay unresolved: their plain values.
  const value: unknown = parse(text, { uniqueKeys: true, resolveKnownTags: false, logLevel: "error" });
  const bad = nonFiniteNumber(value);
  if (bad !== undefined) throw new YamlToJsonError(`json: unsupported value: ${String(bad).replace("Infinity", "+Inf").replace("-+Inf", "-Inf")}`);
  return value;
}
