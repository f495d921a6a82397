// Request bodies from a (mutated) tree: JSON, YAML or protobuf as clients send them, and the
// ways a hostile or broken client gets them wrong — cut short, labelled with a content type
// the endpoint does not take, empty, not UTF-8, YAML with alias bombs and foreign tags,
// protobuf envelopes truncated or with lengths that lie.

import { stringify as yamlStringify } from "yaml";
import { kubectlCaptures } from "../protobuf/fixtures/kubectl-captures.js";
import type { Doc } from "./json-doc.js";
import { jsonTooDeepAt } from "../nesting-depth.js";
import { encodeDoc, invalidUtf8Marker } from "./json-doc.js";
import type { Random } from "./random.js";

export interface Body {
  /** Undefined: no Content-Type header. */
  contentType: string | undefined;
  body: Buffer;
  /** How it was made, for case names. */
  name: string;
  /** Every API server refuses it whatever the tree held (it does not decode as any object). */
  rejected: boolean;
  /** It carries the tree (so a mutation of the tree that must be refused still must); false for canned bodies. */
  carriesDoc: boolean;
}

/** Bytes that are not UTF-8: a stray continuation byte, a truncated sequence, an encoded surrogate. */
const invalidUtf8 = Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x80]);

/** Content types no endpoint takes a body in. */
const foreignContentTypes: readonly string[] = [
  "text/plain",
  "application/xml",
  "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded",
  "application/cbor",
  "image/png",
  "application",
  ";;;",
  "application/octet-stream",
];

/** UTF-8 text, with the invalid-UTF-8 marker replaced by bytes that are not UTF-8. */
export function textBytes(text: string): Buffer {
  const parts = text.split(invalidUtf8Marker);
  if (parts.length === 1) return Buffer.from(text);
  const chunks: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0) chunks.push(invalidUtf8);
    chunks.push(Buffer.from(p));
  });
  return Buffer.concat(chunks);
}

/** A proper prefix of the bytes (possibly empty); of a JSON object's text, never valid JSON. */
export function truncate(rng: Random, bytes: Buffer): Buffer {
  return bytes.subarray(0, bytes.length > 1 ? rng.int(bytes.length - 1) + 1 : 0);
}

