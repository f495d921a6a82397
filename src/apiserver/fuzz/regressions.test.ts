// What the fuzzer found, one case per bug, each replayed through ApiServer.inject with the
// answer the server now gives. Every case also checks that the objects it aimed at are as
// they were and that no built-in prototype gained a property.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ApiResponse } from "../request.js";
import type { TestApi } from "../test-api.js";
import { startTestApi, testToken } from "../test-api.js";

const cms = "/api/v1/namespaces/default/configmaps";
const deployments = "/apis/apps/v1/namespaces/default/deployments";
const pools = "/apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools";
const pods = "/api/v1/namespaces/default/pods";
const pod = (name: string, spec: Record<string, unknown> = {}): unknown => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { nodeName: "n1", containers: [{ name: "c", image: "nginx" }], ...spec } });

interface Case {
  name: string;
  method: string;
  path: string;
  query?: string;
  contentType?: string;
  body?: string;
  /** Sent this many times (for failures that show only after repetition). */
  times?: number;
  want: number;
  /** The Status message, when it matters. */
  message?: RegExp;
}

const deep = (n: number): string => "[".repeat(n) + "]".repeat(n);
const configMap = (extra: string): string => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"new"}${extra}}`;

const cases: Case[] = [
  // Writes where kube-apiserver serves only reads: across all namespaces, and under /watch/.
  { name: "DELETE across all namespaces (was: emptied every namespace)", method: "DELETE", path: "/api/v1/configmaps", want: 405 },
  { name: "POST across all namespaces (was: created in the body's namespace)", method: "POST", path: "/api/v1/configmaps", body: configMap(',"metadata":{"name":"new","namespace":"default"}'), want: 405 },
  { name: "DELETE through the /watch/ prefix (was: deleted)", method: "DELETE", path: "/api/v1/watch/namespaces/default/configmaps/keep", want: 405 },
  { name: "an object without its namespace", method: "PUT", path: "/api/v1/configmaps/keep", body: configMap(""), want: 404, message: /^the server could not find the requested resource$/ },
  // Prototype keys: an unknown field like any other, never a way into Object.prototype.
  { name: "merge patch with __proto__ (was: polluted Object.prototype)", method: "PATCH", path: `${cms}/keep`, contentType: "application/merge-patch+json", body: '{"__proto__":{"polluted":true},"data":{"constructor":"x"}}', want: 200 },
  { name: "strategic merge patch with __proto__ (was: polluted Object.prototype)", method: "PATCH", path: `${cms}/keep`, contentType: "application/strategic-merge-patch+json", body: '{"metadata":{"__proto__":{"polluted":true}}}', want: 200 },
  { name: "JSON patch adding __proto__ (was: replaced the object's prototype)", method: "PATCH", path: `${cms}/keep`, contentType: "application/json-patch+json", body: '[{"op":"add","path":"/metadata/__proto__","value":{"polluted":true}}]', want: 200 },
  { name: "create with a __proto__ field, strict (was: stored as a known field)", method: "POST", path: cms, query: "fieldValidation=Strict", body: configMap(',"__proto__":{"polluted":true}'), want: 400, message: /unknown field "__proto__"/ },
  // Nesting: refused before anything recursive reads it.
  { name: "10,000 nested arrays in a merge patch (was: 500)", method: "PATCH", path: `${cms}/keep`, contentType: "application/merge-patch+json", body: `{"data":${deep(10_000)}}`, want: 400, message: /exceeded max depth/ },
  { name: "10,000 nested arrays in a strategic merge patch (was: 500)", method: "PATCH", path: `${cms}/keep`, contentType: "application/strategic-merge-patch+json", body: `{"data":${deep(10_000)}}`, want: 400, message: /exceeded max depth/ },
  { name: "10,000 nested arrays in a create", method: "POST", path: cms, body: configMap(`,"x":${deep(10_000)}`), want: 400, message: /^json: invalid character '\[' exceeded max depth$/ },
  {
    name: "100,000 nested YAML maps in an apply, repeated (was: the process aborted)",
    method: "PATCH",
    path: `${cms}/keep`,
    query: "fieldManager=fuzz",
    contentType: "application/apply-patch+yaml",
    body: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep, labels: ${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}`,
    times: 40,
    want: 400,
    message: /exceeded max depth of 500/,
  },
  // DeleteOptions: a body that does not decode stops the delete.
  { name: "DeleteOptions with a mistyped field (was: deleted)", method: "DELETE", path: `${cms}/keep`, body: '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":true}', want: 400 },
  { name: "DeleteOptions of another kind (was: deleted)", method: "DELETE", path: `${cms}/keep`, body: '{"kind":"List","apiVersion":"v1","gracePeriodSeconds":[1]}', want: 400 },
  { name: "DeleteOptions labelled text/plain (was: ignored, deleted)", method: "DELETE", path: `${cms}/keep`, contentType: "text/plain", body: '{"dryRun":["All"]}', want: 415 },
  { name: "DeleteOptions asking for a dry run with a typo (was: deleted)", method: "DELETE", path: `${cms}/keep`, body: '{"dryRun":["all"]}', want: 400 },
  { name: "DeleteOptions as a YAML !!omap (was: a Map, taken for no options)", method: "DELETE", path: `${cms}/keep`, contentType: "application/yaml", body: "--- !!omap\n- a: 1\n", want: 400 },
  // Failures inside patches that kube-apiserver does not classify: the client's fault, a 400.
  { name: "a list element without its merge key (was: 500)", method: "PATCH", path: `${deployments}/web`, contentType: "application/strategic-merge-patch+json", body: '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}', want: 400 },
  { name: "an unknown $patch directive (was: 500)", method: "PATCH", path: `${cms}/keep`, contentType: "application/strategic-merge-patch+json", body: '{"$patch":"explode"}', want: 400 },
  {
    name: "apply with a list-map element missing its key (was: 500)",
    method: "PATCH",
    path: `${deployments}/web`,
    query: "fieldManager=fuzz",
    contentType: "application/apply-patch+yaml",
    body: '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}',
    want: 400,
  },
  // Wrongly typed values where a typed decode refuses them.
  { name: "a scale patch with a mistyped kind (was: 200, replicas changed)", method: "PATCH", path: `${deployments}/web/scale`, contentType: "application/merge-patch+json", body: '{"kind":true,"spec":{"replicas":5}}', want: 400 },
  { name: "a scale apply with a mistyped metadata (was: 200)", method: "PATCH", path: `${deployments}/web/scale`, query: "fieldManager=fuzz", contentType: "application/apply-patch+yaml", body: '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":0,"spec":{"replicas":5}}', want: 400 },
  { name: "an apply whose metadata is a string (was: 200, applied)", method: "PATCH", path: `${cms}/keep`, query: "fieldManager=fuzz", contentType: "application/apply-patch+yaml", body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":"x","data":{"a":"b"}}', want: 400 },
  { name: "a custom resource whose kind is not a string (was: replaced, 200)", method: "PUT", path: `${pools}/pool`, body: '{"apiVersion":"metallb.io/v1beta1","kind":true,"metadata":{"name":"pool"},"spec":{"addresses":["192.0.2.0/28"]}}', want: 400 },
  // YAML that has no JSON form.
  {
    name: "YAML whose anchor contains itself (was: the server hung)",
    method: "POST",
    path: cms,
    contentType: "application/yaml",
    body: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loop}\ndata: &a {b: *a}\n",
    want: 400,
    message: /error converting YAML to JSON: yaml: anchor 'a' value contains itself/,
  },
  { name: "YAML .nan (was: NaN, stored as null)", method: "POST", path: cms, contentType: "application/yaml", body: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nan}\ndata: {a: .nan}\n", want: 400, message: /json: unsupported value: NaN/ },
  // Grace periods beyond JavaScript's dates (a bound pod is deleted gracefully).
  { name: "deleting a bound pod with a grace period of 10^14 s (was: 500 Invalid time value)", method: "DELETE", path: `${pods}/bound-1`, query: "gracePeriodSeconds=99999999999999", want: 202 },
  { name: "a grace period beyond 2^53 (was: 500)", method: "DELETE", path: `${pods}/bound-2`, query: "gracePeriodSeconds=9223372036854775807", want: 400 },
  { name: "deleting a pod whose terminationGracePeriodSeconds is 2^53-1 (was: 500, so never deletable)", method: "DELETE", path: `${pods}/slow`, want: 202 },
  // A watch timeout JavaScript timers cannot hold.
  { name: "watch timeoutSeconds=1e309 (was: the watch ended at once)", method: "GET", path: cms, query: "watch=true&timeoutSeconds=1e309", want: 400 },
];

