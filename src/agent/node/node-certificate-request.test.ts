// requestNodeClientCertificate against the in-process API server: issued (with csrapproving and
// csrsigning), denied, refused by the signer's check of the result, and never approved.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { requireResource } from "../../api/resources.js";
import { testToken } from "../../apiserver/test-api.js";
import { InProcessTransport } from "../../client/index.js";
import { csrApprovingController } from "../../controllers/certificates/csrapproving-controller.js";
import { csrSigningController } from "../../controllers/certificates/csrsigning-controller.js";
import { parseCsr } from "../../controllers/certificates/csr-request.js";
import type { TestCluster } from "../../controllers/test-cluster.js";
import { startTestCluster } from "../../controllers/test-cluster.js";
import { requestNodeClientCertificate } from "./node-certificate-request.js";
import { testCa } from "./node-certificate-fixtures.js";
import { clientCertificateUnusable } from "./tls-bootstrap.js";

const csrResource = requireResource("certificates.k8s.io", "v1", "certificatesigningrequests");

describe("requestNodeClientCertificate: signed", () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ controllers: [csrApprovingController, csrSigningController] });
  });
  after(() => cluster.stop());

  test("a new key and a certificate of the cluster CA for it", async () => {
    const transport = new InProcessTransport(cluster.api.api, { token: testToken });
    const caPem = cluster.api.pki.caCert;
    // The admin may ask for any node's certificate (cluster-admin holds …/nodeclient).
    const got = await requestNodeClientCertificate({ transport, nodeName: "n1", caPem, pollMs: 20, modulusLength: 1024 });
    assert.equal(clientCertificateUnusable({ ...got, caPem, nodeName: "n1", nowMs: Date.now() }), undefined);
  });

  test("a certificate from another CA than the one given is refused", async () => {
    const transport = new InProcessTransport(cluster.api.api, { token: testToken });
    await assert.rejects(
      requestNodeClientCertificate({ transport, nodeName: "n2", caPem: testCa().cert, pollMs: 20, modulusLength: 1024 }),
      /^Error: the certificate issued for node-csr-\S+ cannot be used: another CA issued it$/,
    );
  });
});

describe("requestNodeClientCertificate: nobody approves", () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ controllers: [] });
  });
  after(() => cluster.stop());

  test("waiting runs out", async () => {
    const transport = new InProcessTransport(cluster.api.api, { token: testToken });
    await assert.rejects(
      requestNodeClientCertificate({ transport, nodeName: "late", caPem: cluster.api.pki.caCert, pollMs: 20, waitMs: 100, modulusLength: 1024 }),
      /^Error: the certificate signing request node-csr-\S+ was not approved \(approve it with 'kubectl certificate approve'\) within 0 s$/,
    );
  });

  test("a denial is the answer, with its reason", async () => {
    const transport = new InProcessTransport(cluster.api.api, { token: testToken });
    const asking = requestNodeClientCertificate({ transport, nodeName: "denied", caPem: cluster.api.pki.caCert, pollMs: 20, modulusLength: 1024 });
    const csrs = cluster.client<CertificateSigningRequest>(csrResource);
    const pending = await cluster.waitFor("the request", async () =>
      (await csrs.list(undefined)).items.find((c) => {
        const p = parseCsr(c.spec.request);
        return p.ok && p.csr.commonName === "system:node:denied";
      }),
    );
    await csrs.updateSubresource({ ...pending, status: { conditions: [{ type: "Denied", status: "True", reason: "NotOurs", message: "unknown machine" }] } }, "approval");
    await assert.rejects(asking, /^Error: the certificate signing request node-csr-\S+ was denied \(NotOurs: unknown machine\); see 'kubectl describe csr node-csr-\S+'$/);
  });
});