/** The "billion laughs": each level an alias list of nine of the level before, 9^levels leaves. */
export function aliasBomb(levels: number): string {
  const lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(", ")}]`);
  return lines.join("\n");
}

/** YAML documents that stress a YAML parser rather than the object behind it. */
export function hostileYaml(rng: Random): string {
  return rng.pick([
    aliasBomb(10),
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Secret\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabs\n",
    "apiVersion: !!binary AAAA\nkind: !!js/function 'function(){}'\nmetadata: !!python/object:os.system {name: x}\n",
    "<<: {apiVersion: v1, kind: ConfigMap}\nmetadata: {name: merged}\n",
    "? [complex, key]\n: value\napiVersion: v1\n",
    "%YAML 9.9\n---\napiVersion: v1\n",
    "\uFEFFapiVersion: v1\nkind: ConfigMap\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, name: b}\n",
    "&anchor a: *anchor\n",
    `a: ${"[".repeat(5000)}`,
    `${"- ".repeat(3000)}x`,
    "apiVersion: v1\nkind: ConfigMap\ndata: {x: .nan, y: -.inf, z: 0x1F, w: 1_000, v: 2001-12-14}\n",
    "!!set {a, b}\n",
    "--- !!omap\n- a: 1\n",
  ]);
}

/**
 * YAML text of a tree: block style where the tree's JSON has a plain JavaScript value, else the
 * JSON text itself (JSON is YAML): for invalid UTF-8, and nesting too deep to stringify.
 */
export function yamlText(doc: Doc): string {
  const json = encodeDoc(doc);
  if (json.includes(invalidUtf8Marker) || jsonTooDeepAt(json, 100) >= 0) return json;
  return yamlStringify(JSON.parse(json), { aliasDuplicateObjects: false });
}

/** A protobuf body kubectl sent for this kind (as `kubectl create` does), if one was captured. */
export function capturedProtobuf(kind: string): Buffer | undefined {
  const c = kubectlCaptures.find((x) => (x.dryRun as { kind?: unknown }).kind === kind);
  return c ? Buffer.from(c.body, "base64") : undefined;
}

/** A protobuf body damaged: cut short, a byte flipped, or a length varint made enormous. */
export function damageProtobuf(rng: Random, bytes: Buffer): { body: Buffer; name: string } {
  const out = Buffer.from(bytes);
  switch (rng.int(4)) {
    case 0:
      return { body: truncate(rng, out), name: "protobuf cut short" };
    case 1: {
      const i = rng.int(out.length);
      out[i] ^= 1 << rng.int(8);
      return { body: out, name: `protobuf byte ${i} flipped` };
    }
    case 2: {
      // After the 4-byte magic, a field tag then a 10-byte varint length (2^63-ish).
      const lie = Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
      return { body: Buffer.concat([out.subarray(0, 4), lie, out.subarray(4)]), name: "protobuf length of 2^63" };
    }
    default:
      return { body: Buffer.concat([out, Buffer.from([0x0a, 0x05, 0x61])]), name: "protobuf trailing garbage" };
  }
}

/**
 * A body for a write that takes an object (create, update, a subresource, DeleteOptions): the
 * tree as JSON or YAML, or one of the ways of sending it wrong. `rejected` is set for bodies no
 * server accepts whatever the tree (cut-short JSON, foreign content types, no body where one is
 * required). With `keepRefusal`, only bodies that carry the tree or are refused anyway are made.
 */
export function objectBody(rng: Random, doc: Doc, kind: string, o: { keepRefusal?: boolean; emptyIsValid?: boolean } = {}): Body {
  const json = (): Buffer => textBytes(encodeDoc(doc));
  let recipe = rng.weighted<string>([
    ["json", 60],
    ["yaml", 12],
    ["truncated", 8],
    ["foreign", 7],
    ["protobuf", 5],
    ["hostile-yaml", 3],
    ["empty", 2],
    ["no-content-type", 3],
  ]);
  // Canned bodies would drop a mutation that makes the tree one to refuse.
  if (o.keepRefusal && (recipe === "protobuf" || recipe === "hostile-yaml" || (recipe === "empty" && o.emptyIsValid))) recipe = "json";
  switch (recipe) {
    case "yaml":
      return { contentType: "application/yaml", body: textBytes(yamlText(doc)), name: "YAML", rejected: false, carriesDoc: true };
    case "truncated":
      return { contentType: "application/json", body: truncate(rng, json()), name: "JSON cut short", rejected: true, carriesDoc: false };
    case "foreign": {
      const ct = rng.pick(foreignContentTypes);
      return { contentType: ct, body: json(), name: `JSON labelled ${ct}`, rejected: true, carriesDoc: true };
    }
    case "protobuf": {
      const captured = capturedProtobuf(kind);
      if (!captured) return { contentType: "application/vnd.kubernetes.protobuf", body: json(), name: "JSON labelled protobuf", rejected: true, carriesDoc: true };
      const damaged = rng.chance(0.8) ? damageProtobuf(rng, captured) : { body: captured, name: "captured protobuf" };
      return { contentType: "application/vnd.kubernetes.protobuf", body: damaged.body, name: damaged.name, rejected: false, carriesDoc: false };
    }
    case "hostile-yaml":
      return { contentType: "application/yaml", body: Buffer.from(hostileYaml(rng)), name: "hostile YAML", rejected: false, carriesDoc: false };
    case "empty":
      // No body at all is fine where the body is optional (DELETE).
      return { contentType: "application/json", body: Buffer.alloc(0), name: "empty body", rejected: !o.emptyIsValid, carriesDoc: false };
    case "no-content-type":
      return { contentType: undefined, body: json(), name: "JSON without Content-Type", rejected: false, carriesDoc: true };
    default:
      return { contentType: "application/json", body: json(), name: "JSON", rejected: false, carriesDoc: true };
  }
}

/** A PATCH body of the given patch type (its content type), or of a type that is not one. */
export function patchBody(rng: Random, doc: Doc, patchType: string, o: { keepRefusal?: boolean } = {}): Body {
  let recipe = rng.weighted<string>([
    ["as-is", 80],
    ["truncated", 8],
    ["foreign", 8],
    ["empty", 4],
  ]);
  const apply = patchType === "application/apply-patch+yaml";
  // A cut-short or empty apply may still be YAML, and would drop a mutation that makes the tree one to refuse.
  if (o.keepRefusal && apply && (recipe === "truncated" || recipe === "empty")) recipe = "as-is";
  const text = apply && rng.chance(0.5) ? yamlText(doc) : encodeDoc(doc);
  switch (recipe) {
    case "truncated":
      // A YAML apply cut short may still be YAML.
      return { contentType: patchType, body: truncate(rng, textBytes(text)), name: "cut short", rejected: !apply, carriesDoc: false };
    case "foreign": {
      const ct = rng.pick([...foreignContentTypes, "application/json", "application/yaml"]);
      return { contentType: ct, body: textBytes(text), name: `labelled ${ct}`, rejected: true, carriesDoc: true };
    }
    case "empty":
      return { contentType: patchType, body: Buffer.alloc(0), name: "empty", rejected: !apply, carriesDoc: false };
    default:
      return { contentType: patchType, body: textBytes(text), name: "as is", rejected: false, carriesDoc: true };
  }
}
