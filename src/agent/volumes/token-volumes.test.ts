import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { tokenVolumeSource } from "../../api/service-account-volume.js";
import type { Pod } from "../../api/types.js";
import type { ClientRequest, ClientResponse, Transport } from "../../client/index.js";
import { FakeClock } from "../../client/index.js";
import { TokenVolumes } from "./token-volumes.js";

const mountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

function admittedPod(uid = "pod-1"): Pod {
  return {
    metadata: { name: "web-0", namespace: "team-a", uid },
    spec: {
      serviceAccountName: "default",
      containers: [{ name: "c", image: "curl", volumeMounts: [{ name: "kube-api-access-abcde", readOnly: true, mountPath }] }],
      volumes: [{ name: "kube-api-access-abcde", projected: tokenVolumeSource() }],
    },
  };
}

/** An API that issues tokens `tok-1`, `tok-2`, … valid for what was asked, and serves kube-root-ca.crt. */
class FakeApi implements Transport {
  tokens = 0;
  failTokens = false;
  hasRootCA = true;
  readonly requests: string[] = [];
  constructor(readonly clock: FakeClock) {}
  async request(r: ClientRequest): Promise<ClientResponse> {
    this.requests.push(`${r.method} ${r.path}`);
    const json = (status: number, body: unknown): ClientResponse => ({ status, headers: {}, body: JSON.stringify(body) });
    if (r.method === "POST" && r.path === "/api/v1/namespaces/team-a/serviceaccounts/default/token") {
      if (this.failTokens) return json(500, { kind: "Status", apiVersion: "v1", status: "Failure", code: 500, message: "boom", metadata: {} });
      const req = JSON.parse(r.body ?? "{}") as { spec: { expirationSeconds: number; boundObjectRef: { uid: string } } };
      assert.equal(req.spec.boundObjectRef.uid, "pod-1");
      const exp = new Date(this.clock.now() + req.spec.expirationSeconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");
      return json(201, { ...req, status: { token: `tok-${++this.tokens}`, expirationTimestamp: exp } });
    }
    if (r.method === "GET" && r.path === "/api/v1/namespaces/team-a/configmaps/kube-root-ca.crt") {
      if (!this.hasRootCA) return json(404, { kind: "Status", apiVersion: "v1", status: "Failure", code: 404, reason: "NotFound", message: 'configmaps "kube-root-ca.crt" not found', metadata: {} });
      return json(200, { metadata: { name: "kube-root-ca.crt", namespace: "team-a" }, data: { "ca.crt": "PEM" } });
    }
    return json(404, { kind: "Status", apiVersion: "v1", status: "Failure", code: 404, message: "no", metadata: {} });
  }
}

async function eventually(what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`never: ${what}`);
}

describe("TokenVolumes", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  async function setup() {
    const root = await mkdtemp(path.join(tmpdir(), "svcnet-tokens-"));
    dirs.push(root);
    const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
    const api = new FakeApi(clock);
    const volumes = new TokenVolumes({ transport: api, clock, retryMs: 10_000, log: () => {} });
    const dir = path.join(root, "sa");
    return { clock, api, volumes, dir, token: () => readFile(path.join(dir, "token"), "utf8") };
  }

  it("writes token, ca.crt and namespace, and replaces the token 80 % into its lifetime", async () => {
    const s = await setup();
    assert.deepEqual(await s.volumes.ensure(admittedPod(), s.dir), { ok: true, files: { token: "tok-1", "ca.crt": "PEM", namespace: "team-a" } });
    assert.equal(await s.token(), "tok-1");
    assert.equal(await readFile(path.join(s.dir, "namespace"), "utf8"), "team-a");
    assert.deepEqual(await s.volumes.ensure(admittedPod(), s.dir), { ok: true, files: { token: "tok-1", "ca.crt": "PEM", namespace: "team-a" } });
    assert.equal(s.api.tokens, 1, "a second ensure reuses the files");
    s.clock.advance(3607 * 800 - 1000);
    assert.equal(s.api.tokens, 1, "not before 80 %");
    s.clock.advance(1000);
    // Written, and the next refresh planned.
    await eventually("the refreshed token on disk", async () => (await s.token()) === "tok-2" && s.clock.pendingTimers === 1);
    s.clock.advance(3607 * 800);
    await eventually("and again", async () => (await s.token()) === "tok-3");
    s.volumes.stop();
  });

  it("keeps the old token when a refresh fails and tries again shortly", async () => {
    const s = await setup();
    await s.volumes.ensure(admittedPod(), s.dir);
    s.api.failTokens = true;
    s.clock.advance(3607 * 800);
    await eventually("a failed try", async () => s.api.requests.filter((r) => r.startsWith("POST")).length === 2 && s.clock.pendingTimers === 1);
    assert.equal(await s.token(), "tok-1");
    s.api.failTokens = false;
    s.clock.advance(10_000);
    await eventually("the retry", async () => (await s.token()) === "tok-2");
    s.volumes.stop();
  });

  it("stops refreshing a forgotten pod", async () => {
    const s = await setup();
    await s.volumes.ensure(admittedPod(), s.dir);
    s.volumes.forget("pod-1");
    assert.equal(s.clock.pendingTimers, 0);
    s.clock.advance(86_400_000);
    assert.equal(s.api.tokens, 1);
  });

  it("reports what is missing instead of writing files", async () => {
    const s = await setup();
    s.api.hasRootCA = false;
    assert.deepEqual(await s.volumes.ensure(admittedPod(), s.dir), { ok: false, error: 'configmap "kube-root-ca.crt" not found' });
    s.api.hasRootCA = true;
    s.api.failTokens = true;
    assert.deepEqual(await s.volumes.ensure(admittedPod(), s.dir), { ok: false, error: "boom" });
    assert.equal(s.clock.pendingTimers, 0);
  });

  it("does nothing for a pod without a token volume", async () => {
    const s = await setup();
    const pod = admittedPod();
    pod.spec.containers[0].volumeMounts = [];
    assert.equal(await s.volumes.ensure(pod, s.dir), undefined);
    assert.deepEqual(s.api.requests, []);
  });
});
