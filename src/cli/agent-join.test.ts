import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { CertificateSigningRequest } from "../api/certificates-types.js";
import type { ResourceInfo } from "../api/resources.js";
import { requireResource } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import { bootstrapTokenSecret, formatBootstrapToken, generateBootstrapToken } from "../apiserver/bootstrap-token.js";
import { ClientError, HttpsTransport, KubeClient } from "../client/index.js";
import { parseCsr } from "../controllers/certificates/csr-request.js";
import { csrApprovingController } from "../controllers/certificates/csrapproving-controller.js";
import { csrSigningController } from "../controllers/certificates/csrsigning-controller.js";
import type { TestCluster } from "../controllers/test-cluster.js";
import { inMemoryCa } from "../server/pki.js";
import { joinCluster, joinFlagsError } from "./agent-join.js";
import type { JoinTestServer } from "./join-test-server.js";
import { startJoinTestServer } from "./join-test-server.js";

test("joinFlagsError: one line with the fix for each mistake", async (t) => {
  const good = { server: "https://172.17.8.101:6443", token: "abcdef.0123456789abcdef", caCertHash: `sha256:${"0".repeat(64)}`, unsafeSkipCaVerification: false };
  const cases: { name: string; flags: Partial<typeof good> & { caCertHash?: string | undefined }; want: RegExp | undefined }[] = [
    { name: "all good", flags: {}, want: undefined },
    { name: "unverified, when asked for", flags: { caCertHash: undefined, unsafeSkipCaVerification: true }, want: undefined },
    { name: "http", flags: { server: "http://172.17.8.101:6443" }, want: /--server must be the API server's https:\/\/host:port/ },
    { name: "a path", flags: { server: "https://172.17.8.101:6443/api" }, want: /--server must be/ },
    { name: "not a URL", flags: { server: "172.17.8.101:6443" }, want: /--server must be/ },
    { name: "a malformed token", flags: { token: "abcdef:0123456789abcdef" }, want: /--token must look like abcdef\.0123456789abcdef/ },
    { name: "a malformed hash", flags: { caCertHash: "0".repeat(64) }, want: /--ca-cert-hash must be sha256:<64 hex digits>/ },
    { name: "neither hash nor skip", flags: { caCertHash: undefined }, want: /--ca-cert-hash sha256:… is needed .*--discovery-token-unsafe-skip-ca-verification/ },
    { name: "both hash and skip", flags: { unsafeSkipCaVerification: true }, want: /either --ca-cert-hash or --discovery-token-unsafe-skip-ca-verification/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const flags = { ...good, ...c.flags };
      if ("caCertHash" in c.flags && c.flags.caCertHash === undefined) delete (flags as { caCertHash?: string }).caCertHash;
      const got = joinFlagsError(flags);
      if (c.want) assert.match(got ?? "", c.want);
      else assert.equal(got, undefined);
    });
  }
});

