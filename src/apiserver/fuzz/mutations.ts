// Mutations of a valid object's tree: fields dropped, duplicated, given another JSON type,
// stretched to megabytes, nested 10,000 levels deep, replaced by numbers out of range or by
// strings that look like numbers, joined by keys that mean something to JavaScript. Each says
// whether every Kubernetes API server must reject the result (so the fuzzer can demand a 4xx
// even where the write would otherwise be allowed to succeed).

import { maxNestingDepth } from "../nesting-depth.js";
import type { Doc, Slot } from "./json-doc.js";
import { deepNesting, field, invalidUtf8Marker, raw, removeSlot, setField, setSlot, slotsOf, slotValue, val } from "./json-doc.js";
import { awkwardStrings, hostileNumberTexts, hugeSizes, infiniteNumberTexts, nanLikeStrings, oddStringLiterals, prototypeKeys } from "./hostile-values.js";
import type { Random } from "./random.js";

/** Deeper than any request body may nest (nesting-depth.ts): such a body is a 400 wherever it is sent. */
const rejectedDepths: readonly number[] = [maxNestingDepth + 1, 10_000, 100_000];

/**
 * Depths near the limit: accepted where inserted no more than 20 levels down, so that every
 * recursive step sees bodies about as deep as the limit lets through.
 */
const acceptedDepths: readonly number[] = [64, maxNestingDepth - 20];

export interface Mutation {
  /** What was done where, for case names: `retype spec.ports[0].port → object`. */
  name: string;
  /** Every Kubernetes API server rejects the mutated object (it does not decode as its kind). */
  rejected: boolean;
}

export interface MutateOptions {
  /** The last mutation must be one every API server refuses. */
  mustReject?: boolean;
  /**
   * Paths (`spec.ports[0].port`) not decoded into typed fields, where a value of another type is
   * left to validation, which may ignore it: a custom resource's content below metadata.
   */
  untyped?: (path: string) => boolean;
  /** The kind and apiVersion the endpoint takes; by default those of the tree before any mutation. */
  endpoint?: { kind: unknown; apiVersion: unknown };
}

type Mutator = (rng: Random, doc: Doc, slots: Slot[], o: MutateOptions) => Mutation | undefined;

function kindOf(d: Doc): "object" | "array" | "string" | "number" | "bool" | "null" | "raw" {
  if (d.t === "obj") return "object";
  if (d.t === "arr") return "array";
  if (d.t === "raw") return "raw";
  if (d.v === null) return "null";
  return typeof d.v === "string" ? "string" : typeof d.v === "number" ? "number" : "bool";
}

/**
 * Values of another JSON type that no field of the original's type decodes: strings and
 * numbers are not swapped with each other, because IntOrString and Quantity fields take both.
 */
const otherTypes: Record<string, readonly string[]> = {
  string: ["{}", "[]", "true"],
  number: ['{"a":1}', "[1]", "false"],
  bool: ['"true"', "1", "[]"],
  object: ['"{}"', "0", "[]"],
  array: ['"[]"', "7", "{}"],
};

const drop: Mutator = (rng, _doc, slots) => {
  if (!slots.length) return undefined;
  const s = rng.pick(slots);
  removeSlot(s);
  return { name: `drop ${s.path}`, rejected: false };
};

const duplicate: Mutator = (rng, _doc, slots) => {
  const keyed = slots.filter((s) => s.parent.t === "obj");
  if (!keyed.length) return undefined;
  const s = rng.pick(keyed);
  if (s.parent.t !== "obj") return undefined;
  const [k] = s.parent.entries[s.index];
  const second: Doc = rng.chance(0.5) ? slotValue(s) : raw(JSON.stringify(rng.pick(nanLikeStrings)));
  s.parent.entries.splice(s.index + 1, 0, [k, second]);
  return { name: `duplicate ${s.path}`, rejected: false };
};

/**
 * Whether the decoder ignores an object's entry: a key a mutation added (an unknown field,
 * dropped), or a key repeated later in the object (only the last value is kept).
 */
function entryIgnored(d: Extract<Doc, { t: "obj" }>, i: number): boolean {
  const key = d.entries[i][0];
  return prototypeKeys.includes(key) || key.startsWith("kkkkkkkk") || d.entries.some(([k], j) => j > i && k === key);
}

