// csrapproving, csrsigning and csrcleaner against the in-process API server: requests made with
// a join token (for RSA or ECDSA keys) are approved and signed with the cluster CA, a requester
// without the nodeclient permission waits, the signer's rules fail what they refuse, denied
// requests stay unsigned, and finished requests are cleaned up.

import assert from "node:assert/strict";
import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { bytesOfPem, pemOfBytes } from "../../api/certificates-helpers.js";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { requireResource } from "../../api/resources.js";
import type { ClusterRoleBinding } from "../../api/rbac-types.js";
import { bootstrapTokenSecret, formatBootstrapToken, generateBootstrapToken } from "../../apiserver/bootstrap-token.js";
import { InProcessTransport, KubeClient } from "../../client/index.js";
import type { TestCluster } from "../test-cluster.js";
import { startTestCluster } from "../test-cluster.js";
import { JOIN_TOKEN_GROUP } from "../../apiserver/authorization/bootstrap-policy.js";
import { csrApprovingController } from "./csrapproving-controller.js";
import { csrCleanerController } from "./csrcleaner-controller.js";
import { csrSigningController } from "./csrsigning-controller.js";
import type { CsrSubject } from "./test-fixtures.js";
import { makeCsr, makeKeyCsr } from "./test-fixtures.js";

const csrResource = requireResource("certificates.k8s.io", "v1", "certificatesigningrequests");

