// JSON documents as the fuzzer edits them: a tree that, unlike a JavaScript value, can hold
// what a hostile client can send but JSON.stringify cannot produce — the same key twice, a key
// named `__proto__`, numbers beyond float range (1e400), 10,000 levels of nesting, lone
// surrogate escapes — spliced in as raw text. The trees themselves stay shallow (the depth of a
// Kubernetes object), so encoding them recursively is safe; deep nesting lives inside raw text.

import type { JsonValue } from "../../api/json.js";
import { isJsonObject } from "../../api/json.js";

export type Doc =
  | { t: "raw"; text: string }
  | { t: "obj"; entries: [string, Doc][] }
  | { t: "arr"; items: Doc[] }
  | { t: "val"; v: string | number | boolean | null };

/**
 * Where invalid UTF-8 goes: the body encoder replaces every occurrence of this character (a
 * private-use code point no fixture contains) with bytes that are not UTF-8.
 */
export const invalidUtf8Marker = "\uE000";

export function raw(text: string): Doc {
  return { t: "raw", text };
}

export function val(v: string | number | boolean | null): Doc {
  return { t: "val", v };
}

/** The tree of a JSON value. */
export function docOf(v: JsonValue | undefined): Doc {
  if (Array.isArray(v)) return { t: "arr", items: v.map(docOf) };
  if (isJsonObject(v)) {
    const entries: [string, Doc][] = [];
    for (const [k, x] of Object.entries(v)) if (x !== undefined) entries.push([k, docOf(x)]);
    return { t: "obj", entries };
  }
  return { t: "val", v: v ?? null };
}

/** A deep copy (mutations never touch the fixture they start from). */
export function copyDoc(d: Doc): Doc {
  switch (d.t) {
    case "obj":
      return { t: "obj", entries: d.entries.map(([k, x]) => [k, copyDoc(x)]) };
    case "arr":
      return { t: "arr", items: d.items.map(copyDoc) };
    default:
      return { ...d };
  }
}

/** JSON text; raw parts verbatim, keys in entry order (repeats included). */
export function encodeDoc(d: Doc): string {
  switch (d.t) {
    case "raw":
      return d.text;
    case "val":
      return JSON.stringify(d.v);
    case "arr":
      return `[${d.items.map(encodeDoc).join(",")}]`;
    case "obj":
      return `{${d.entries.map(([k, x]) => `${JSON.stringify(k)}:${encodeDoc(x)}`).join(",")}}`;
  }
}

/** A slot in the tree: the container and the position of one child. */
export interface Slot {
  parent: Extract<Doc, { t: "obj" | "arr" }>;
  index: number;
  /** `spec.ports[0].port`, for case names. */
  path: string;
}

/** Every child slot of the tree, parents before children. */
export function slotsOf(d: Doc, path = ""): Slot[] {
  const out: Slot[] = [];
  if (d.t === "obj") {
    d.entries.forEach(([k, x], index) => {
      const p = path === "" ? k : `${path}.${k}`;
      out.push({ parent: d, index, path: p }, ...slotsOf(x, p));
    });
  } else if (d.t === "arr") {
    d.items.forEach((x, index) => {
      const p = `${path}[${index}]`;
      out.push({ parent: d, index, path: p }, ...slotsOf(x, p));
    });
  }
  return out;
}

export function slotValue(s: Slot): Doc {
  return s.parent.t === "obj" ? s.parent.entries[s.index][1] : s.parent.items[s.index];
}

export function setSlot(s: Slot, v: Doc): void {
  if (s.parent.t === "obj") s.parent.entries[s.index][1] = v;
  else s.parent.items[s.index] = v;
}

export function removeSlot(s: Slot): void {
  if (s.parent.t === "obj") s.parent.entries.splice(s.index, 1);
  else s.parent.items.splice(s.index, 1);
}

/** The value of a top-level key of an object tree, if present. */
export function field(d: Doc, key: string): Doc | undefined {
  return d.t === "obj" ? d.entries.find(([k]) => k === key)?.[1] : undefined;
}

/** Sets (replacing every occurrence of) a top-level key of an object tree. */
export function setField(d: Doc, key: string, v: Doc): void {
  if (d.t !== "obj") return;
  d.entries = d.entries.filter(([k]) => k !== key);
  d.entries.push([key, v]);
}

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` levels, as raw text. */
export function deepNesting(depth: number, kind: "array" | "object"): Doc {
  if (kind === "array") return raw("[".repeat(depth) + "]".repeat(depth));
  return raw('{"a":'.repeat(depth) + "1" + "}".repeat(depth));
}
