import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesOfPem } from "../../api/certificates-helpers.js";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { readCertificateAuthority } from "../../controllers/certificates/certificate-builder.js";
import { kubeletClientCsrError, parseCsr } from "../../controllers/certificates/csr-request.js";
import { signCertificate } from "../../controllers/certificates/csr-signing.js";
import { inMemoryCa } from "../../server/pki.js";
import { bootstrapFailure, clientCertificateUnusable, csrOutcome, nodeClientCsr, nodeClientCsrObject, nodeClientUsages, nodeCsrName } from "./tls-bootstrap.js";

const hour = 3600_000;

test("nodeClientCsr: a request csrapproving and csrsigning take as node n1's", () => {
  const { csrPem, keyPem, publicKeyDer } = nodeClientCsr("n1", { modulusLength: 1024 });
  assert.match(keyPem, /^-----BEGIN RSA PRIVATE KEY-----/);
  const parsed = parseCsr(bytesOfPem(csrPem));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.csr.publicKeyDer, publicKeyDer, "the key the request names");
  assert.equal(parsed.csr.commonName, "system:node:n1");
  assert.deepEqual(parsed.csr.organizations, ["system:nodes"]);
  assert.equal(kubeletClientCsrError(parsed.csr, nodeClientUsages), undefined);
});

test("nodeCsrName: kubelet's node-csr-<digest>, the same for the same request", () => {
  const a = { nodeName: "n1", ...nodeClientCsr("n1", { modulusLength: 1024 }) };
  const b = { nodeName: "n1", ...nodeClientCsr("n1", { modulusLength: 1024 }) };
  const name = nodeCsrName(a);
  assert.match(name, /^node-csr-[A-Za-z0-9_-]{86}$/);
  assert.ok(name.length <= 253, "a valid object name");
  assert.equal(nodeCsrName(a), name);
  assert.notEqual(nodeCsrName(b), name, "another key");
  assert.notEqual(nodeCsrName(a, ["client auth"]), name, "other usages");
  assert.notEqual(nodeCsrName({ ...a, nodeName: "n2" }), name, "another node");
});

test("nodeClientCsrObject: the kubelet signer, kubelet's usages, the request base64", () => {
  const { csrPem } = nodeClientCsr("n1", { modulusLength: 1024 });
  const o = nodeClientCsrObject({ name: "node-csr-x", csrPem });
  assert.deepEqual(o.spec.usages, ["digital signature", "key encipherment", "client auth"]);
  assert.equal(o.spec.signerName, "kubernetes.io/kube-apiserver-client-kubelet");
  assert.equal(Buffer.from(o.spec.request, "base64").toString(), csrPem);
  assert.equal(o.spec.expirationSeconds, undefined);
  assert.equal(nodeClientCsrObject({ name: "x", csrPem, expirationSeconds: 3600 }).spec.expirationSeconds, 3600);
});

