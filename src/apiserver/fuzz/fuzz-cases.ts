// The fuzz cases: every verb against every served resource and subresource, each with a
// hostile body, query, path or header. Case n of a seed is always the same request (it
// depends on nothing but the seed and n), so a failure is replayed from the printed seed.
//
// Contract with the runner (api-fuzz.test.ts), which is what makes "stored data unchanged"
// checkable:
// - Objects live in two namespaces. The protected one holds one valid object of every kind
//   (validObject, named `fixed`; cluster-scoped ones are named after the namespace); the
//   scratch one holds objects named `s` (cluster-scoped: `<scratch namespace>-s`) that the
//   runner re-creates between batches.
// - A write aimed at a protected object is either one every API server must refuse
//   (`expect: "reject"`), or carries dryRun=All. Writes that may succeed go to scratch.
// - Reads go anywhere and may succeed; watches are ended by the runner.

import { METALLB_GROUP, METALLB_NAMESPACE } from "../../api/metallb-types.js";
import type { ResourceInfo } from "../../api/resources.js";
import { resources } from "../../api/resources.js";
import type { Doc } from "./json-doc.js";
import { docOf, raw, slotsOf, val } from "./json-doc.js";
import type { Body } from "./hostile-body.js";
import { objectBody, patchBody } from "./hostile-body.js";
import { bendPath, resourcePath } from "./hostile-path.js";
import type { QueryUse } from "./hostile-query.js";
import { hostileParam, hostileQuery } from "./hostile-query.js";
import { awkwardStrings, prototypeKeys } from "./hostile-values.js";
import type { Mutation } from "./mutations.js";
import { mutateDoc } from "./mutations.js";
import { Random } from "./random.js";
import { validDeleteOptions, validObject, validSubresourceBody } from "./valid-objects.js";

export interface FuzzTargets {
  protectedNamespace: string;
  scratchNamespace: string;
  /** A bearer token the server accepts. */
  token: string;
}

export interface FuzzCase {
  index: number;
  /** What the case does, for failure messages. */
  name: string;
  method: string;
  path: string;
  /** Query text without "?". */
  query: string;
  headers: Record<string, string>;
  body: Buffer;
  /** "reject": only a 4xx is right. "any": a 2xx is right too. */
  expect: "reject" | "any";
}

/**
 * Where the protected or scratch object of a resource lives. Namespaced objects are named
 * `fixed` and `s` in the two namespaces; cluster-scoped ones, and MetalLB's (which must live in
 * metallb-system), are named after the namespace of their class instead.
 */
export function targetOf(r: ResourceInfo, t: FuzzTargets, cls: "protected" | "scratch"): { namespace: string; name: string } {
  const namespace = cls === "protected" ? t.protectedNamespace : t.scratchNamespace;
  const named = cls === "protected" ? namespace : `${namespace}-s`;
  if (r.group === METALLB_GROUP) return { namespace: METALLB_NAMESPACE, name: named };
  if (!r.namespaced) return { namespace, name: named };
  return { namespace, name: cls === "protected" ? "fixed" : "s" };
}

const patchTypes = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];

type Verb = "list" | "watch" | "get" | "head" | "create" | "update" | "patch" | "delete" | "deletecollection" | "other";

interface Op {
  verb: Verb;
  method: string;
  subresource?: string;
  patchType?: string;
  /** Aimed at the all-namespaces path of a namespaced resource. */
  allNamespaces?: boolean;
}

