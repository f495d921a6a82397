// Bad requests over real HTTPS: each gets the right status with a Kubernetes Status body, and
// the server keeps serving afterwards (kubectl still works at the end).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Status } from "../../src/api/types.js";
import { KubeHttp } from "./helpers/kube-http.js";
import type { KubeHttpResponse } from "./helpers/kube-http.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";

const servicesPath = "/api/v1/namespaces/default/services";
const limit = 3 * 1024 * 1024;

/** A JSON service whose body is exactly `bytes` long (padded in an annotation). */
function serviceBodyOfSize(name: string, bytes: number): string {
  const shell = (pad: string): string =>
    JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name, annotations: { pad } }, spec: { ports: [{ port: 80 }] } });
  const body = shell("x".repeat(bytes - shell("").length));
  assert.equal(Buffer.byteLength(body), bytes);
  return body;
}

function assertStatus(r: KubeHttpResponse, code: number, reason: string): Status {
  assert.equal(r.status, code, r.text);
  assert.match(String(r.headers["content-type"]), /^application\/json/);
  const status = r.json() as Status;
  assert.equal(status.kind, "Status");
  assert.equal(status.apiVersion, "v1");
  assert.equal(status.status, "Failure");
  assert.equal(status.code, code);
  assert.equal(status.reason, reason);
  return status;
}

describe("HTTP errors over HTTPS", () => {
  let s: ServerProcess;
  let http: KubeHttp;
  before(async () => {
    s = await startServer();
    http = KubeHttp.fromKubeconfig(s.kubeconfig);
  });
  after(async () => {
    http?.close();
    await s?.stop();
  });

  const tooLarge = [
    { name: "with a Content-Length", chunked: false },
    { name: "chunked, without a Content-Length", chunked: true },
  ];
  for (const c of tooLarge) {
    test(`a body over 3 MiB (${c.name}) gets 413 RequestEntityTooLarge; the next request is served`, async () => {
      const r = await http.request(servicesPath, { method: "POST", body: serviceBodyOfSize("too-big", limit + 1), chunked: c.chunked });
      const status = assertStatus(r, 413, "RequestEntityTooLarge");
      assert.match(status.message ?? "", /too large/i);
      const next = await http.request(servicesPath);
      assert.equal(next.status, 200, next.text);
      const absent = await http.request(`${servicesPath}/too-big`);
      assertStatus(absent, 404, "NotFound");
    });
  }

  // The server must let the client finish sending before it closes: closing a socket with
  // unread data resets it, and a client still writing then loses the 413 (EPIPE/ECONNRESET).
  test("a client sending a 10 MiB body receives its 413 every time, not a reset connection", async () => {
    const body = serviceBodyOfSize("much-too-big", 10 * 1024 * 1024);
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        const r = await http.request(servicesPath, { method: "POST", body, chunked: i % 2 === 1 });
        outcomes.push(String(r.status));
      } catch (err) {
        outcomes.push(err instanceof Error && "code" in err ? String(err.code) : String(err));
      }
    }
    assert.deepEqual(outcomes, Array.from({ length: 20 }, () => "413"));
  });

  test("a body of exactly 3 MiB is read and judged on its content (annotations too long: 422)", async () => {
    const r = await http.request(servicesPath, { method: "POST", body: serviceBodyOfSize("just-fits", limit) });
    const status = assertStatus(r, 422, "Invalid");
    assert.match(status.message ?? "", /metadata\.annotations: Too long/);
  });

  const unauthenticated: { name: string; path: string; headers: Record<string, string> }[] = [
    { name: "no Authorization header", path: "/api/v1/namespaces", headers: {} },
    { name: "a wrong bearer token", path: "/api/v1/namespaces", headers: { authorization: "Bearer not-the-token" } },
    { name: "basic auth", path: servicesPath, headers: { authorization: `Basic ${Buffer.from("admin:admin").toString("base64")}` } },
    { name: "discovery without a token", path: "/api", headers: {} },
  ];
  for (const c of unauthenticated) {
    test(`${c.name}: 401 Unauthorized Status`, async () => {
      const r = await http.request(c.path, { authenticate: false, headers: c.headers });
      const status = assertStatus(r, 401, "Unauthorized");
      assert.equal(status.message, "Unauthorized");
    });
  }

  const anonymous = [
    { path: "/healthz", body: /^ok$/ },
    { path: "/livez", body: /^ok$/ },
    { path: "/readyz", body: /^ok$/ },
    { path: "/version", body: /"gitVersion":"v1\.32\.\d+-svcnet"/ },
  ];
  for (const c of anonymous) {
    test(`${c.path} answers 200 without a token`, async () => {
      const r = await http.request(c.path, { authenticate: false });
      assert.equal(r.status, 200, r.text);
      assert.match(r.text, c.body);
    });
  }

  test("/version is JSON with major and minor", async () => {
    const r = await http.request("/version", { authenticate: false });
    assert.match(String(r.headers["content-type"]), /^application\/json/);
    const v = r.json() as { major: string; minor: string; gitVersion: string };
    assert.equal(v.major, "1");
    assert.equal(v.minor, "32");
  });

  const malformed = [
    { name: "truncated JSON", body: '{"metadata": ', contentType: "application/json" },
    { name: "JSON with a trailing comma", body: '{"metadata": {"name": "x"},}', contentType: "application/json" },
    { name: "not JSON at all", body: "<service/>", contentType: "application/json" },
    { name: "broken YAML", body: "metadata: [", contentType: "application/yaml" },
    { name: "a JSON array instead of an object", body: "[1, 2]", contentType: "application/json" },
  ];
  for (const c of malformed) {
    test(`create with ${c.name}: 400 BadRequest Status`, async () => {
      const r = await http.request(servicesPath, { method: "POST", body: c.body, contentType: c.contentType });
      assertStatus(r, 400, "BadRequest");
    });
  }

  test("a merge patch that is not JSON: 400 BadRequest Status", async () => {
    const r = await http.request(`${servicesPath}/kubernetes`, { method: "PATCH", body: "{", contentType: "application/merge-patch+json" });
    assertStatus(r, 400, "BadRequest");
  });

  test("an unsupported body type: 415 UnsupportedMediaType Status", async () => {
    const r = await http.request(servicesPath, { method: "POST", body: "name=x", contentType: "application/x-www-form-urlencoded" });
    assertStatus(r, 415, "UnsupportedMediaType");
  });

  const badPaths = [
    { name: "a truncated percent-escape", path: "/api/v1/namespaces/default/services/bad%A" },
    { name: "a percent-escape that is not UTF-8", path: "/api/v1/namespaces/default/services/bad%E0%A4" },
  ];
  for (const c of badPaths) {
    test(`a path with ${c.name} gets a 4xx answer, not a 500`, async () => {
      const r = await http.request(c.path);
      assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}: ${JSON.stringify(r.text)}`);
    });
  }

  test("after all of that the server still serves kubectl", async () => {
    const c = await s.kubectl(["create", "-f", "-"], { input: serviceBodyOfSize("still-fine", 400) });
    assert.equal(c.code, 0, c.stderr);
    const g = await s.kubectl(["get", "svc", "-o", "name"]);
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stdout, /^service\/kubernetes$/m);
    assert.match(g.stdout, /^service\/still-fine$/m);
    const health = await http.request("/readyz", { authenticate: false });
    assert.equal(health.status, 200);
  });
});
