import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { JsonObject } from "../../api/json.js";
import type { Status } from "../../api/types.js";
import type { TestApi } from "../test-api.js";
import { startTestApi, testToken } from "../test-api.js";

const tokenPath = (sa: string, ns = "default") => `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`;
const claimsOf = (token: string): JsonObject => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as JsonObject;

describe("POST serviceaccounts/<name>/token", () => {
  let t: TestApi;
  let podUid = "";
  before(async () => {
    t = await startTestApi();
    const pod = await t.request("POST", "/api/v1/namespaces/default/pods", {
      body: { metadata: { name: "web-0" }, spec: { nodeName: "core-v2-01", containers: [{ name: "c", image: "nginx" }] } },
    });
    assert.equal(pod.status, 201);
    podUid = t.json<{ metadata: { uid: string } }>(pod).metadata.uid;
    await t.request("POST", "/api/v1/namespaces/default/serviceaccounts", { body: { metadata: { name: "other" } } });
  });
  after(() => t.close());

  it("issues an hour's token for the API server's audience by default", async () => {
    const res = await t.request("POST", tokenPath("default"), { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} } });
    assert.equal(res.status, 201);
    const tr = t.json<{ metadata: JsonObject; spec: JsonObject; status: { token: string; expirationTimestamp: string } }>(res);
    assert.equal(tr.metadata.name, "default");
    assert.equal(tr.metadata.namespace, "default");
    assert.deepEqual(tr.spec, { audiences: ["https://kubernetes.default.svc.cluster.local"], expirationSeconds: 3600 });
    const c = claimsOf(tr.status.token);
    assert.equal(c.sub, "system:serviceaccount:default:default");
    assert.equal((c.exp as number) - (c.iat as number), 3600);
    assert.equal(Date.parse(tr.status.expirationTimestamp) / 1000, c.exp);
    // It authenticates (discovery is open to every authenticated user; pods are RBAC's to grant).
    const use = await t.request("GET", "/apis", { token: tr.status.token });
    assert.equal(use.status, 200, "the token authenticates");
    assert.equal((await t.request("GET", "/api/v1/namespaces/default/pods", { token: tr.status.token })).status, 403, "and RBAC grants the default account nothing");
  });

  it("binds to a pod: pod and node in the claims, a year for 3607 s with warnafter, the answer still 3607 s", async () => {
    const res = await t.request("POST", tokenPath("default"), {
      body: { spec: { expirationSeconds: 3607, boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "web-0", uid: podUid } } },
    });
    assert.equal(res.status, 201);
    const tr = t.json<{ metadata: JsonObject; status: { token: string; expirationTimestamp: string } }>(res);
    const c = claimsOf(tr.status.token);
    const k8s = c["kubernetes.io"] as JsonObject;
    assert.deepEqual(k8s.pod, { name: "web-0", uid: podUid });
    assert.deepEqual(k8s.node, { name: "core-v2-01", uid: "" }, "a node that does not exist is named without uid");
    assert.equal((c.exp as number) - (c.iat as number), 365 * 24 * 3600);
    assert.equal((k8s.warnafter as number) - (c.iat as number), 3607);
    assert.equal(Date.parse(tr.status.expirationTimestamp) / 1000 - (c.iat as number), 3607);
  });

  it("accepts a protobuf body as kubectl create token sends it", async () => {
    const body = Buffer.from("azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBIaChAKABIAGgAiACoAMgA4AEIAEgAaBAoAEgAaACIA", "base64");
    const res = await t.api.inject({
      method: "POST",
      path: tokenPath("default"),
      query: new URLSearchParams(),
      headers: { authorization: `Bearer ${testToken}`, "content-type": "application/vnd.kubernetes.protobuf" },
      body,
    });
    assert.equal(res.status, 201, String(res.body));
  });

  const failures: { name: string; sa?: string; body: unknown; code: number; message: string; causes?: { field: string; reason: string }[] }[] = [
    {
      name: "too short",
      body: { spec: { expirationSeconds: 60 } },
      code: 422,
      message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
      causes: [{ field: "spec.expirationSeconds", reason: "FieldValueInvalid" }],
    },
    {
      name: "too long",
      body: { spec: { expirationSeconds: 2 ** 32 + 1 } },
      code: 422,
      message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds',
      causes: [{ field: "spec.expirationSeconds", reason: "FieldValueInvalid" }],
    },
    {
      name: "another name in the body",
      body: { metadata: { name: "other" }, spec: {} },
      code: 422,
      message: 'TokenRequest.authentication.k8s.io "default" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified',
      causes: [{ field: "metadata.name", reason: "FieldValueInvalid" }],
    },
    { name: "a missing service account", sa: "nope", body: { spec: {} }, code: 404, message: 'serviceaccounts "nope" not found' },
    {
      name: "a pod running as another account",
      sa: "other",
      body: { spec: { boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "web-0" } } },
      code: 400,
      message: 'cannot bind token for serviceaccount "other" to pod running with different serviceaccount name.',
    },
    {
      name: "a stale pod uid",
      body: { spec: { boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "web-0", uid: "old" } } },
      code: 409,
      message:
        'Operation cannot be fulfilled on Pod "web-0": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated',
    },
    { name: "a missing pod", body: { spec: { boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "gone" } } }, code: 404, message: 'pods "gone" not found' },
    { name: "a secret (none are served)", body: { spec: { boundObjectRef: { apiVersion: "v1", kind: "Secret", name: "s" } } }, code: 404, message: 'secrets "s" not found' },
    {
      name: "an unsupported kind",
      body: { spec: { boundObjectRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" } } },
      code: 400,
      message: "cannot bind token to object of type apps/v1, Kind=Deployment",
    },
    {
      name: "another kind of body",
      body: { apiVersion: "v1", kind: "ServiceAccount", metadata: {} },
      code: 400,
      message: 'ServiceAccount in version "v1" cannot be handled as a TokenRequest: no kind "ServiceAccount" is registered for version "v1" in scheme "svcnet"',
    },
  ];
  for (const f of failures) {
    it(`refuses ${f.name} (${f.code})`, async () => {
      const res = await t.request("POST", tokenPath(f.sa ?? "default"), { body: f.body });
      const st = t.json<Status>(res);
      assert.equal(res.status, f.code);
      assert.equal(st.message, f.message);
      if (f.causes) assert.deepEqual(st.details?.causes?.map((c) => ({ field: c.field, reason: c.reason })), f.causes);
    });
  }
});