// The whole join against the real HTTPS listener of an in-process API server: discovery, the
// token, the CertificateSigningRequest, csrapproving and csrsigning, the node's kubeconfig.
describe("joinCluster: TLS bootstrap", () => {
  let cluster: TestCluster;
  let server: string;
  let token: string;
  let dir: string;
  let target: JoinTestServer;
  const transports: HttpsTransport[] = [];
  const clientOf = <T extends KubeObject>(kubeconfig: string, r: ResourceInfo): KubeClient<T> => {
    const transport = HttpsTransport.fromKubeconfig(kubeconfig);
    transports.push(transport);
    return new KubeClient<T>(transport, r);
  };
  const join_ = (o: { nodeName: string; dataDir: string; bootstrapTimeoutMs?: number }) =>
    joinCluster({ server, token, caCertHash: target.caCertHash, unsafeSkipCaVerification: false, modulusLength: 1024, pollMs: 50, warn: () => {}, ...o });
  const csrs = () => cluster.client<CertificateSigningRequest>(requireResource("certificates.k8s.io", "v1", "certificatesigningrequests"));

  before(async () => {
    target = await startJoinTestServer({ controllers: [csrApprovingController, csrSigningController] });
    ({ cluster, url: server, token } = target);
    dir = mkdtempSync(join(tmpdir(), "svcnet-join-"));
  });
  after(async () => {
    for (const t of transports) t.close();
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the node gets a certificate of its own; the token keeps only the right to ask", async () => {
    const dataDir = join(dir, "n1");
    const joined = await join_({ nodeName: "n1", dataDir });
    assert.ok(joined.ok, joined.ok ? "" : joined.error);
    assert.equal(joined.kubeconfigPath, join(dataDir, "kubelet.kubeconfig"));
    assert.match(joined.csrName ?? "", /^node-csr-/);
    assert.equal(statSync(joined.kubeconfigPath).mode & 0o777, 0o600);
    const kubeconfig = readFileSync(joined.kubeconfigPath, "utf8");
    assert.ok(kubeconfig.includes("client-certificate-data:") && kubeconfig.includes("client-key-data:") && !kubeconfig.includes(token), "a certificate and key, never the token");
    assert.ok(readFileSync(join(dataDir, "bootstrap-kubeconfig"), "utf8").includes(`token: ${token}`), "the token only in bootstrap-kubeconfig");

    const who = await clientOf<KubeObject & { status?: { userInfo?: { username?: string; groups?: string[] } } }>(joined.kubeconfigPath, requireResource("authentication.k8s.io", "v1", "selfsubjectreviews")).create({
      apiVersion: "authentication.k8s.io/v1",
      kind: "SelfSubjectReview",
      metadata: {},
    });
    assert.equal(who.status?.userInfo?.username, "system:node:n1");
    assert.ok(who.status?.userInfo?.groups?.includes("system:nodes"));

    const csr = await csrs().get(undefined, joined.csrName ?? "");
    assert.deepEqual(
      csr.status?.conditions?.map((c) => [c.type, c.status, c.reason]),
      [["Approved", "True", "AutoApproved"]],
    );
    assert.equal(csr.spec.username, `system:bootstrap:${token.slice(0, 6)}`);
    assert.ok(csr.status?.certificate);

    const byToken = join(dataDir, "bootstrap-kubeconfig");
    await assert.rejects(clientOf(byToken, requireResource("", "v1", "secrets")).list("kube-system"), (e: unknown) => e instanceof ClientError && e.code === 403);
    await assert.rejects(clientOf(byToken, requireResource("", "v1", "nodes")).get(undefined, "n1"), (e: unknown) => e instanceof ClientError && e.code === 403);
  });

  test("a second start with a valid certificate asks for none", async () => {
    const dataDir = join(dir, "n2");
    const first = await join_({ nodeName: "n2", dataDir });
    assert.ok(first.ok && first.csrName);
    const before_ = (await csrs().list(undefined)).items.length;
    const again = await join_({ nodeName: "n2", dataDir });
    assert.deepEqual(again, { ok: true, kubeconfigPath: first.kubeconfigPath, caCertHash: first.caCertHash });
    assert.equal((await csrs().list(undefined)).items.length, before_);
    // Another node name on the same data dir is a new join.
    const renamed = await join_({ nodeName: "n3", dataDir });
    assert.ok(renamed.ok && renamed.csrName);
  });
});

