// requestNodeClientCertificate against the in-process API server: issued (with csrapproving and
// csrsigning), denied, refused by the signer's check of the result, never approved, and never
// read back (forbidden, or failing until the wait runs out).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { requireResource } from "../../api/resources.js";
import { testToken } from "../../apiserver/test-api.js";
import type { ClientResponse, Transport } from "../../client/index.js";
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

/** `inner`, except that each read of a single request gets `answer` (an HTTP answer, or an error to reject with). */
function readsAnswered(inner: Transport, answer: () => ClientResponse | Error): Transport {
  return {
    request(r) {
      if (r.method !== "GET" || !r.path.startsWith("/apis/certificates.k8s.io/v1/certificatesigningrequests/")) return inner.request(r);
      const a = answer();
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
  };
}

/** An API server's failure answer with a Status body. */
function statusAnswer(code: number, reason: string, message: string): ClientResponse {
  const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason, message };
  return { status: code, headers: { "content-type": "application/json" }, body: JSON.stringify(status) };
}

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

  test("a node forbidden to read its request back fails at once, naming the permission it lacks", async () => {
    const forbidden = readsAnswered(new InProcessTransport(cluster.api.api, { token: testToken }), () => statusAnswer(403, "Forbidden", 'certificatesigningrequests.certificates.k8s.io "x" is forbidden: User "system:node:n" cannot get resource'));
    const started = Date.now();
    await assert.rejects(
      requestNodeClientCertificate({ transport: forbidden, nodeName: "forbidden", caPem: cluster.api.pki.caCert, pollMs: 20, waitMs: 60_000, modulusLength: 1024 }),
      /^Error: the API server forbids this node to read its certificate signing request node-csr-\S+ \(certificatesigningrequests.+cannot get resource\): a node needs get on certificatesigningrequests\.certificates\.k8s\.io, which the ClusterRole system:node grants the group system:nodes/,
    );
    assert.ok(Date.now() - started < 30_000, "did not wait for the timeout");
  });

  test("reads that keep failing: the wait ends with the last failure, not with approval advice", async (t) => {
    const cases: { name: string; answer: () => ClientResponse | Error; want: RegExp }[] = [
      {
        name: "a TLS failure",
        answer: () => Object.assign(new Error("self-signed certificate in certificate chain"), { code: "SELF_SIGNED_CERT_IN_CHAIN" }),
        want: /^Error: the certificate signing request node-csr-\S+ could not be read back \(the last attempt failed: self-signed certificate in certificate chain \(SELF_SIGNED_CERT_IN_CHAIN\)\) within 0 s$/,
      },
      {
        name: "an API status",
        answer: () => statusAnswer(503, "ServiceUnavailable", "the storage is unavailable"),
        want: /^Error: the certificate signing request node-csr-\S+ could not be read back \(the last attempt failed: 503 ServiceUnavailable: the storage is unavailable\) within 0 s$/,
      },
    ];
    for (const c of cases) {
      await t.test(c.name, async () => {
        const transport = readsAnswered(new InProcessTransport(cluster.api.api, { token: testToken }), c.answer);
        await assert.rejects(requestNodeClientCertificate({ transport, nodeName: "unread", caPem: cluster.api.pki.caCert, pollMs: 20, waitMs: 100, modulusLength: 1024 }), c.want);
      });
    }
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