/** The containers whose content the decoder ignores (see entryIgnored), at any depth. */
function ignoredContainers(doc: Doc): Set<Doc> {
  const out = new Set<Doc>();
  const walk = (d: Doc, ignored: boolean): void => {
    if (ignored && (d.t === "obj" || d.t === "arr")) out.add(d);
    if (d.t === "obj") d.entries.forEach(([, v], i) => walk(v, ignored || entryIgnored(d, i)));
    else if (d.t === "arr") d.items.forEach((v) => walk(v, ignored));
  };
  walk(doc, false);
  return out;
}

const retype: Mutator = (rng, doc, slots, o) => {
  const typed = decodedSlots(doc, slots).filter((s) => otherTypes[kindOf(slotValue(s))]);
  if (!typed.length) return undefined;
  const s = rng.pick(typed);
  const from = kindOf(slotValue(s));
  const to = rng.pick(otherTypes[from]);
  // Raw, so that a later retype cannot pick the value again and turn it back into its own type.
  setSlot(s, raw(to));
  return { name: `retype ${s.path} ${from} → ${to}`, rejected: !o.untyped?.(s.path) };
};

const hugeString: Mutator = (rng, _doc, slots) => {
  const strings = slots.filter((s) => kindOf(slotValue(s)) === "string");
  if (!strings.length) return undefined;
  const s = rng.pick(strings);
  const n = rng.pick(hugeSizes);
  setSlot(s, raw(JSON.stringify("x".repeat(n))));
  return { name: `${n}-character string at ${s.path}`, rejected: false };
};

const hugeKey: Mutator = (rng, doc, slots) => {
  const target = objectAt(rng, doc, slots);
  const n = rng.pick(hugeSizes);
  target.entries.push(["k".repeat(n), val("v")]);
  return { name: `${n}-character key`, rejected: false };
};

const deepNest: Mutator = (rng, _doc, slots) => {
  if (!slots.length) return undefined;
  const s = rng.pick(slots);
  const rejected = rng.chance(0.8);
  const depth = rng.pick(rejected ? rejectedDepths : acceptedDepths);
  setSlot(s, deepNesting(depth, rng.chance(0.5) ? "array" : "object"));
  return { name: `${depth} levels of nesting at ${s.path}`, rejected };
};

/** Slots whose value the decoder reads (not under an ignored entry). */
function decodedSlots(doc: Doc, slots: Slot[]): Slot[] {
  const ignored = ignoredContainers(doc);
  return slots.filter((s) => !ignored.has(s.parent) && !(s.parent.t === "obj" && entryIgnored(s.parent, s.index)));
}

const hostileNumber: Mutator = (rng, doc, slots, o) => {
  const numbers = decodedSlots(doc, slots).filter((s) => kindOf(slotValue(s)) === "number");
  if (!numbers.length) return undefined;
  const s = rng.pick(numbers);
  const infinite = rng.chance(0.4);
  const text = rng.pick(infinite ? infiniteNumberTexts : hostileNumberTexts);
  setSlot(s, raw(text));
  // Every number of the fixtures is an integer field, which cannot hold ±Infinity.
  return { name: `number ${text} at ${s.path}`, rejected: infinite && !o.untyped?.(s.path) };
};

const oddString: Mutator = (rng, _doc, slots) => {
  if (!slots.length) return undefined;
  const s = rng.pick(slots);
  const choice = rng.int(4);
  const text = choice === 0 ? JSON.stringify(rng.pick(nanLikeStrings)) : choice === 1 ? JSON.stringify(rng.pick(awkwardStrings)) : choice === 2 ? rng.pick(oddStringLiterals) : `"a${invalidUtf8Marker}b"`;
  setSlot(s, raw(text));
  return { name: `odd string at ${s.path}`, rejected: false };
};

const protoKey: Mutator = (rng, doc, slots) => {
  const target = objectAt(rng, doc, slots);
  const key = rng.pick(prototypeKeys);
  const value: Doc = rng.pick([
    { t: "obj", entries: [["polluted", val(true)]] },
    { t: "obj", entries: [["prototype", { t: "obj", entries: [["polluted", val(true)] as [string, Doc]] }]] },
    val("x"),
    val(null),
  ] as Doc[]);
  target.entries.push([key, value]);
  return { name: `key ${key}`, rejected: false };
};

