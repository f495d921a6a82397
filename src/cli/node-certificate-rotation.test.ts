// A joined node's certificate renewed against the real HTTPS listener of an in-process API
// server with csrapproving and csrsigning: the cluster signs ten-minute certificates, the
// rotation's clock is moved past the deadline, and the agent's next connection presents the new
// certificate — asked for with the old one, after the join token is gone.

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { after, before, describe, test } from "node:test";
import type { CertificateSigningRequest } from "../api/certificates-types.js";
import { requireResource } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import { FakeClock, KubeClient, loadKubeconfig } from "../client/index.js";
import { csrApprovingController } from "../controllers/certificates/csrapproving-controller.js";
import { csrSigningController } from "../controllers/certificates/csrsigning-controller.js";
import type { TestCluster } from "../controllers/test-cluster.js";
import { coreResource, makeService } from "../client/test-fixtures.js";
import { joinCluster } from "./agent-join.js";
import type { JoinTestServer } from "./join-test-server.js";
import { startJoinTestServer } from "./join-test-server.js";
import { openRotatingTransport } from "./node-certificate-rotation.js";

const minute = 60_000;

type Review = KubeObject & { status?: { userInfo?: { username?: string } } };

describe("a joined node renews its certificate", () => {
  let cluster: TestCluster;
  let server: string;
  let token: string;
  let dir: string;
  /** The fingerprint of the client certificate of each new connection, in order. */
  const presented: string[] = [];
  let target: JoinTestServer;

  before(async () => {
    target = await startJoinTestServer({ controllers: [csrApprovingController, csrSigningController], settings: { clusterSigningDurationMs: 10 * minute } });
    ({ cluster, url: server, token } = target);
    target.listener.on("secureConnection", (s: TLSSocket) => presented.push(s.getPeerCertificate().fingerprint256 ?? ""));
    dir = mkdtempSync(join(tmpdir(), "svcnet-renew-"));
  });
  after(async () => {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("at the deadline, with the current certificate; new connections use the new one", async () => {
    const dataDir = join(dir, "n1");
    const joined = await joinCluster({ server, token, caCertHash: target.caCertHash, unsafeSkipCaVerification: false, modulusLength: 1024, pollMs: 50, warn: () => {}, nodeName: "n1", dataDir });
    assert.ok(joined.ok, joined.ok ? "" : joined.error);
    const first = new X509Certificate(loadKubeconfig(joined.kubeconfigPath).cert ?? "");
    assert.ok(Date.parse(first.validTo) - Date.now() <= 10 * minute, "a ten-minute certificate");

    // The token is needed no more: delete it, so that only the certificate can ask.
    await cluster.api.registry.delete(requireResource("", "v1", "secrets"), "kube-system", `bootstrap-token-${token.slice(0, 6)}`);

    const clock = new FakeClock(Date.now());
    const lines: string[] = [];
    const { transport, rotation } = openRotatingTransport({ kubeconfigPath: joined.kubeconfigPath, nodeName: "n1", clock, random: () => 0, pollMs: 50, modulusLength: 1024, log: (l) => lines.push(l) });
    const reviews = new KubeClient<Review>(transport, requireResource("authentication.k8s.io", "v1", "selfsubjectreviews"));
    const whoAmI = async (): Promise<string | undefined> => (await reviews.create({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview", metadata: {} })).status?.userInfo?.username;
    try {
      assert.equal(await whoAmI(), "system:node:n1");
      assert.equal(presented.at(-1), first.fingerprint256);
      const csrsBefore = (await cluster.client<CertificateSigningRequest>(requireResource("certificates.k8s.io", "v1", "certificatesigningrequests")).list(undefined)).items.map((c) => c.metadata.name);

      // A watch opened with the first certificate, which the renewal leaves open.
      const services = new KubeClient(transport, coreResource("services"));
      const rv = (await services.list("default")).metadata.resourceVersion;
      const watching = new AbortController();
      const seen: string[] = [];
      const watched = (async () => {
        for await (const ev of services.watch("default", { resourceVersion: rv, signal: watching.signal })) {
          seen.push(`${ev.type} ${ev.object.metadata.name ?? ""}`);
          watching.abort();
        }
      })();

      const rotating = new AbortController();
      const running = rotation.run(rotating.signal);
      // Valid from five minutes ago for ten more: with random 0 the deadline is 70 % of those
      // fifteen minutes after the start, 5.5 minutes from now.
      for (let i = 0; i < 5; i++) {
        clock.advance(minute);
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(rotation.rotations, 0, "not before the deadline");
      clock.advance(minute);
      await cluster.waitFor("the renewal", async () => rotation.rotations === 1).catch((e: unknown) => assert.fail(`${String(e)}\n${lines.join("\n")}`));

      const written = loadKubeconfig(joined.kubeconfigPath);
      const second = new X509Certificate(written.cert ?? "");
      assert.notEqual(second.fingerprint256, first.fingerprint256);
      assert.equal(written.cert, rotation.current().certPem);
      assert.equal(written.key, rotation.current().keyPem);
      assert.equal(statSync(joined.kubeconfigPath).mode & 0o777, 0o600);
      assert.ok(!readFileSync(joined.kubeconfigPath, "utf8").includes(token));
      assert.match(second.subject, /CN=system:node:n1/);

      const csrs = (await cluster.client<CertificateSigningRequest>(requireResource("certificates.k8s.io", "v1", "certificatesigningrequests")).list(undefined)).items;
      const renewal = csrs.find((c) => !csrsBefore.includes(c.metadata.name));
      assert.ok(renewal);
      assert.equal(renewal.spec.username, "system:node:n1", "asked for with the node's own certificate");
      assert.deepEqual(
        renewal.status?.conditions?.map((c) => [c.type, c.reason, c.message]),
        [["Approved", "AutoApproved", "Auto approving self kubelet client certificate after SubjectAccessReview."]],
      );

      // The next request opens a connection with the new certificate.
      assert.equal(await whoAmI(), "system:node:n1");
      assert.equal(presented.at(-1), second.fingerprint256);
      assert.equal(lines.length, 1);
      await cluster.client(coreResource("services")).create(makeService("default", "after-renewal"));
      await watched;
      assert.deepEqual(seen, ["ADDED after-renewal"], "the watch from before the renewal goes on");
      assert.match(lines[0] ?? "", /^svcnet agent: renewed the node's client certificate \(valid until \S+\); new connections use it$/);
      rotating.abort();
      await running;
    } finally {
      transport.close();
    }
  });
});