describe("certificate controllers", () => {
  let cluster: TestCluster;
  /** Clients acting as a join token's user, and as a token that may only ask. */
  let joiner: KubeClient<CertificateSigningRequest>;
  let asker: KubeClient<CertificateSigningRequest>;
  let admin: KubeClient<CertificateSigningRequest>;

  async function tokenClient(extraGroups: string[]): Promise<KubeClient<CertificateSigningRequest>> {
    const token = generateBootstrapToken(randomBytes);
    const secrets = requireResource("", "v1", "secrets");
    await cluster.api.registry.create(secrets, "kube-system", bootstrapTokenSecret({ token, now: new Date(), ttlMs: 3600_000, extraGroups }));
    return new KubeClient<CertificateSigningRequest>(new InProcessTransport(cluster.api.api, { token: formatBootstrapToken(token) }), csrResource);
  }

  before(async () => {
    cluster = await startTestCluster({ controllers: [csrApprovingController, csrSigningController, csrCleanerController] });
    admin = cluster.client<CertificateSigningRequest>(csrResource);
    joiner = await tokenClient([JOIN_TOKEN_GROUP]);
    // A group that may create requests but not have them approved automatically.
    const bindings = cluster.client<ClusterRoleBinding>(requireResource("rbac.authorization.k8s.io", "v1", "clusterrolebindings"));
    await bindings.create({
      metadata: { name: "test-askers" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:node-bootstrapper" },
      subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:bootstrappers:askers" }],
    });
    asker = await tokenClient(["system:bootstrappers:askers"]);
  });
  after(() => cluster.stop());

  const create = (client: KubeClient<CertificateSigningRequest>, name: string, edit?: (c: CertificateSigningRequest) => void, subject?: CsrSubject) =>
    client.create(
      makeCsr(
        name,
        (c) => {
          delete c.spec.username;
          delete c.spec.groups;
          edit?.(c);
        },
        subject,
      ),
    );
  const issued = (name: string) => cluster.waitFor(`${name} issued`, async () => {
    const c = await admin.get(undefined, name);
    return c.status?.certificate ? c : undefined;
  });
  const approve = async (name: string) => {
    const c = await admin.get(undefined, name);
    await admin.updateSubresource({ ...c, status: { ...c.status, conditions: [{ type: "Approved", status: "True", reason: "ByTest", message: "approved by the test" }] } }, "approval");
  };

  test("a join token's node request is approved and signed by the cluster CA", async () => {
    await create(joiner, "node-csr-joiner");
    const c = await issued("node-csr-joiner");
    assert.deepEqual(
      c.status?.conditions?.map((x) => [x.type, x.status, x.reason, x.message]),
      [["Approved", "True", "AutoApproved", "Auto approving kubelet client certificate after SubjectAccessReview."]],
    );
    const cert = new X509Certificate(pemOfBytes(c.status?.certificate ?? ""));
    assert.equal(cert.subject, "O=system:nodes\nCN=system:node:n1");
    assert.ok(cert.checkIssued(new X509Certificate(cluster.api.pki.caCert)));
    assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
    const lifetime = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    assert.ok(Math.abs(lifetime - 365 * 24 * 3600_000) < 5000, `a year: ${cert.validFrom} – ${cert.validTo}`);
  });

  test("a node request for an ECDSA key (as kubelet makes) is approved and signed too", async () => {
    const made = makeKeyCsr("ecdsa");
    await create(joiner, "node-csr-ecdsa", (c) => ((c.spec.request = bytesOfPem(made.csrPem)), (c.spec.usages = ["digital signature", "client auth"])));
    const cert = new X509Certificate(pemOfBytes((await issued("node-csr-ecdsa")).status?.certificate ?? ""));
    assert.equal(cert.subject, "O=system:nodes\nCN=system:node:n1");
    assert.ok(cert.verify(new X509Certificate(cluster.api.pki.caCert).publicKey));
    assert.ok(cert.checkPrivateKey(createPrivateKey(made.keyPem)));
  });

  test("spec.expirationSeconds shortens the certificate", async () => {
    await create(joiner, "node-csr-short", (c) => (c.spec.expirationSeconds = 3600));
    const cert = new X509Certificate(pemOfBytes((await issued("node-csr-short")).status?.certificate ?? ""));
    const lifetime = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    assert.ok(Math.abs(lifetime - 65 * 60_000) < 5000, `an hour after now, five minutes backdated: ${cert.validFrom} – ${cert.validTo}`);
  });

  test("a requester without the nodeclient permission waits for a person", async () => {
    await create(asker, "node-csr-asker");
    await new Promise((r) => setTimeout(r, 500));
    const c = await admin.get(undefined, "node-csr-asker");
    assert.equal(c.status?.conditions, undefined);
    assert.equal(c.status?.certificate, undefined);
    await approve("node-csr-asker");
    assert.ok((await issued("node-csr-asker")).status?.certificate);
  });

  test("another signer's request is never approved automatically, but signed once a person approves it", async () => {
    await create(admin, "jane", (c) => ((c.spec.signerName = "kubernetes.io/kube-apiserver-client"), (c.spec.usages = ["client auth"])), { cn: "jane", orgs: ["devs"] });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await admin.get(undefined, "jane")).status?.conditions, undefined);
    await approve("jane");
    const cert = new X509Certificate(pemOfBytes((await issued("jane")).status?.certificate ?? ""));
    assert.equal(cert.subject, "O=devs\nCN=jane");
  });

  test("a request the signer's rules refuse gets Failed, not a certificate", async () => {
    await create(admin, "node-csr-sans", undefined, { dns: ["n1.example"] });
    await approve("node-csr-sans");
    const c = await cluster.waitFor("Failed", async () => {
      const x = await admin.get(undefined, "node-csr-sans");
      return x.status?.conditions?.some((k) => k.type === "Failed") ? x : undefined;
    });
    const failed = c.status?.conditions?.find((k) => k.type === "Failed");
    assert.deepEqual([failed?.status, failed?.reason, failed?.message], ["True", "SignerValidationFailure", "DNS subjectAltNames are not allowed"]);
    assert.equal(c.status?.certificate, undefined);
  });

  test("a denied request is not signed; the cleaner removes it an hour after the denial", async () => {
    await create(asker, "node-csr-denied");
    const c = await admin.get(undefined, "node-csr-denied");
    const longAgo = new Date(Date.now() - 2 * 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    await admin.updateSubresource({ ...c, status: { conditions: [{ type: "Denied", status: "True", reason: "ByTest", message: "no", lastUpdateTime: longAgo }] } }, "approval");
    await cluster.waitFor("node-csr-denied deleted", async () => !(await admin.list(undefined)).items.some((x) => x.metadata.name === "node-csr-denied"));
    // A fresh pending request stays.
    assert.ok((await admin.list(undefined)).items.some((x) => x.metadata.name === "node-csr-joiner"));
  });
});
