import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { NodeProxyRules } from "../../api/node-proxy-rules.js";
import { requireResource } from "../../api/resources.js";
import type { Service } from "../../api/types.js";
import { resourceAttributes } from "../../apiserver/authorization/attributes.js";
import type { TestApi } from "../../apiserver/test-api.js";
import { startTestApi, testToken } from "../../apiserver/test-api.js";
import { uiCookieName } from "../../apiserver/ui-credentials.js";
import type { UiHandler } from "../../apiserver/ui-handler.js";
import type { ServicePathView, ServiceReachView } from "../api-types.js";
import { DashboardHandler, viewReads } from "./dashboard-handler.js";
import { nginxSave } from "./testdata/nginx-save.js";

let t: TestApi;
let rules: NodeProxyRules = { mode: "iptables", iptablesSave: nginxSave, localAddresses: ["172.17.8.101"] };
/** How many times the handler asked for a node's rules (that is, would have dialed its agent). */
let rulesRead = 0;
const good = `${uiCookieName}=${testToken}`;
const bad = `${uiCookieName}=not-a-token`;

/** Users besides the admin: their tokens, and what RBAC grants them (bound in before()). */
const users = {
  nobody: { token: "nobody-token-0123456789", user: { name: "nobody", groups: [] } },
  // A join token's user as the bootstrap token authenticator makes it (it may only ask for certificates).
  joiner: { token: "joiner-token-0123456789", user: { name: "system:bootstrap:abcdef", groups: ["system:bootstrappers", "system:bootstrappers:svcnet:default-node-token"] } },
  // view in the namespace default.
  jane: { token: "jane-token-0123456789", user: { name: "jane", groups: [] } },
  // view in default, and get on nodes but not on nodes/proxy.
  nodeViewer: { token: "node-viewer-token-0123456789", user: { name: "node-viewer", groups: [] } },
  // view in default, get on nodes and on nodes/proxy.
  ruleReader: { token: "rule-reader-token-0123456789", user: { name: "rule-reader", groups: [] } },
};
const cookieOf = (who: keyof typeof users): string => `${uiCookieName}=${users[who].token}`;

async function grant(user: string, role: string, namespace?: string): Promise<void> {
  const rbac = "/apis/rbac.authorization.k8s.io/v1";
  const binding = { metadata: { name: `${user}-${role}` }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role }, subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: user }] };
  const res = await t.request("POST", namespace ? `${rbac}/namespaces/${namespace}/rolebindings` : `${rbac}/clusterrolebindings`, { body: binding });
  assert.equal(res.status, 201, String(res.body));
}

