// Bootstrap tokens and cluster-info through the API server's pipeline (inject, no socket): a
// token Secret written through the API authenticates its token; wrong, expired, unknown and
// deleted tokens get the same 401 Status as any bad token; cluster-info alone is readable
// without credentials.

import { test } from "node:test";
import assert from "node:assert/strict";
import { findResource } from "../api/resources.js";
import { ensureClusterInfo } from "../server/bootstrap.js";
import { bootstrapTokenSecret } from "./bootstrap-token.js";
import { clusterInfoPath, readClusterInfo } from "./bootstrap-token-discovery.js";
import { startTestApi } from "./test-api.js";

const served = findResource("", "v1", "secrets") !== undefined;
const token = { id: "abcdef", secret: "0123456789abcdef" };
const presented = "abcdef.0123456789abcdef";

test("a bootstrap token Secret authenticates its token; bad ones get 401", { skip: served ? false : "Secrets are not served" }, async () => {
  const t = await startTestApi();
  try {
    const created = await t.request("POST", "/api/v1/namespaces/kube-system/secrets", { body: bootstrapTokenSecret({ token, now: new Date(), ttlMs: 3_600_000 }) });
    assert.equal(created.status, 201, String(created.body));
    await t.request("POST", "/api/v1/namespaces/kube-system/secrets", { body: bootstrapTokenSecret({ token: { id: "expird", secret: token.secret }, now: new Date(Date.now() - 7_200_000), ttlMs: 3_600_000 }) });
    // Authenticated: discovery is open to system:authenticated (what else the token may do is RBAC's business).
    assert.equal((await t.request("GET", "/apis", { token: presented })).status, 200);
    for (const bad of ["abcdef.ffffffffffffffff", "zzzzzz.0123456789abcdef", "expird.0123456789abcdef"]) {
      const r = await t.request("GET", "/api/v1/nodes", { token: bad });
      assert.equal(r.status, 401, bad);
      assert.deepEqual(t.json(r), { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    }
  } finally {
    t.close();
  }
});

test("cluster-info is readable without credentials; nothing else is", async () => {
  const t = await startTestApi();
  try {
    await ensureClusterInfo(t.registry, { server: "https://172.17.8.101:6443", caCert: t.pki.caCert });
    const anon = await t.request("GET", clusterInfoPath, { token: null });
    assert.equal(anon.status, 200);
    assert.deepEqual(readClusterInfo(t.json(anon)), { ok: true, server: "https://172.17.8.101:6443", caCert: t.pki.caCert });
    for (const [method, path] of [
      ["GET", "/api/v1/namespaces/kube-public/configmaps"],
      ["GET", `${clusterInfoPath}?watch=true`],
      ["DELETE", clusterInfoPath],
      ["GET", "/api/v1/namespaces/kube-system/configmaps/cluster-info"],
    ]) {
      assert.equal((await t.request(method, path, { token: null })).status, 401, `${method} ${path}`);
    }
    // Idempotent, and a new CA (a data dir made anew) replaces the old one.
    await ensureClusterInfo(t.registry, { server: "https://172.17.8.102:6443", caCert: t.pki.caCert });
    assert.deepEqual(readClusterInfo(t.json(await t.request("GET", clusterInfoPath))), { ok: true, server: "https://172.17.8.101:6443", caCert: t.pki.caCert });
    await ensureClusterInfo(t.registry, { server: "https://172.17.8.102:6443", caCert: t.pki.cert });
    assert.deepEqual(readClusterInfo(t.json(await t.request("GET", clusterInfoPath))), { ok: true, server: "https://172.17.8.102:6443", caCert: t.pki.cert });
  } finally {
    t.close();
  }
});