/** Every operation worth trying on a resource, including its subresources and ones it does not serve. */
export function operationsFor(r: ResourceInfo): Op[] {
  const ops: Op[] = [
    { verb: "list", method: "GET" },
    { verb: "watch", method: "GET" },
    { verb: "get", method: "GET" },
    { verb: "head", method: "HEAD" },
    { verb: "create", method: "POST" },
    { verb: "update", method: "PUT" },
    ...patchTypes.map((patchType): Op => ({ verb: "patch", method: "PATCH", patchType })),
    { verb: "delete", method: "DELETE" },
    { verb: "deletecollection", method: "DELETE" },
    { verb: "other", method: "OPTIONS" },
    { verb: "other", method: "POST", subresource: "bogus" },
  ];
  if (r.namespaced) ops.push({ verb: "create", method: "POST", allNamespaces: true }, { verb: "deletecollection", method: "DELETE", allNamespaces: true });
  for (const s of r.subresources) {
    const sub = s.name;
    if (s.verbs.includes("get")) ops.push({ verb: "get", method: "GET", subresource: sub });
    if (s.verbs.includes("update")) ops.push({ verb: "update", method: "PUT", subresource: sub });
    if (s.verbs.includes("patch")) ops.push(...patchTypes.map((patchType): Op => ({ verb: "patch", method: "PATCH", subresource: sub, patchType })));
    if (s.verbs.includes("create")) ops.push({ verb: "create", method: "POST", subresource: sub });
    ops.push({ verb: "delete", method: "DELETE", subresource: sub });
  }
  return ops;
}

// Lower-case methods are left out: the pipeline upper-cases methods (`get` would read), and
// Node's HTTP parser refuses them before they get there.
/** Operations no request can succeed with: other methods, writes across all namespaces, deleting a subresource. */
function alwaysRefusedOp(op: Op): boolean {
  return op.verb === "other" || op.allNamespaces === true || (op.verb === "delete" && op.subresource !== undefined);
}

const otherMethods = ["OPTIONS", "TRACE", "CONNECT", "FOO", "PROPFIND", "", "G E T"];

