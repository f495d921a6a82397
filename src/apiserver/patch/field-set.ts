// An immutable set of field paths and its `fieldsV1` encoding. A path in the set is a "member":
// the field (or list element) itself is owned. In fieldsV1 a member with children carries a
// `".": {}` entry; a member without children is an empty object.

import type { JsonObject, JsonValue } from "../../api/json.js";
import { isJsonObject } from "../../api/json.js";
import type { FieldPath } from "./field-path.js";
import { compareFieldPaths, comparePathElements, isPathElement } from "./field-path.js";

const keyOf = (p: FieldPath): string => JSON.stringify(p);

/** A set of field paths; every operation returns a new set. */
export class FieldSet {
  readonly #paths: ReadonlyMap<string, FieldPath>;

  constructor(paths: Iterable<FieldPath> = []) {
    const m = new Map<string, FieldPath>();
    for (const p of paths) m.set(keyOf(p), [...p]);
    this.#paths = m;
  }

  /** The empty set. */
  static readonly empty = new FieldSet();

  /**
   * Decodes a `fieldsV1` object. Unknown or malformed keys are skipped, so a damaged entry
   * yields the fields it still describes rather than an error.
   */
  static fromFieldsV1(v: JsonValue | undefined): FieldSet {
    const out: FieldPath[] = [];
    const walk = (node: JsonObject, prefix: string[]): void => {
      for (const [k, child] of Object.entries(node)) {
        if (k === ".") {
          if (prefix.length) out.push(prefix);
          continue;
        }
        if (!isPathElement(k) || !isJsonObject(child)) continue;
        const p = [...prefix, k];
        if (Object.keys(child).length === 0) out.push(p);
        else walk(child, p);
      }
    };
    if (isJsonObject(v)) walk(v, []);
    return new FieldSet(out);
  }

  get size(): number {
    return this.#paths.size;
  }

  isEmpty(): boolean {
    return this.#paths.size === 0;
  }

  has(p: FieldPath): boolean {
    return this.#paths.has(keyOf(p));
  }

  /** The paths in fieldsV1 order. */
  paths(): FieldPath[] {
    return [...this.#paths.values()].sort(compareFieldPaths);
  }

  union(o: FieldSet): FieldSet {
    return new FieldSet([...this.#paths.values(), ...o.#paths.values()]);
  }

  difference(o: FieldSet): FieldSet {
    return new FieldSet([...this.#paths.entries()].filter(([k]) => !o.#paths.has(k)).map(([, p]) => p));
  }

  intersection(o: FieldSet): FieldSet {
    return new FieldSet([...this.#paths.entries()].filter(([k]) => o.#paths.has(k)).map(([, p]) => p));
  }

  /** The set without the given paths and everything below them. */
  withoutPrefixes(prefixes: readonly FieldPath[]): FieldSet {
    if (prefixes.length === 0) return this;
    const under = (p: FieldPath, pre: FieldPath): boolean => pre.length <= p.length && pre.every((el, i) => p[i] === el);
    return new FieldSet([...this.#paths.values()].filter((p) => !prefixes.some((pre) => under(p, pre))));
  }

  equals(o: FieldSet): boolean {
    return this.size === o.size && [...this.#paths.keys()].every((k) => o.#paths.has(k));
  }

  /** The `fieldsV1` encoding, with keys in Kubernetes' order ("." first, then f:, k:, v:, i:). */
  toFieldsV1(): JsonObject {
    interface Node {
      member: boolean;
      children: Map<string, Node>;
    }
    const root: Node = { member: false, children: new Map() };
    for (const p of this.#paths.values()) {
      let n = root;
      for (const el of p) {
        let c = n.children.get(el);
        if (!c) {
          c = { member: false, children: new Map() };
          n.children.set(el, c);
        }
        n = c;
      }
      n.member = true;
    }
    const encode = (n: Node): JsonObject => {
      const o: JsonObject = {};
      if (n.member && n.children.size > 0) o["."] = {};
      for (const k of [...n.children.keys()].sort(comparePathElements)) o[k] = encode(n.children.get(k) as Node);
      return o;
    };
    return encode(root);
  }
}