test("csrOutcome: denial and failure first, then the certificate", async (t) => {
  const csr = (status: CertificateSigningRequest["status"]): CertificateSigningRequest => ({ metadata: { name: "x" }, spec: { request: "", signerName: "s" }, status });
  const cert = Buffer.from("-----BEGIN CERTIFICATE-----\n").toString("base64");
  const cases: { name: string; status: CertificateSigningRequest["status"]; want: unknown }[] = [
    { name: "new", status: undefined, want: { state: "pending", approved: false } },
    { name: "approved, not signed", status: { conditions: [{ type: "Approved", status: "True" }] }, want: { state: "pending", approved: true } },
    { name: "issued", status: { conditions: [{ type: "Approved", status: "True" }], certificate: cert }, want: { state: "issued", certPem: "-----BEGIN CERTIFICATE-----\n" } },
    { name: "denied", status: { conditions: [{ type: "Denied", status: "True", reason: "NotOurs", message: "who are you" }] }, want: { state: "denied", reason: "NotOurs", message: "who are you" } },
    { name: "failed", status: { conditions: [{ type: "Approved", status: "True" }, { type: "Failed", status: "True", reason: "SignerValidationFailure" }] }, want: { state: "failed", reason: "SignerValidationFailure", message: "" } },
    { name: "denied beats a certificate", status: { conditions: [{ type: "Denied", status: "True" }], certificate: cert }, want: { state: "denied", reason: "", message: "" } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(csrOutcome(csr(c.status)), c.want));
});

test("bootstrapFailure: one line with the fix", async (t) => {
  const cases: { name: string; outcome: Parameters<typeof bootstrapFailure>[1]; lastReadError?: string; want: RegExp }[] = [
    { name: "denied", outcome: { state: "denied" as const, reason: "Nope", message: "not today" }, want: /^the certificate signing request node-csr-a for this node was denied \(Nope: not today\): see 'kubectl describe csr node-csr-a'/ },
    { name: "failed", outcome: { state: "failed" as const, reason: "SignerValidationFailure", message: "usages did not match" }, want: /^the signer refused the certificate signing request node-csr-a .*\(SignerValidationFailure: usages did not match\)/ },
    { name: "never approved", outcome: { state: "pending" as const, approved: false }, want: /^the certificate signing request node-csr-a was not approved within 300 s: approve it with 'kubectl certificate approve node-csr-a'/ },
    { name: "approved, never signed", outcome: { state: "pending" as const, approved: true }, want: /^the certificate signing request node-csr-a was approved but no certificate came within 300 s: check that the server runs the csrsigning controller/ },
    {
      name: "the last read failed: that failure, no approval advice",
      outcome: { state: "pending" as const, approved: false },
      lastReadError: "HTTP 503: etcd is down",
      want: /^no word on the certificate signing request node-csr-a for this node within 300 s: the last attempt to read it failed \(HTTP 503: etcd is down\); check that this machine still reaches the API server(?!.*approve)/,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const line = bootstrapFailure("node-csr-a", c.outcome, 300_000, c.lastReadError);
      assert.match(line, c.want);
      assert.ok(!line.includes("\n"));
    });
  }
});

test("clientCertificateUnusable: only this node's live certificate from this CA, with its key", async (t) => {
  const ca = inMemoryCa({ modulusLength: 1024 });
  const other = inMemoryCa({ modulusLength: 1024 });
  const now = Date.now();
  const mine = nodeClientCsr("n1", { modulusLength: 1024 });
  const issue = (csrPem: string, o: { ca?: typeof ca; ttlMs?: number; at?: number; usages?: string[] } = {}): string => {
    const p = parseCsr(bytesOfPem(csrPem));
    assert.ok(p.ok);
    const r = signCertificate({ ca: readCertificateAuthority(o.ca ?? ca), csr: p.csr, usages: o.usages ?? ["client auth"], ttlMs: o.ttlMs ?? 24 * hour, nowMs: o.at ?? now });
    assert.ok(r.ok);
    return r.cert;
  };
  const good = issue(mine.csrPem);
  const cases: { name: string; certPem: string; keyPem?: string; nodeName?: string; want: RegExp | undefined }[] = [
    { name: "good", certPem: good, want: undefined },
    { name: "another node's name", certPem: good, nodeName: "n2", want: /^it is for system:node:n1, not system:node:n2$/ },
    { name: "another CA's", certPem: issue(mine.csrPem, { ca: other }), want: /^another CA issued it$/ },
    { name: "expired", certPem: issue(mine.csrPem, { at: now - 48 * hour }), want: /^it expired \(or is about to\) at / },
    { name: "about to expire", certPem: issue(mine.csrPem, { at: now - 30_000, ttlMs: 10 * 60_000 }), want: undefined },
    { name: "another key", certPem: good, keyPem: nodeClientCsr("n1", { modulusLength: 1024 }).keyPem, want: /^the key is not the certificate's$/ },
    { name: "not a certificate", certPem: "nope", want: /^the certificate does not parse$/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = clientCertificateUnusable({ certPem: c.certPem, keyPem: c.keyPem ?? mine.keyPem, caPem: ca.cert, nodeName: c.nodeName ?? "n1", nowMs: now });
      if (c.want) assert.match(got ?? "", c.want);
      else assert.equal(got, undefined);
    });
  }
});
