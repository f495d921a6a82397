// The audit log end to end, in-process: requests through the real pipeline, events through the
// real writer into a file in a temp dir. Mutations land in the log with who made them and the
// final response code, refused ones included; reads do not; every response has an Audit-Id.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listen } from "../http-server.js";
import { ApiError } from "../../api/errors.js";
import type { ApiRequest, ApiResponse } from "../request.js";
import type { TestApi } from "../test-api.js";
import { startTestApi, testToken } from "../test-api.js";
import type { AuditEvent } from "./audit-event.js";
import { AuditLogWriter } from "./audit-log-writer.js";

const svcPath = "/api/v1/namespaces/default/services";

function service(name: string): Record<string, unknown> {
  return { apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] } };
}

describe("audit log of the API server (in-process)", () => {
  let dir: string;
  let log: AuditLogWriter;
  let t: TestApi;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "svcnet-audit-api-"));
    log = await AuditLogWriter.open({ path: join(dir, "audit.log") });
    t = await startTestApi({ audit: log });
  });
  after(async () => {
    t.close();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The events logged while `act` ran. */
  async function logged(act: () => Promise<void>): Promise<AuditEvent[]> {
    await log.flush();
    const path = join(dir, "audit.log");
    const before = (await readFile(path, "utf8")).length;
    await act();
    await log.flush();
    const text = (await readFile(path, "utf8")).slice(before);
    return text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEvent);
  }

  /** A request straight into the pipeline, with the headers and peer address a socket would give. */
  function inject(method: string, path: string, o: { body?: unknown; headers?: ApiRequest["headers"]; remoteAddress?: string } = {}): Promise<ApiResponse> {
    const url = new URL(path, "https://svcnet.test");
    return t.api.inject({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: { authorization: `Bearer ${testToken}`, "content-type": "application/json", ...o.headers },
      body: Buffer.from(o.body === undefined ? "" : JSON.stringify(o.body)),
      remoteAddress: o.remoteAddress,
    });
  }

  test("create, patch and delete are logged with the user, the object and the code; GETs are not", async () => {
    const responses: ApiResponse[] = [];
    const events = await logged(async () => {
      responses.push(await inject("POST", svcPath, { body: service("web"), headers: { "user-agent": "kubectl/v1.32.4" }, remoteAddress: "::ffff:192.0.2.10" }));
      responses.push(await inject("GET", `${svcPath}/web`));
      responses.push(await inject("GET", svcPath));
      responses.push(await inject("GET", `${svcPath}?watch=true&resourceVersion=0`, {}));
      responses.push(
        await t.api.inject({
          method: "PATCH",
          path: `${svcPath}/web`,
          query: new URLSearchParams("fieldManager=audit-test"),
          headers: { authorization: `Bearer ${testToken}`, "content-type": "application/merge-patch+json" },
          body: Buffer.from(JSON.stringify({ metadata: { labels: { tier: "front" } } })),
        }),
      );
      responses.push(await inject("DELETE", `${svcPath}/web`));
    });
    assert.deepEqual(
      responses.map((r) => r.status),
      [201, 200, 200, 200, 200, 200],
    );
    assert.deepEqual(
      events.map((e) => [e.verb, e.objectRef?.name, e.responseStatus.code, e.user.username]),
      [
        ["create", "web", 201, "admin"],
        ["patch", "web", 200, "admin"],
        ["delete", "web", 200, "admin"],
      ],
    );
    const [create, patch] = events;
    assert.deepEqual(create.objectRef, { resource: "services", namespace: "default", name: "web", apiVersion: "v1" });
    assert.deepEqual(create.sourceIPs, ["192.0.2.10"]);
    assert.equal(create.userAgent, "kubectl/v1.32.4");
    assert.equal(create.stage, "ResponseComplete");
    assert.equal(create.level, "Metadata");
    assert.ok(create.requestReceivedTimestamp <= create.stageTimestamp);
    assert.match(create.stageTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(patch.requestURI, "/api/v1/namespaces/default/services/web?fieldManager=audit-test");
    // Every response names its audit ID; a logged one is the event's.
    for (const r of responses) assert.match(r.headers["audit-id"], /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      events.map((e) => e.auditID),
      [responses[0], responses[4], responses[5]].map((r) => r.headers["audit-id"]),
    );
    // The watch's stream is left to end with the test's API server.
  });

  test("refused mutations are logged too: who tried, and how it ended", async () => {
    await inject("POST", svcPath, { body: service("taken") });
    const events = await logged(async () => {
      assert.equal((await inject("POST", svcPath, { body: service("taken") })).status, 409);
      assert.equal((await inject("POST", svcPath, { body: { ...service("bad"), spec: { ports: [{ port: 70000 }] } } })).status, 422);
      assert.equal((await inject("DELETE", `${svcPath}/web`, { headers: { authorization: "Bearer stolen" } })).status, 401);
      assert.equal((await inject("POST", svcPath, { body: service("anon"), headers: { authorization: "" } })).status, 401);
    });
    assert.deepEqual(
      events.map((e) => [e.verb, e.objectRef?.name, e.user.username, e.responseStatus.code, e.responseStatus.reason ?? e.responseStatus.message]),
      [
        ["create", "taken", "admin", 409, "AlreadyExists"],
        ["create", "bad", "admin", 422, "Invalid"],
        ["delete", "web", undefined, 401, "Authentication failed, attempted: bearer"],
        // A stranger's body is not decoded for the log: the name stays unknown.
        ["create", undefined, undefined, 401, "Authentication failed, no credentials provided"],
      ],
    );
    assert.equal(events[0].responseStatus.message, 'services "taken" already exists');
    assert.deepEqual(events[2].user, {});
  });

  test("a service account is logged as itself, with its uid, refused (RBAC grants it nothing here)", async () => {
    const tr = await t.request("POST", "/api/v1/namespaces/kube-system/serviceaccounts/default/token", {
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
    });
    assert.equal(tr.status, 201, String(tr.body));
    const token = t.json<{ status: { token: string } }>(tr).status.token;
    const events = await logged(async () => {
      const r = await inject("POST", "/api/v1/namespaces/kube-system/configmaps", {
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "from-sa" } },
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(r.status, 403, String(r.body));
    });
    assert.equal(events.length, 1);
    assert.equal(events[0].responseStatus.code, 403);
    assert.equal(events[0].user.username, "system:serviceaccount:kube-system:default");
    assert.match(events[0].user.uid ?? "", /^[0-9a-f-]{36}$/);
    assert.ok(events[0].user.groups?.includes("system:serviceaccounts:kube-system"));
    assert.deepEqual(events[0].objectRef, { resource: "configmaps", namespace: "kube-system", name: "from-sa", apiVersion: "v1" });
  });

  test("exec and port-forward upgrades are logged as creates of the subresource, with 101 or the refusal", async () => {
    const events = await logged(async () => {
      const headers = { authorization: `Bearer ${testToken}`, "user-agent": "kubectl/v1.32.5" };
      t.api.auditUpgrade(
        { path: "/api/v1/namespaces/default/pods/web/exec", query: new URLSearchParams("command=sh&stdin=true"), headers, remoteAddress: "127.0.0.1" },
        { user: { name: "admin", groups: ["system:masters"] }, status: 101 },
      );
      const refused = new ApiError(403, "Forbidden", 'pods "web" is forbidden: User "jane" cannot create resource "pods/portforward" in API group "" in the namespace "default"');
      t.api.auditUpgrade(
        { path: "/api/v1/namespaces/default/pods/web/portforward", query: new URLSearchParams(), headers, remoteAddress: "127.0.0.1" },
        { user: { name: "jane", groups: ["system:authenticated"] }, status: 403, error: refused },
      );
    });
    assert.deepEqual(
      events.map((e) => [e.verb, e.objectRef?.resource, e.objectRef?.subresource, e.objectRef?.name, e.user.username, e.responseStatus.code]),
      [
        ["create", "pods", "exec", "web", "admin", 101],
        ["create", "pods", "portforward", "web", "jane", 403],
      ],
    );
    assert.equal(events[0].requestURI, "/api/v1/namespaces/default/pods/web/exec?command=sh&stdin=true");
  });

  test("an Audit-ID the client sends is echoed and logged", async () => {
    let res: ApiResponse | undefined;
    const events = await logged(async () => {
      res = await inject("POST", "/api/v1/namespaces/default/configmaps", {
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "traced" } },
        headers: { "audit-id": "trace-0042" },
      });
    });
    assert.equal(res?.headers["audit-id"], "trace-0042");
    assert.deepEqual(
      events.map((e) => e.auditID),
      ["trace-0042"],
    );
  });

  test("over HTTPS: the peer's address is recorded, and the client gets the Audit-Id header", async () => {
    const stop = new AbortController();
    try {
      const { address } = await listen(t.api, { host: "127.0.0.1", port: 0, key: t.pki.key, cert: t.pki.cert, signal: stop.signal });
      let header: string | string[] | undefined;
      const events = await logged(async () => {
        const status = await new Promise<number | undefined>((resolve, reject) => {
          const req = httpsRequest(
            {
              host: "127.0.0.1",
              port: address.port,
              method: "POST",
              path: "/api/v1/namespaces/default/configmaps",
              ca: t.pki.caCert,
              servername: "localhost",
              headers: { authorization: `Bearer ${testToken}`, "content-type": "application/json", "user-agent": "audit-test/1.0" },
            },
            (res) => {
              header = res.headers["audit-id"];
              res.resume();
              res.on("end", () => resolve(res.statusCode));
            },
          );
          req.on("error", reject);
          req.end(JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "over-https" } }));
        });
        assert.equal(status, 201);
      });
      assert.equal(events.length, 1);
      assert.deepEqual(events[0].sourceIPs, ["127.0.0.1"]);
      assert.equal(events[0].userAgent, "audit-test/1.0");
      assert.equal(header, events[0].auditID);
    } finally {
      stop.abort();
    }
  });

  test("non-resource requests and errors on reads carry an Audit-Id but are not logged", async () => {
    const events = await logged(async () => {
      for (const r of [await t.request("GET", "/healthz", { token: null }), await t.request("GET", `${svcPath}/nope`), await t.request("GET", svcPath, { token: "bad" })]) {
        assert.match(r.headers["audit-id"], /^[0-9a-f-]{36}$/);
      }
    });
    assert.deepEqual(events, []);
  });
});