describe("service account tokens as bearer tokens", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(() => t.close());

  async function token(body: unknown = { spec: {} }): Promise<string> {
    const res = await t.request("POST", tokenPath("default"), { body });
    assert.equal(res.status, 201, String(res.body));
    return t.json<{ status: { token: string } }>(res).status.token;
  }
  const auth = (tok: string) => ({ authorization: `Bearer ${tok}` });

  it("authenticates in the pipeline and in authenticate() (exec upgrades) until the pod goes", async () => {
    const created = await t.request("POST", "/api/v1/namespaces/default/pods", { body: { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "nginx" }] } } });
    const uid = t.json<{ metadata: { uid: string } }>(created).metadata.uid;
    const tok = await token({ spec: { boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "p", uid } } });
    assert.equal((await t.request("GET", "/apis", { token: tok })).status, 200);
    // authenticate() reads only the cache, which follows the store by watching.
    for (let i = 0; i < 100 && !t.api.authenticate(auth(tok)); i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(t.api.authenticate(auth(tok))?.groups, ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]);
    assert.equal((await t.request("DELETE", "/api/v1/namespaces/default/pods/p")).status, 200);
    assert.equal((await t.request("GET", "/apis", { token: tok })).status, 401);
    for (let i = 0; i < 100 && t.api.authenticate(auth(tok)); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(t.api.authenticate(auth(tok)), undefined);
  });

  it("stops authenticating when the service account is deleted and made again", async () => {
    const created = await t.request("POST", "/api/v1/namespaces/default/serviceaccounts", { body: { metadata: { name: "temp" } } });
    assert.equal(created.status, 201);
    const res = await t.request("POST", tokenPath("temp"), { body: { spec: {} } });
    const tok = t.json<{ status: { token: string } }>(res).status.token;
    assert.equal((await t.request("GET", "/apis", { token: tok })).status, 200);
    await t.request("DELETE", "/api/v1/namespaces/default/serviceaccounts/temp");
    await t.request("POST", "/api/v1/namespaces/default/serviceaccounts", { body: { metadata: { name: "temp" } } });
    assert.equal((await t.request("GET", "/apis", { token: tok })).status, 401);
  });
});
