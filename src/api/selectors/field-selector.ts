// Field selectors (`metadata.name=x,status.phase!=Failed`): parsing, and matching against the
// field labels a resource exposes. Unknown field labels are refused, as Kubernetes does.

import { SelectorParseError } from "./label-selector.js";

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

export type FieldSelector = readonly FieldRequirement[];

/** Splits on unescaped commas; values may escape `\,` `\=` `\\` as Kubernetes' fields package allows. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, "$1");
}

export function parseFieldSelector(input: string): FieldSelector {
  if (input.trim() === "") return [];
  return splitTerms(input).map((term) => {
    const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(term.trim());
    if (!m) throw new SelectorParseError(`invalid selector: '${input}'; can't understand '${term}'`);
    return { field: m[1], op: m[2] === "!=" ? "!=" : "=", value: unescape(m[3]) };
  });
}

/** Checks every requirement names a supported field; returns the first unsupported one. */
export function unsupportedField(sel: FieldSelector, supported: readonly string[]): string | undefined {
  for (const r of sel) {
    if (r.field !== "metadata.name" && r.field !== "metadata.namespace" && !supported.includes(r.field)) return r.field;
  }
  return undefined;
}

export function matchesFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  for (const r of sel) {
    const v = fields[r.field] ?? "";
    if (r.op === "=" ? v !== r.value : v === r.value) return false;
  }
  return true;
}

/** The value a field selector sees for a field of an object (`status.podIPs` matches any IP). */
export function fieldValue(obj: Record<string, unknown>, field: string): string {
  let cur: unknown = obj;
  for (const part of field.split(".")) {
    if (typeof cur !== "object" || cur === null) return "";
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return "";
  if (typeof cur === "object") return JSON.stringify(cur);
  return String(cur);
}