const emptyOrNull: Mutator = (rng, _doc, slots) => {
  if (!slots.length) return undefined;
  const s = rng.pick(slots);
  const v = slotValue(s);
  setSlot(s, raw(rng.chance(0.5) ? "null" : v.t === "arr" ? "[]" : "{}"));
  return { name: `emptied ${s.path}`, rejected: false };
};

const wrongKind: Mutator = (rng, doc, _slots, o) => {
  if (doc.t !== "obj") return undefined;
  if (rng.chance(0.5)) {
    const kind = rng.pick(["Pod", "Service", "ConfigMap", "Status", "List", "Secretx"].filter((k) => k !== o.endpoint?.kind));
    setField(doc, "kind", val(kind));
    return { name: `kind ${kind}`, rejected: true };
  }
  const apiVersion = rng.pick(["v2", "apps/v1beta1", "x/y/z", "/", "v1/", "metallb.io/v1", "networking.k8s.io/v1"].filter((v) => v !== o.endpoint?.apiVersion));
  setField(doc, "apiVersion", val(apiVersion));
  return { name: `apiVersion ${apiVersion}`, rejected: true };
};

const badTimestamp: Mutator = (rng, doc) => {
  const md = field(doc, "metadata");
  if (!md || md.t !== "obj") return undefined;
  setField(md, "creationTimestamp", val(rng.pick(["yesterday", "2026-13-45T99:99:99Z", "0", "9999999-01-01T00:00:00Z"])));
  return { name: "unparseable creationTimestamp", rejected: false };
};

function objectAt(rng: Random, doc: Doc, slots: Slot[]): Extract<Doc, { t: "obj" }> {
  const objects = slots.map(slotValue).filter((d): d is Extract<Doc, { t: "obj" }> => d.t === "obj");
  if (doc.t === "obj") objects.push(doc);
  return objects.length ? rng.pick(objects) : { t: "obj", entries: [] };
}

// What a mutation puts in is raw text, which retype and hostileNumber never pick: they change
// only values of the valid object, whose type is the field's, so that their verdict holds.

/** Mutations that may leave a valid object (applied first), then those that never do. */
const mayStayValid: readonly (readonly [Mutator, number])[] = [
  [drop, 4],
  [duplicate, 2],
  [hugeString, 1],
  [hugeKey, 1],
  [hostileNumber, 2],
  [oddString, 3],
  [protoKey, 3],
  [emptyOrNull, 2],
  [badTimestamp, 1],
];
const alwaysRejected: readonly (readonly [Mutator, number])[] = [
  [retype, 5],
  [deepNest, 2],
  [wrongKind, 2],
];

/**
 * Applies one to three mutations to `doc` in place. With `mustReject`, the last one is of a
 * kind every API server rejects. `rejected` says whether the result must be refused: it is
 * the last mutation's verdict, since an earlier one's damage may have been dropped or replaced
 * by a later one. It holds for the tree of a whole object of the endpoint's kind (or a merge
 * patch or apply configuration made of one), not for other bodies such as JSON patch lists.
 */
export function mutateDoc(rng: Random, doc: Doc, options: MutateOptions = {}): Mutation {
  const valueOf = (key: string): unknown => {
    const d = field(doc, key);
    return d?.t === "val" ? d.v : undefined;
  };
  const o = { ...options, endpoint: options.endpoint ?? { kind: valueOf("kind"), apiVersion: valueOf("apiVersion") } };
  const names: string[] = [];
  let rejected = false;
  const count = rng.between(1, 3);
  for (let i = 0; i < count; i++) {
    const pool = i === count - 1 && o.mustReject ? alwaysRejected : rng.chance(0.7) ? mayStayValid : alwaysRejected;
    const m = rng.weighted(pool)(rng, doc, slotsOf(doc), o);
    if (!m) continue;
    names.push(m.name);
    rejected = m.rejected;
  }
  if (o.mustReject && !rejected && doc.t === "obj") {
    // The last pick found nothing it could spoil for sure: name a group-version nobody serves.
    setField(doc, "apiVersion", val("x/y/z"));
    names.push("apiVersion x/y/z");
    rejected = true;
  }
  return { name: names.join(", ") || "unchanged", rejected };
}