/** A JSON patch (RFC 6902) made of operations on the object's own paths and on hostile ones. */
function jsonPatchDoc(rng: Random, obj: Doc): Doc {
  const paths = slotsOf(obj).map((s) => "/" + s.path.replace(/\[(\d+)\]/g, ".$1").split(".").map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/"));
  const hostilePaths = ["", "/", "/-", "/metadata/labels/a~1b", "/spec/ports/99999999999", "/spec/ports/-1", "/spec/ports/01", "/__proto__/polluted", "/constructor/prototype/polluted", "/metadata/annotations/" + "k".repeat(300), "~2", "/a/b/c/d/e", "metadata"];
  const ops = rng.between(0, 4);
  const items: Doc[] = [];
  for (let i = 0; i < ops; i++) {
    const op = rng.pick(["add", "remove", "replace", "move", "copy", "test", "explode"]);
    const path = rng.chance(0.6) && paths.length ? rng.pick(paths) : rng.pick(hostilePaths);
    const entries: [string, Doc][] = [["op", val(op)], ["path", val(path)]];
    if (rng.chance(0.7)) entries.push(["value", rng.pick([val("x"), val(1), val(null), { t: "obj", entries: [] }, raw("1e400"), raw("[[[[[[[[]]]]]]]]")])]);
    if (op === "move" || op === "copy" || rng.chance(0.1)) entries.push(["from", val(rng.pick(paths.length ? paths : hostilePaths))]);
    items.push({ t: "obj", entries });
  }
  return { t: "arr", items };
}

/** Strategic merge patch directives, dropped into an object of the patch. */
function addDirectives(rng: Random, doc: Doc): void {
  const objects = slotsOf(doc).map((s) => (s.parent.t === "obj" ? s.parent : undefined)).filter((d) => d !== undefined);
  const target = objects.length ? rng.pick(objects) : doc;
  if (target.t !== "obj") return;
  const directive = rng.pick<[string, Doc]>([
    ["$patch", val(rng.pick(["replace", "delete", "merge", "explode", ""]))],
    ["$retainKeys", rng.chance(0.5) ? val("x") : { t: "arr", items: [val("spec"), val(5)] }],
    ["$setElementOrder/ports", { t: "arr", items: [val(1), { t: "obj", entries: [] }, val("x")] }],
    ["$setElementOrder/containers", { t: "arr", items: [{ t: "obj", entries: [["name", val("zz")]] }] }],
    ["$deleteFromPrimitiveList/finalizers", rng.chance(0.5) ? val("x") : { t: "arr", items: [val("a")] }],
    ["$patch", { t: "obj", entries: [] }],
  ]);
  target.entries.push(directive);
}

/** A merge patch or strategic merge patch: some of the object's top-level fields. */
function partialDoc(rng: Random, obj: Doc): Doc {
  if (obj.t !== "obj") return obj;
  return { t: "obj", entries: obj.entries.filter(() => rng.chance(0.6)) };
}

function bodyFor(rng: Random, r: ResourceInfo, op: Op, ns: string, name: string, mustReject: boolean): { body: Body; mutation: string; rejected: boolean } {
  if (op.verb === "delete" || op.verb === "deletecollection") {
    if (!mustReject && rng.chance(0.5)) return { body: { contentType: undefined, body: Buffer.alloc(0), name: "no body", rejected: false, carriesDoc: false }, mutation: "", rejected: false };
    const doc = docOf(validDeleteOptions());
    const m = mutateDoc(rng, doc, { mustReject });
    return made(m, objectBody(rng, doc, "DeleteOptions", { keepRefusal: mustReject, emptyIsValid: true }));
  }
  const obj = docOf(op.subresource ? validSubresourceBody(r, op.subresource, ns, name) : validObject(r, ns, name));
  // A custom resource is decoded typed only in its metadata, kind and apiVersion.
  const untyped = r.customResource ? (path: string) => !/^(metadata|kind|apiVersion)([.[]|$)/.test(path) : undefined;
  if (op.patchType === "application/json-patch+json") {
    const doc = jsonPatchDoc(rng, obj);
    const m = rng.chance(0.3) ? mutateDoc(rng, doc) : { name: "", rejected: false };
    const body = patchBody(rng, doc, op.patchType);
    // A JSON patch whose operations are all fine may still be refused; only the body's form is sure.
    if (mustReject && !body.rejected) return { body: { ...body, contentType: "text/plain", name: `${body.name}, labelled text/plain` }, mutation: m.name, rejected: true };
    return { body, mutation: m.name, rejected: body.rejected };
  }
  if (op.patchType) {
    const m = mutateDoc(rng, obj, { mustReject, untyped });
    const doc = mustReject || op.patchType === "application/apply-patch+yaml" ? obj : partialDoc(rng, obj);
    if (op.patchType === "application/strategic-merge-patch+json" && !mustReject && rng.chance(0.4)) addDirectives(rng, doc);
    return made(m, patchBody(rng, doc, op.patchType, { keepRefusal: mustReject }));
  }
  const m = rng.chance(0.85) || mustReject ? mutateDoc(rng, obj, { mustReject, untyped }) : { name: "unchanged", rejected: false };
  return made(m, objectBody(rng, obj, r.kind, { keepRefusal: mustReject }));
}

/** A body made from a mutated tree: refused if the body's form is, or if it carries a tree that must be. */
function made(m: Mutation, body: Body): { body: Body; mutation: string; rejected: boolean } {
  return { body, mutation: body.carriesDoc ? m.name : "", rejected: body.rejected || (body.carriesDoc && m.rejected) };
}

function queryUse(op: Op): QueryUse {
  if (op.subresource === "log") return "log";
  switch (op.verb) {
    case "list":
      return "list";
    case "watch":
      return "watch";
    case "get":
    case "head":
      return "get";
    case "patch":
      return "patch";
    case "delete":
    case "deletecollection":
      return "delete";
    default:
      return "write";
  }
}

const hostileAccepts = [
  "application/vnd.kubernetes.protobuf",
  "application/json;as=Table;g=meta.k8s.io;v=v1",
  "application/json;as=Table;g=meta.k8s.io;v=v9",
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
  "text/html",
  ";;;,,,=",
  "application/json;q=abc",
  "*/*;as=Table",
  "\u0000",
  "a".repeat(10_000),
];

/** Headers: the token (now and then a wrong or malformed one), the body's type, an odd Accept or User-Agent. */
function headersFor(rng: Random, t: FuzzTargets, body: Body | undefined): { headers: Record<string, string>; badAuth: boolean; name: string } {
  const headers: Record<string, string> = {};
  let badAuth = false;
  let name = "";
  if (rng.chance(0.03)) {
    badAuth = true;
    const auth = rng.pick([
      `Bearer ${t.token}x`,
      "Bearer",
      "Basic YWRtaW46YWRtaW4=",
      `bearer  ${"x".repeat(100_000)}`,
      "Bearer \u0000",
      "Bearer a.b.c",
      // An unsigned JWT, and bootstrap-token shapes (<id>.<secret>) naming no Secret.
      "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
      "Bearer abcdef.0123456789abcdef",
      "Bearer ABCDEF.0123456789ABCDEF",
    ]);
    headers.authorization = auth;
    name += " bad token";
  } else {
    headers.authorization = `Bearer ${t.token}`;
  }
  if (body?.contentType !== undefined) headers["content-type"] = body.contentType;
  if (rng.chance(0.1)) {
    headers.accept = rng.pick(hostileAccepts);
    name += " odd Accept";
  }
  if (rng.chance(0.05)) {
    headers["user-agent"] = rng.pick(["", "/", "x".repeat(100_000) + "/1.0", "\u0000/1", ...prototypeKeys.map((k) => `${k}/1.0`), ...awkwardStrings]);
    name += " odd User-Agent";
  }
  return { headers, badAuth, name };
}

/** Requests outside the resource endpoints: discovery, health, OpenAPI, and paths that are none of them. */
function nonResourceCase(rng: Random, t: FuzzTargets, index: number): FuzzCase {
  const path = rng.pick([
    "/",
    "/api",
    "/apis",
    "/api/v1",
    "/apis/apps",
    "/apis/apps/v1",
    "/apis/apps/v9",
    "/apis/nope",
    "/version",
    "/healthz",
    "/livez",
    "/readyz",
    "/readyz/ping",
    "/openapi/v2",
    "/openapi/v3",
    "/openapi/v3/api/v1",
    "/openapi/v3/apis/apps/v1",
    "/openapi/v3/../../etc/passwd",
    "/openapi/v3/" + "x".repeat(5000),
    "/ui/",
    "/metrics",
    "/logs/../../etc/passwd",
    "//",
    "/api/v1/namespaces/" + "\u0000",
    "/" + "a/".repeat(5000),
    "/apis/metallb.io/v1beta1",
  ]);
  const method = rng.pick(["GET", "GET", "HEAD", "POST", "DELETE", "PUT", "OPTIONS"]);
  const query = rng.chance(0.5) ? hostileQuery(rng, "get") : rng.pick(["", "hash=abc", "verbose", "exclude=ping&exclude=x", "timeout=1e309"]);
  const { headers, name } = headersFor(rng, t, undefined);
  return { index, name: `${method} ${path.slice(0, 60)}${name}`, method, path, query, headers, body: Buffer.alloc(0), expect: method === "GET" || method === "HEAD" ? "any" : "reject" };
}

/** Case `index` of the run with `seed`. */
export function fuzzCase(seed: number, index: number, t: FuzzTargets): FuzzCase {
  const rng = new Random((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  rng.next();
  // One case in twenty is outside the resource endpoints.
  if (index % 20 === 19) return nonResourceCase(rng, t, index);
  const k = index - Math.floor(index / 20);
  const r = resources[k % resources.length];
  const ops = operationsFor(r);
  // The first cases go through every operation of every resource in turn; later ones pick
  // operations at random, those that are always refused (405, 404) less often.
  const round = Math.floor(k / resources.length);
  const op = round < ops.length ? ops[round] : rng.weighted(ops.map((o): [Op, number] => [o, alwaysRefusedOp(o) || o.verb === "head" ? 1 : 4]));
  const reads = op.verb === "list" || op.verb === "watch" || op.verb === "get" || op.verb === "head";
  // A collection that holds protected objects too (cluster-scoped ones, metallb-system) is
  // deleted from as a protected target: refused or dry-run.
  const shared = !r.namespaced || r.group === METALLB_GROUP;
  const cls = rng.chance(reads ? 0.5 : 0.4) || (op.verb === "deletecollection" && shared) ? "protected" : "scratch";
  const { namespace: ns, name } = targetOf(r, t, cls);
  // A protected write is either one that must be refused, or a dry run.
  const mustReject = !reads && cls === "protected" && rng.chance(0.5);
  const alwaysRefused = alwaysRefusedOp(op);
  const onObject = op.verb !== "list" && op.verb !== "watch" && op.verb !== "deletecollection" && !(op.verb === "create" && !op.subresource);
  const parts = { namespace: op.allNamespaces ? undefined : ns, name: onObject || (op.verb === "watch" && rng.chance(0.3)) ? name : undefined, subresource: op.subresource };
  let path = resourcePath(r, parts);
  const notes: string[] = [];
  if (!mustReject && rng.chance(0.1)) {
    const bent = bendPath(rng, r, parts);
    path = bent.path;
    notes.push(bent.name);
  }
  let method = op.method;
  if (op.verb === "other" && !op.subresource) method = rng.pick(otherMethods);
  const hasBody = !reads && op.verb !== "other" ? true : rng.chance(0.05);
  const made = hasBody ? bodyFor(rng, r, op, ns, name, mustReject && !alwaysRefused) : undefined;
  if (made?.mutation) notes.push(made.mutation);
  if (made) notes.push(made.body.name);
  let query = rng.chance(0.7) ? hostileQuery(rng, queryUse(op)) : "";
  if (op.verb === "watch") query = query ? `watch=true&${query}` : "watch=true";
  // A grace period turns into a deletion time: the numbers that matter most on a delete.
  if (op.verb === "delete" && rng.chance(0.5)) query = [hostileParam(rng, "gracePeriodSeconds"), query].filter(Boolean).join("&");
  if (op.patchType === "application/apply-patch+yaml" && rng.chance(0.9)) query = query ? `fieldManager=fuzz&${query}` : "fieldManager=fuzz";
  const dryRun = !reads && cls === "protected" && !mustReject && !alwaysRefused;
  if (dryRun) query = query ? `${query}&dryRun=All` : "dryRun=All";
  const { headers, badAuth, name: headerNotes } = headersFor(rng, t, made?.body);
  const rejected = badAuth || alwaysRefused || (mustReject && (made?.rejected ?? false));
  if (mustReject && !rejected) throw new Error(`fuzz case ${index}: a protected write that may succeed (${notes.join("; ")})`);
  const label = `${method} ${op.subresource ? `${r.resource}/${op.subresource}` : r.resource}${op.patchType ? ` (${op.patchType.split("/")[1]})` : ""} ${op.verb} ${cls}${dryRun ? " dry-run" : ""}`;
  return {
    index,
    name: [label + headerNotes, ...notes].filter(Boolean).join("; "),
    method,
    path,
    query,
    headers,
    body: made?.body.body ?? Buffer.alloc(0),
    expect: rejected ? "reject" : "any",
  };
}

/** A short description of a case's request, for failure messages (the body cut to its start). */
export function describeCase(c: FuzzCase): string {
  const body = c.body.length > 300 ? `${c.body.subarray(0, 300).toString("utf8")}… (${c.body.length} bytes)` : c.body.toString("utf8");
  return `#${c.index} ${c.name}\n  ${c.method} ${c.path.slice(0, 200)}${c.query ? `?${c.query.slice(0, 300)}` : ""}\n  headers ${JSON.stringify(c.headers).slice(0, 300)}\n  body ${JSON.stringify(body)}`;
}