describe("fuzz regressions: hostile input the API server once mishandled", () => {
  let t: TestApi;
  const send = (c: Pick<Case, "method" | "path" | "query" | "contentType" | "body">, signal?: AbortSignal): Promise<ApiResponse> =>
    t.api.inject({
      method: c.method,
      path: c.path,
      query: new URLSearchParams(c.query ?? ""),
      headers: { authorization: `Bearer ${testToken}`, ...(c.body !== undefined ? { "content-type": c.contentType ?? "application/json" } : {}) },
      body: Buffer.from(c.body ?? ""),
      signal,
    });
  const stored = async (): Promise<string[]> =>
    Promise.all(["/registry/core/configmaps/default/keep", "/registry/apps/deployments/default/web", "/registry/metallb.io/ipaddresspools/metallb-system/pool"].map(async (k) => (await t.store.get(k))?.value ?? "gone"));

  before(async () => {
    t = await startTestApi();
    await t.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "metallb-system" } } });
    // A pod bound to an existing node is deleted gracefully.
    const seeds: [string, unknown][] = [
      ["/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } }],
      [cms, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "keep" }, data: { a: "b" } }],
      [deployments, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } }],
      [pools, { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: "pool" }, spec: { addresses: ["192.0.2.0/28"] } }],
      [pods, pod("bound-1")],
      [pods, pod("bound-2")],
      [pods, pod("slow", { terminationGracePeriodSeconds: Number.MAX_SAFE_INTEGER })],
    ];
    for (const [path, body] of seeds) assert.equal((await t.request("POST", path, { body })).status, 201);
  });
  after(() => t?.close());

  for (const c of cases) {
    test(c.name, async () => {
      const before = await stored();
      for (let i = 0; i < (c.times ?? 1); i++) {
        const abort = new AbortController();
        const res = await send(c, abort.signal);
        abort.abort();
        assert.equal(res.status, c.want, String(res.body));
        if (c.message) assert.match((JSON.parse(String(res.body)) as { message: string }).message, c.message);
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype was polluted");
      // A 200 here is a patch whose prototype keys were dropped as unknown fields: nothing else changed.
      if (c.want !== 200) assert.deepEqual(await stored(), before);
    });
  }

  test("a __proto__ key sent in a patch is dropped with a warning, and stored nowhere", async () => {
    const res = await send({ method: "PATCH", path: `${cms}/keep`, contentType: "application/merge-patch+json", body: '{"__proto__":{"polluted":true}}' });
    assert.equal(res.status, 200);
    assert.match(res.headers.warning ?? "", /unknown field \\"__proto__\\"/);
    assert.doesNotMatch((await t.store.get("/registry/core/configmaps/default/keep"))?.value ?? "", /__proto__|polluted/);
  });

  test("a watch with a timeout beyond what timers hold stays open", async () => {
    const abort = new AbortController();
    const res = await send({ method: "GET", path: cms, query: "watch=true&timeoutSeconds=9999999999" }, abort.signal);
    assert.equal(res.status, 200);
    const it = res.stream?.[Symbol.asyncIterator]();
    assert.ok(it);
    await it.next(); // ADDED keep
    const next = it.next();
    const outcome = await Promise.race([next.then(() => "ended"), new Promise((r) => setTimeout(() => r("open"), 100))]);
    abort.abort();
    await next;
    assert.equal(outcome, "open");
  });
});
