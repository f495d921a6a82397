// JSON patch (RFC 6902): add, remove, replace, move, copy and test, applied in order to a copy
// of the document. Failure messages follow the json-patch library the Kubernetes API server uses,
// so `kubectl patch --type=json` users see the familiar text.

import { ApiError } from "../../api/errors.js";
import type { JsonObject, JsonValue } from "../../api/json.js";
import { deepCopy, isJsonObject, jsonEqual, setOwn } from "../../api/json.js";
import { goKindOf } from "./decode.js";
import { arrayIndex, parsePointer } from "./json-pointer.js";
import { decodeError, patchRejected } from "./patch-errors.js";

/** The most operations one patch may hold, as in Kubernetes. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

type Parent = JsonObject | JsonValue[];

/** Where a pointer lands: the container holding it and the last token. The root has no parent. */
interface Location {
  parent: Parent | undefined;
  token: string;
}

class OpFailure extends Error {}

/**
 * Applies the operations to a copy of `doc` and returns it. `ops` is the decoded patch body.
 * A body that is not a list of operation objects → 400 BadRequest (`error decoding patch: …`);
 * an operation that cannot apply (missing path, index out of bounds, failed `test`, unknown op)
 * → 422 Invalid, "the server rejected our request due to an error in our request", with the
 * reason as its cause.
 */
export function applyJsonPatch(doc: JsonValue, ops: unknown): JsonValue {
  const list = decodeOps(ops);
  const holder: { root: JsonValue } = { root: deepCopy(doc) };
  for (const op of list) {
    try {
      applyOne(holder, op);
    } catch (e) {
      if (e instanceof OpFailure) throw patchRejected(e.message);
      throw e;
    }
  }
  return holder.root;
}

function decodeOps(ops: unknown): JsonObject[] {
  if (!Array.isArray(ops)) {
    throw decodeError(`json: cannot unmarshal ${goKindOf(ops as JsonValue)} into Go value of type []handlers.jsonPatchOp`);
  }
  for (const op of ops) {
    if (!isJsonObject(op)) throw decodeError(`json: cannot unmarshal ${goKindOf(op as JsonValue)} into Go value of type handlers.jsonPatchOp`);
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooMany(ops.length);
  }
  return ops as JsonObject[];
}

function tooMany(n: number): ApiError {
  return new ApiError(413, "RequestEntityTooLarge", `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${n}`);
}

function applyOne(holder: { root: JsonValue }, op: JsonObject): void {
  const kind = typeof op.op === "string" ? op.op : "unknown";
  switch (kind) {
    case "add":
      return add(holder, pathOf(op, "add"), valueOf(op, "add"));
    case "remove":
      return remove(holder, pathOf(op, "remove"));
    case "replace":
      return replace(holder, pathOf(op, "replace"), valueOf(op, "replace"));
    case "move":
      return move(holder, op);
    case "copy":
      return copy(holder, op);
    case "test":
      return test(holder, pathOf(op, "test"), valueOf(op, "test"));
    default:
      throw new OpFailure(`Unexpected kind: ${kind}`);
  }
}

function pathOf(op: JsonObject, kind: string, field = "path"): string {
  const p = op[field];
  if (typeof p !== "string") throw new OpFailure(`${kind} operation failed to decode ${field}: missing value`);
  return p;
}

function valueOf(op: JsonObject, kind: string): JsonValue {
  const v = op.value;
  if (v === undefined) throw new OpFailure(`${kind} operation, missing value field: missing value`);
  return v;
}

/** Resolves every token but the last; undefined when an intermediate value is missing. */
function locate(root: JsonValue, pointer: string): Location | undefined {
  const tokens = parsePointer(pointer);
  if (tokens === undefined) return undefined;
  if (tokens.length === 0) return { parent: undefined, token: "" };
  let cur: JsonValue | undefined = root;
  for (const t of tokens.slice(0, -1)) {
    cur = child(cur, t);
    if (cur === undefined) return undefined;
  }
  if (!isJsonObject(cur) && !Array.isArray(cur)) return undefined;
  return { parent: cur, token: tokens[tokens.length - 1] };
}

function child(v: JsonValue | undefined, token: string): JsonValue | undefined {
  if (Array.isArray(v)) {
    const i = arrayIndex(token);
    return i === undefined ? undefined : v[i];
  }
  if (isJsonObject(v) && Object.hasOwn(v, token)) return v[token];
  return undefined;
}

function get(holder: { root: JsonValue }, loc: Location, what: string, path: string): JsonValue {
  if (!loc.parent) return holder.root;
  if (Array.isArray(loc.parent)) {
    const i = indexIn(loc.parent, loc.token, false, what, path);
    return loc.parent[i];
  }
  const v = Object.hasOwn(loc.parent, loc.token) ? loc.parent[loc.token] : undefined;
  if (v === undefined) throw new OpFailure(`error in ${what} for path: '${path}': Unable to access nonexistent key: ${loc.token}: missing value`);
  return v;
}