/** Waits until the API server's authorizer has caught up with the policy written through the API. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

before(async () => {
  // The handler needs the registry the test API makes: hand it over once both exist.
  const late: { handler?: UiHandler } = {};
  const tokens = new Map(Object.values(users).map((u) => [u.token, u.user]));
  t = await startTestApi({ tokens, ui: { handle: (req, ctx) => (late.handler as UiHandler).handle(req, ctx) } });
  late.handler = new DashboardHandler({
    registry: t.registry,
    rules: async () => {
      rulesRead++;
      return rules;
    },
  });
  const rbac = "/apis/rbac.authorization.k8s.io/v1";
  const nodeRule = (resources: string[]) => ({ apiGroups: [""], resources, verbs: ["get"] });
  assert.equal((await t.request("POST", `${rbac}/clusterroles`, { body: { metadata: { name: "node-viewer" }, rules: [nodeRule(["nodes"])] } })).status, 201);
  assert.equal((await t.request("POST", `${rbac}/clusterroles`, { body: { metadata: { name: "rule-reader" }, rules: [nodeRule(["nodes", "nodes/proxy"])] } })).status, 201);
  for (const user of ["jane", "node-viewer", "rule-reader"]) await grant(user, "view", "default");
  await grant("node-viewer", "node-viewer");
  await grant("rule-reader", "rule-reader");
  await t.registry.create(requireResource("", "v1", "nodes"), undefined, { metadata: { name: "core-v2-01" }, spec: { podCIDR: "10.1.13.0/24" } });
  await t.registry.create(requireResource("", "v1", "services"), "default", {
    metadata: { name: "nginx-service" },
    spec: { clusterIP: "10.0.0.252", ports: [{ port: 8000, protocol: "TCP", targetPort: 80 }], selector: { app: "nginx" } },
  } as Service);
  const allowed = (who: keyof typeof users, o: { resource: string; subresource?: string; namespace?: string }) => async () =>
    t.api.accessControl?.authorize(resourceAttributes(users[who].user, { verb: "get", ...o })).decision === "allow";
  await until("jane's view in default", allowed("jane", { resource: "services", namespace: "default" }));
  await until("node-viewer's grants", allowed("nodeViewer", { resource: "nodes" }));
  await until("rule-reader's grants", allowed("ruleReader", { resource: "nodes", subresource: "proxy" }));
});
after(() => t.close());

test("/ui routes and who may see them", async () => {
  const cases: [string, string, string, { token?: string | null; cookie?: string }, number, RegExp][] = [
    ["the page, with the cookie", "GET", "/ui/", { token: null, cookie: good }, 200, /main\.js/],
    ["the page, with a bearer token", "GET", "/ui/", {}, 200, /main\.js/],
    ["no credential: how to log in", "GET", "/ui/", { token: null }, 401, /login#token=/],
    ["a bad cookie: how to log in", "GET", "/ui/", { token: null, cookie: bad }, 401, /login#token=/],
    ["/ui goes to /ui/", "GET", "/ui", { token: null }, 303, /^$/],
    ["the login page (its script reads the #token)", "GET", "/ui/login", { token: null }, 200, /login\.js/],
    ["the page's scripts are public", "GET", "/ui/js/browser/main.js", { token: null }, 200, /listAndWatch/],
    ["the graph library", "GET", "/ui/vendor/cytoscape.esm.min.mjs", { token: null }, 200, /export/],
    ["the stylesheet", "GET", "/ui/style.css", { token: null }, 200, /#graph/],
    ["tests are not served", "GET", "/ui/js/model/topology-model.test.js", { token: null }, 404, /NotFound/],
    ["no path escapes", "GET", "/ui/js/browser/../../server/pages.js", { token: null }, 404, /NotFound/],
    ["server modules are not served", "GET", "/ui/js/server/pages.js", { token: null }, 404, /NotFound/],
    ["/ui/api without a credential", "GET", "/ui/api/services/default/nginx-service/reach", { token: null }, 401, /"reason":"Unauthorized"/],
    ["/ui/api with a bad cookie", "GET", "/ui/api/services/default/nginx-service/reach", { token: null, cookie: bad }, 401, /"reason":"Unauthorized"/],
    ["/ui/api: an unknown service", "GET", "/ui/api/services/default/nope/reach", { token: null, cookie: good }, 404, /services \\"nope\\" not found/],
    ["/ui/api: an unknown view", "GET", "/ui/api/services/default/nginx-service/other", { token: null, cookie: good }, 404, /NotFound/],
    ["the page only reads", "DELETE", "/ui/", {}, 405, /MethodNotAllowed/],
  ];
  for (const [name, method, path, o, status, body] of cases) {
    const res = await t.request(method, path, o);
    assert.equal(res.status, status, `${name}: ${String(res.body).slice(0, 200)}`);
    assert.match(String(res.body ?? ""), body, name);
  }
  const page = await t.request("GET", "/ui/", { token: null, cookie: good });
  assert.match(page.headers["content-security-policy"] ?? "", /script-src 'self'/);
});

test("the cookie stands for the token on API reads and watches, never on writes", async () => {
  const svc = { metadata: { name: "from-cookie" }, spec: { ports: [{ port: 80 }] } };
  const cases: [string, string, string, { token?: string | null; cookie?: string; body?: unknown }, number, string][] = [
    ["list with the cookie", "GET", "/api/v1/namespaces/default/services", { token: null, cookie: good }, 200, "ServiceList"],
    ["list with a bad cookie", "GET", "/api/v1/namespaces/default/services", { token: null, cookie: bad }, 401, "Unauthorized"],
    ["create with only the cookie", "POST", "/api/v1/namespaces/default/services", { token: null, cookie: good, body: svc }, 403, "Forbidden"],
    ["delete with only the cookie", "DELETE", "/api/v1/namespaces/default/services/nginx-service", { token: null, cookie: good }, 403, "Forbidden"],
    ["create with a bad cookie", "POST", "/api/v1/namespaces/default/services", { token: null, cookie: bad, body: svc }, 403, "Forbidden"],
  ];
  for (const [name, method, path, o, status, want] of cases) {
    const res = await t.request(method, path, o);
    assert.equal(res.status, status, `${name}: ${String(res.body).slice(0, 200)}`);
    assert.ok(String(res.body).includes(want), `${name}: ${String(res.body).slice(0, 200)}`);
  }
  const forbidden = JSON.parse(String((await t.request("POST", "/api/v1/namespaces/default/services", { token: null, cookie: good, body: svc })).body)) as { kind: string; message: string };
  assert.equal(forbidden.kind, "Status");
  assert.match(forbidden.message, /GET requests only.*Authorization: Bearer/);
  const stop = new AbortController();
  const watch = await t.request("GET", "/api/v1/namespaces/default/services?watch=1", { token: null, cookie: good, signal: stop.signal });
  assert.equal(watch.status, 200);
  assert.ok(watch.stream);
  stop.abort();
});

test("login: ?token= and POST with a bearer token set the session cookie; a bad token does not", async () => {
  const link = await t.request("GET", `/ui/login?token=${testToken}`, { token: null });
  assert.equal(link.status, 303);
  assert.equal(link.headers.location, "/ui/");
  assert.match(link.headers["set-cookie"] ?? "", new RegExp(`^${uiCookieName}=${testToken}; Path=/; .*HttpOnly; Secure; SameSite=Strict$`));
  const badLink = await t.request("GET", "/ui/login?token=nope", { token: null });
  assert.equal(badLink.status, 401);
  assert.equal(badLink.headers["set-cookie"], undefined);
  const post = await t.request("POST", "/ui/login", {});
  assert.equal(post.status, 204);
  assert.match(post.headers["set-cookie"] ?? "", new RegExp(`^${uiCookieName}=${testToken};`));
  const postBad = await t.request("POST", "/ui/login", { token: "nope" });
  assert.equal(postBad.status, 401);
  const postCookie = await t.request("POST", "/ui/login", { token: null, cookie: good });
  assert.equal(postCookie.status, 403);
});

test("/ui/api: the rule path on a node (iptables with counters, nftables without, userspace none) and how pods reach the service", async () => {
  const res = await t.request("GET", "/ui/api/services/default/nginx-service/path?node=core-v2-01", { token: null, cookie: good });
  assert.equal(res.status, 200, String(res.body));
  const view = JSON.parse(String(res.body)) as ServicePathView;
  assert.equal(view.mode, "iptables");
  assert.equal(view.countersKept, true);
  assert.deepEqual(view.packet, { source: "10.1.13.254", destination: "10.0.0.252", port: 8000, protocol: "TCP" });
  assert.deepEqual(view.branches.map((b) => b.dnat), ["10.1.13.2:80", "10.1.13.3:80", "10.1.13.4:80"]);
  assert.deepEqual(view.branches.map((b) => b.steps.find((s) => s.chain.startsWith("KUBE-SEP-"))?.packets), [2, 3, 1]);
  const errors: [string, string, number, RegExp][] = [
    ["no node", "/path", 400, /node=/],
    ["unknown node", "/path?node=core-v2-09", 404, /nodes \\"core-v2-09\\" not found/],
    ["unknown port", "/path?node=core-v2-01&port=9", 400, /no port \\"9\\"/],
  ];
  for (const [name, suffix, status, body] of errors) {
    const r = await t.request("GET", `/ui/api/services/default/nginx-service${suffix}`, { token: null, cookie: good });
    assert.equal(r.status, status, name);
    assert.match(String(r.body), body, name);
  }
  rules = { mode: "userspace", localAddresses: [] };
  const userspace = JSON.parse(String((await t.request("GET", "/ui/api/services/default/nginx-service/path?node=core-v2-01", {})).body)) as ServicePathView;
  assert.deepEqual(userspace.branches, []);
  assert.match(userspace.note ?? "", /userspace/);
  const reach = JSON.parse(String((await t.request("GET", "/ui/api/services/default/nginx-service/reach", { token: null, cookie: good })).body)) as ServiceReachView;
  assert.equal(reach.dns[0].name, "nginx-service.default.svc.cluster.local.");
  assert.deepEqual(reach.dns[0].answers, ["10.0.0.252"]);
  assert.ok(reach.env.some((v) => v.name === "NGINX_SERVICE_SERVICE_HOST" && v.value === "10.0.0.252"));
});

test("every module the page imports is served", async () => {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const seen = new Set<string>();
  const queue = ["/ui/js/browser/main.js", "/ui/js/browser/login.js"];
  while (queue.length > 0) {
    const url = queue.pop() as string;
    if (seen.has(url)) continue;
    seen.add(url);
    const res = await t.request("GET", url, { token: null });
    assert.equal(res.status, 200, `${url} is served`);
    if (url.endsWith(".mjs")) continue; // the library: a single file
    // Module URLs held in constants (for a dynamic import).
    for (const m of String(res.body).matchAll(/["'](\/ui\/[^"']+\.m?js)["']/g)) queue.push(m[1]);
    for (const m of String(res.body).matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)) {
      const spec = m[1];
      if (spec.startsWith("/ui/")) queue.push(spec);
      else if (spec.startsWith(".")) queue.push(new URL(spec, `https://x${url}`).pathname);
      else assert.fail(`${url} imports the bare name ${spec}, which a browser cannot load`);
    }
  }
  assert.ok(seen.has("/ui/vendor/cytoscape.esm.min.mjs"));
  // Every browser module is reachable from the entry points (none is dead).
  for (const f of readdirSync(`${root}browser`).filter((f) => f.endsWith(".js"))) assert.ok(seen.has(`/ui/js/browser/${f}`), f);
  assert.ok(readFileSync(`${root}browser/main.js`, "utf8").length > 0);
});

test("/ui/api authorizes every read as the user: 403 Status where the API would refuse the same reads", async () => {
  const reach = "/ui/api/services/default/nginx-service/reach";
  const path = "/ui/api/services/default/nginx-service/path?node=core-v2-01";
  const cases: { name: string; who: keyof typeof users | "admin"; url: string; status: number; message?: string }[] = [
    { name: "admin: reach", who: "admin", url: reach, status: 200 },
    { name: "admin: rule path", who: "admin", url: path, status: 200 },
    { name: "no RBAC: reach", who: "nobody", url: reach, status: 403, message: 'services "nginx-service" is forbidden: User "nobody" cannot get resource "services" in API group "" in the namespace "default"' },
    { name: "no RBAC: rule path", who: "nobody", url: path, status: 403, message: 'services "nginx-service" is forbidden: User "nobody" cannot get resource "services" in API group "" in the namespace "default"' },
    { name: "no RBAC: rule path without a node", who: "nobody", url: "/ui/api/services/default/nginx-service/path", status: 403 },
    { name: "no RBAC: a service that does not exist is not revealed", who: "nobody", url: "/ui/api/services/default/nope/reach", status: 403, message: 'services "nope" is forbidden: User "nobody" cannot get resource "services" in API group "" in the namespace "default"' },
    { name: "join token: reach", who: "joiner", url: reach, status: 403, message: 'services "nginx-service" is forbidden: User "system:bootstrap:abcdef" cannot get resource "services" in API group "" in the namespace "default"' },
    { name: "join token: rule path", who: "joiner", url: path, status: 403 },
    { name: "view in default: reach there", who: "jane", url: reach, status: 200 },
    { name: "view in default: not another namespace", who: "jane", url: "/ui/api/services/kube-system/kube-dns/reach", status: 403, message: 'services "kube-dns" is forbidden: User "jane" cannot get resource "services" in API group "" in the namespace "kube-system"' },
    { name: "view in default: no node", who: "jane", url: path, status: 403, message: 'nodes "core-v2-01" is forbidden: User "jane" cannot get resource "nodes" in API group "" at the cluster scope' },
    { name: "get nodes without nodes/proxy: no rules", who: "nodeViewer", url: path, status: 403, message: 'nodes "core-v2-01" is forbidden: User "node-viewer" cannot get resource "nodes/proxy" in API group "" at the cluster scope' },
    { name: "get nodes/proxy: the rule path", who: "ruleReader", url: path, status: 200 },
    { name: "get nodes/proxy: still only where it may get the service", who: "ruleReader", url: "/ui/api/services/kube-system/kube-dns/path?node=core-v2-01", status: 403 },
  ];
  rules = { mode: "iptables", iptablesSave: nginxSave, localAddresses: ["172.17.8.101"] };
  for (const c of cases) {
    const before = rulesRead;
    const res = await t.request("GET", c.url, { token: null, cookie: c.who === "admin" ? good : cookieOf(c.who) });
    assert.equal(res.status, c.status, `${c.name}: ${String(res.body).slice(0, 300)}`);
    if (c.status !== 200) {
      const status = JSON.parse(String(res.body)) as { kind: string; reason: string; code: number; message: string };
      assert.equal(status.kind, "Status", c.name);
      assert.equal(status.reason, "Forbidden", c.name);
      assert.equal(status.code, 403, c.name);
      if (c.message) assert.equal(status.message, c.message, c.name);
      assert.equal(rulesRead, before, `${c.name}: no agent was asked for rules`);
    }
  }
});

test("/ui/api answers the same 403 Status as the API for the same refused read", async () => {
  const dashboard = await t.request("GET", "/ui/api/services/default/nginx-service/reach", { token: users.nobody.token });
  const api = await t.request("GET", "/api/v1/namespaces/default/services/nginx-service", { token: users.nobody.token });
  assert.equal(dashboard.status, 403);
  assert.deepEqual(JSON.parse(String(dashboard.body)), JSON.parse(String(api.body)));
});

test("viewReads: what each view reads, as API requests", () => {
  const cases: { name: string; view: "path" | "reach"; node: string | null; want: string[] }[] = [
    { name: "reach", view: "reach", node: null, want: ["get services default/web", "list discovery.k8s.io/endpointslices default/"] },
    { name: "rule path on a node", view: "path", node: "n1", want: ["get services default/web", "get nodes /n1", "list pods default/", "get nodes/proxy /n1"] },
    { name: "rule path without a node (answered 400)", view: "path", node: null, want: ["get services default/web"] },
  ];
  for (const c of cases) {
    const got = viewReads(c.view, "default", "web", c.node).map(
      (a) => `${a.verb} ${a.apiGroup ? `${a.apiGroup}/` : ""}${a.resource}${a.subresource ? `/${a.subresource}` : ""} ${a.namespace ?? ""}/${a.name ?? ""}`,
    );
    assert.deepEqual(got, c.want, c.name);
  }
});