describe("joinCluster: a request nobody approves, or somebody denies", () => {
  let cluster: TestCluster;
  let server: string;
  let token: string;
  let dir: string;
  let target: JoinTestServer;
  const csrs = () => cluster.client<CertificateSigningRequest>(requireResource("certificates.k8s.io", "v1", "certificatesigningrequests"));

  before(async () => {
    // No csrapproving: requests wait for a person.
    target = await startJoinTestServer({ controllers: [] });
    ({ cluster, url: server, token } = target);
    dir = mkdtempSync(join(tmpdir(), "svcnet-join-"));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const joinOptions = (nodeName: string, bootstrapTimeoutMs: number) =>
    ({ server, token, caCertHash: target.caCertHash, unsafeSkipCaVerification: false, modulusLength: 1024, pollMs: 50, warn: () => {}, nodeName, dataDir: join(dir, nodeName), bootstrapTimeoutMs });
  const join_ = (nodeName: string, bootstrapTimeoutMs: number) => joinCluster(joinOptions(nodeName, bootstrapTimeoutMs));

  test("waiting runs out with the approve command", async () => {
    const r = await join_("late", 300);
    assert.ok(!r.ok);
    assert.match(r.error, /^the certificate signing request (node-csr-\S+) was not approved within 0 s: approve it with 'kubectl certificate approve node-csr-\S+'/);
    assert.ok(!existsSync(join(dir, "late", "kubelet.kubeconfig")));
  });

  test("a token that may ask but not read back fails at once, naming the missing permission", async () => {
    // A second token whose group may only create requests: the first read back is refused.
    const id = generateBootstrapToken(randomBytes);
    const group = "system:bootstrappers:create-only";
    await cluster.api.registry.create(requireResource("", "v1", "secrets"), "kube-system", bootstrapTokenSecret({ token: id, now: new Date(), ttlMs: 3600_000, extraGroups: [group] }));
    const rbac = (resource: string) => cluster.client<KubeObject>(requireResource("rbac.authorization.k8s.io", "v1", resource));
    await rbac("clusterroles").create({ metadata: { name: "test-csr-create-only" }, rules: [{ apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests"], verbs: ["create"] }] } as KubeObject);
    await rbac("clusterrolebindings").create({
      metadata: { name: "test-csr-create-only" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "test-csr-create-only" },
      subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: group }],
    } as KubeObject);
    const started = Date.now();
    const r = await joinCluster({ ...joinOptions("create-only", 60_000), token: formatBootstrapToken(id) });
    assert.ok(!r.ok);
    assert.match(r.error, /^the server forbids the join token to read the certificate signing request node-csr-\S+ it made \(.+\): the token's group needs get on certificatesigningrequests\.certificates\.k8s\.io, from the ClusterRole system:node-bootstrapper through the ClusterRoleBinding svcnet:kubelet-bootstrap/);
    assert.ok(Date.now() - started < 30_000, "did not wait for the timeout");
  });

  test("a server whose certificate stops verifying while the request waits: the timeout names the TLS error, not approval", async () => {
    const joining = join_("tls", 1500);
    await cluster.waitFor("the node's request", async () =>
      (await csrs().list(undefined)).items.some((c) => {
        const p = parseCsr(c.spec.request);
        return p.ok && p.csr.commonName === "system:node:tls";
      }),
    );
    // Another CA's certificate from now on, as after a server reinstalled under the same address.
    const stranger = inMemoryCa({ modulusLength: 1024 });
    const { pki } = cluster.api;
    target.listener.setSecureContext({ key: stranger.key, cert: stranger.cert, ca: pki.caCert });
    try {
      const r = await joining;
      assert.ok(!r.ok);
      assert.match(r.error, /^no word on the certificate signing request node-csr-\S+ for this node within \d+ s: the last attempt to read it failed \(self[- ]signed certificate/);
      assert.doesNotMatch(r.error, /approve/);
    } finally {
      target.listener.setSecureContext({ key: pki.key, cert: pki.cert, ca: pki.caCert });
    }
  });

  test("a denial ends the join with its reason", async () => {
    const joining = join_("denied", 10_000);
    const pending = await cluster.waitFor("the node's request", async () =>
      (await csrs().list(undefined)).items.find((c) => {
        const p = parseCsr(c.spec.request);
        return p.ok && p.csr.commonName === "system:node:denied";
      }),
    );
    const denied = { ...pending, status: { conditions: [{ type: "Denied", status: "True" as const, reason: "NotOurs", message: "unknown machine" }] } };
    await csrs().updateSubresource(denied, "approval");
    const r = await joining;
    assert.ok(!r.ok);
    assert.match(r.error, /^the certificate signing request node-csr-\S+ for this node was denied \(NotOurs: unknown machine\)/);
  });
});