function indexIn(list: JsonValue[], token: string, forInsert: boolean, what: string, path: string): number {
  if (forInsert && token === "-") return list.length;
  const i = arrayIndex(token);
  if (i === undefined) {
    throw new OpFailure(`error in ${what} for path: '${path}': value was not a proper array index: '${token}'`);
  }
  if (forInsert ? i > list.length : i >= list.length) {
    throw new OpFailure(`error in ${what} for path: '${path}': Unable to access invalid index: ${i}: invalid index referenced`);
  }
  return i;
}

function insert(holder: { root: JsonValue }, loc: Location, value: JsonValue, what: string, path: string): void {
  if (!loc.parent) {
    holder.root = value;
  } else if (Array.isArray(loc.parent)) {
    loc.parent.splice(indexIn(loc.parent, loc.token, true, what, path), 0, value);
  } else {
    setOwn(loc.parent, loc.token, value);
  }
}

function detach(holder: { root: JsonValue }, loc: Location, what: string, path: string): JsonValue {
  if (!loc.parent) throw new OpFailure(`${what} operation does not apply: the document root cannot be removed`);
  if (Array.isArray(loc.parent)) {
    const i = indexIn(loc.parent, loc.token, false, what, path);
    return loc.parent.splice(i, 1)[0];
  }
  const v = Object.hasOwn(loc.parent, loc.token) ? loc.parent[loc.token] : undefined;
  if (v === undefined) throw new OpFailure(`error in ${what} for path: '${path}': Unable to remove nonexistent key: ${loc.token}: missing value`);
  delete loc.parent[loc.token];
  return v;
}

function add(holder: { root: JsonValue }, path: string, value: JsonValue): void {
  const loc = locate(holder.root, path);
  if (!loc) throw new OpFailure(`add operation does not apply: doc is missing path: "${path}": missing value`);
  insert(holder, loc, deepCopy(value), "add", path);
}

function remove(holder: { root: JsonValue }, path: string): void {
  const loc = locate(holder.root, path);
  if (!loc) throw new OpFailure(`remove operation does not apply: doc is missing path: "${path}": missing value`);
  detach(holder, loc, "remove", path);
}

function replace(holder: { root: JsonValue }, path: string, value: JsonValue): void {
  const loc = locate(holder.root, path);
  if (!loc) throw new OpFailure(`replace operation does not apply: doc is missing path: ${path}: missing value`);
  if (!loc.parent) {
    holder.root = deepCopy(value);
    return;
  }
  if (Array.isArray(loc.parent)) {
    loc.parent[indexIn(loc.parent, loc.token, false, "replace", path)] = deepCopy(value);
    return;
  }
  if (!Object.hasOwn(loc.parent, loc.token) || loc.parent[loc.token] === undefined) {
    throw new OpFailure(`replace operation does not apply: doc is missing key: ${path}: missing value`);
  }
  setOwn(loc.parent, loc.token, deepCopy(value));
}

function move(holder: { root: JsonValue }, op: JsonObject): void {
  const from = pathOf(op, "move", "from");
  const path = pathOf(op, "move");
  if (path === from) {
    if (!locate(holder.root, from)) throw new OpFailure(`move operation does not apply: doc is missing from path: ${from}: missing value`);
    return;
  }
  if (path.startsWith(`${from}/`)) {
    throw new OpFailure(`move operation does not apply: path ${path} is inside from path ${from}`);
  }
  const src = locate(holder.root, from);
  if (!src) throw new OpFailure(`move operation does not apply: doc is missing from path: ${from}: missing value`);
  const value = detach(holder, src, "move", from);
  const dst = locate(holder.root, path);
  if (!dst) throw new OpFailure(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
  insert(holder, dst, value, "move", path);
}

function copy(holder: { root: JsonValue }, op: JsonObject): void {
  const from = pathOf(op, "copy", "from");
  const path = pathOf(op, "copy");
  const src = locate(holder.root, from);
  if (!src) throw new OpFailure(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
  const value = deepCopy(get(holder, src, "copy", from));
  const dst = locate(holder.root, path);
  if (!dst) throw new OpFailure(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
  insert(holder, dst, value, "copy", path);
}

function test(holder: { root: JsonValue }, path: string, expected: JsonValue): void {
  const loc = locate(holder.root, path);
  if (!loc) throw new OpFailure(`test operation does not apply: is missing path: ${path}: missing value`);
  let actual: JsonValue | undefined;
  if (!loc.parent) actual = holder.root;
  else actual = child(loc.parent, loc.token);
  if (actual === undefined && expected === null) return;
  if (actual === undefined || !jsonEqual(actual, expected)) throw new OpFailure(`testing value ${path} failed: test failed`);
}
