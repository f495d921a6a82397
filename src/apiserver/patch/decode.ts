// Decoding patch bodies, with failures described in the words of Go's decoders (the text
// kubectl users see after "Error from server (BadRequest):").

import { YAMLParseError } from "yaml";

import type { JsonValue } from "../../api/json.js";
import { jsonTooDeepAt, jsonTooDeepMessage } from "../nesting-depth.js";
import { yamlToJson, YamlToJsonError } from "../yaml-body.js";

/** A decoded body, or the reason it did not decode. */
export type Decoded = { ok: true; value: JsonValue } | { ok: false; error: string };

/** The body as UTF-8 text. */
export function bodyText(body: string | Buffer): string {
  return typeof body === "string" ? body : body.toString("utf8");
}

/** Go's rendering of the first bad character, from a JavaScript JSON.parse error. */
function goJsonError(text: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/end of JSON input|Unterminated string/i.test(msg) || text.trim() === "") return "unexpected end of JSON input";
  const at = /position (\d+)/.exec(msg);
  const tok = /Unexpected token '(.)'/.exec(msg);
  const ch = at ? text[Number(at[1])] : tok?.[1];
  if (ch === undefined) return "unexpected end of JSON input";
  return `invalid character ${JSON.stringify(ch).replace(/^"|"$/g, "'")} looking for beginning of value`;
}

/** Parses JSON text; text nested too deeply (nesting-depth.ts) does not decode. */
export function decodeJson(text: string): Decoded {
  const deep = jsonTooDeepAt(text);
  if (deep >= 0) return { ok: false, error: jsonTooDeepMessage(text, deep) };
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (e) {
    return { ok: false, error: goJsonError(text, e) };
  }
}

/** Parses YAML (or JSON, which is YAML) text holding one document (yaml-body.ts); an empty body is `{}`. */
export function decodeYaml(text: string): Decoded {
  try {
    const v = yamlToJson(text) as JsonValue | undefined | null;
    return { ok: true, value: v ?? {} };
  } catch (e) {
    if (e instanceof YamlToJsonError) return { ok: false, error: `error converting YAML to JSON: ${e.message}` };
    if (e instanceof YAMLParseError) {
      const line = e.linePos?.[0]?.line ?? 1;
      const what = e.message.split(" at line ")[0];
      return { ok: false, error: `error converting YAML to JSON: yaml: line ${line}: ${what}` };
    }
    return { ok: false, error: `error converting YAML to JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Go's name for the JSON type of `v`, as in "cannot unmarshal array into …". */
export function goKindOf(v: JsonValue): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "object") return "object";
  return typeof v;
}
