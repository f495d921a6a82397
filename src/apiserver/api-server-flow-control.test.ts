// Flow control in the request pipeline (in-process): authentication first, then a seat; 429
// with Retry-After and a Status when there is none; the classification's headers on every
// answer; watches served while the level is full; seats given back whatever the answer.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ApiServer } from "./api-server.js";
import { FlowControl, builtinUid } from "./flowcontrol/flow-control.js";
import type { Admission } from "./flowcontrol/flow-control.js";
import { requestDigest } from "./flowcontrol/request-digest.js";
import type { ApiRequest, ApiResponse } from "./request.js";
import { parseRequestInfo } from "./request-info.js";
import { requestVerb } from "./request-verb.js";
import type { TestApi } from "./test-api.js";
import { startTestApi } from "./test-api.js";

const configMaps = "/api/v1/namespaces/default/configmaps";
const users = new Map([
  ["alice-token", { name: "alice", groups: ["system:authenticated"] }],
  ["mallory-token", { name: "mallory", groups: ["system:authenticated"] }],
  ["admin-token", { name: "admin", groups: ["system:masters", "system:authenticated"] }],
]);

describe("API server with flow control", () => {
  let t: TestApi;
  let fc: FlowControl;
  let api: ApiServer;
  before(async () => {
    t = await startTestApi();
    // 12 seats: global-default (alice, mallory) gets one, and each user may queue 50 more.
    fc = new FlowControl({ maxRequestsInflight: 8, maxMutatingRequestsInflight: 4, requestWaitLimitMs: 200 });
    api = new ApiServer({ registry: t.registry, tokens: users, serverAddress: "172.17.8.101:6443", flowControl: fc, authorization: false });
  });
  after(() => t.close());

  function request(token: string | undefined, path: string, o: { method?: string; query?: string; signal?: AbortSignal } = {}): Promise<ApiResponse> {
    const req: ApiRequest = { method: o.method ?? "GET", path, query: new URLSearchParams(o.query ?? ""), headers: token ? { authorization: `Bearer ${token}` } : {}, body: Buffer.alloc(0), signal: o.signal };
    return api.inject(req);
  }

  /** Takes global-default's one seat as mallory would, until the returned admission is released. */
  async function takeTheSeat(): Promise<Admission> {
    const info = parseRequestInfo(configMaps);
    const a = await fc.admit(requestDigest(requestVerb("GET", info, new URLSearchParams()), info, users.get("mallory-token")));
    assert.ok(a.release);
    return a;
  }

  const globalDefault = { "x-kubernetes-pf-flowschema-uid": builtinUid("flowschema", "global-default"), "x-kubernetes-pf-prioritylevel-uid": builtinUid("prioritylevelconfiguration", "global-default") };

  test("answers carry the flow schema's and priority level's UIDs, errors too", async () => {
    const ok = await request("alice-token", configMaps);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers["x-kubernetes-pf-flowschema-uid"], globalDefault["x-kubernetes-pf-flowschema-uid"]);
    assert.equal(ok.headers["x-kubernetes-pf-prioritylevel-uid"], globalDefault["x-kubernetes-pf-prioritylevel-uid"]);
    const missing = await request("alice-token", `${configMaps}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers["x-kubernetes-pf-flowschema-uid"], globalDefault["x-kubernetes-pf-flowschema-uid"]);
    const admin = await request("admin-token", configMaps);
    assert.equal(admin.headers["x-kubernetes-pf-prioritylevel-uid"], builtinUid("prioritylevelconfiguration", "exempt"));
    assert.deepEqual(fc.levels().find((l) => l.name === "global-default"), { name: "global-default", seats: 1, executing: 0, waiting: 0, rejected: 0 });
  });

  test("authentication comes first: a bad token is 401, without flow control's headers", async () => {
    const r = await request("wrong", configMaps);
    assert.equal(r.status, 401);
    assert.equal(r.headers["x-kubernetes-pf-flowschema-uid"], undefined);
  });

  test("no seat within the wait limit: 429 in plain text, as kube-apiserver, with Retry-After: 1", async () => {
    const seat = await takeTheSeat();
    const r = await request("alice-token", configMaps);
    seat.release?.();
    assert.equal(r.status, 429);
    assert.equal(r.headers["retry-after"], "1");
    assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
    assert.equal(r.headers["x-kubernetes-pf-flowschema-uid"], globalDefault["x-kubernetes-pf-flowschema-uid"]);
    assert.equal(String(r.body), "Too many requests, please try again later.\n");
  });

  test("a request that waits gets the seat when it frees, and gives it back", async () => {
    const seat = await takeTheSeat();
    const waiting = request("alice-token", configMaps);
    await new Promise((r) => setImmediate(r));
    assert.equal(fc.levels().find((l) => l.name === "global-default")?.waiting, 1);
    seat.release?.();
    assert.equal((await waiting).status, 200);
    assert.equal(fc.levels().find((l) => l.name === "global-default")?.executing, 0);
  });

  test("watches, probes and the exempt admin are served while the level is full", async () => {
    const seat = await takeTheSeat();
    try {
      const stop = new AbortController();
      const watch = await request("alice-token", configMaps, { query: "watch=1", signal: stop.signal });
      assert.equal(watch.status, 200);
      assert.ok(watch.stream);
      assert.equal(watch.headers["x-kubernetes-pf-flowschema-uid"], globalDefault["x-kubernetes-pf-flowschema-uid"]);
      stop.abort();
      assert.equal((await request(undefined, "/readyz")).status, 200);
      assert.equal((await request("admin-token", configMaps)).status, 200);
    } finally {
      seat.release?.();
    }
  });
});
