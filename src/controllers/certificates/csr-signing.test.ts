import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { once } from "node:events";
import type { IncomingMessage } from "node:http";
import { createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { test } from "node:test";
import forge from "node-forge";
import { bytesOfPem } from "../../api/certificates-helpers.js";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { makeKeyCsrPem } from "../../api/validation/certificate-fixtures.js";
import { inMemoryCa, inMemoryServingPki } from "../../server/pki.js";
import { parseCsr } from "./csr-request.js";
import { readCertificateAuthority } from "./certificate-builder.js";
import { certificateValidity, defaultClusterSigningDurationMs, readSigningCa, signCertificate, signingDecision, signingDurationMs } from "./csr-signing.js";
import type { CsrSubject, KeyKind } from "./test-fixtures.js";
import { makeCsr, makeCsrPem, makeKeyCsr, testCsrKeyPem } from "./test-fixtures.js";

const minute = 60_000;
const hour = 60 * minute;
const approved = (c: CertificateSigningRequest): void => {
  c.status = { conditions: [{ type: "Approved", status: "True", reason: "AutoApproved" }] };
};

test("signingDurationMs: the cluster's, or less when asked, never under 10 minutes", async (t) => {
  const year = defaultClusterSigningDurationMs;
  const cases = [
    { name: "nothing asked", asked: undefined, want: year },
    { name: "a day", asked: 86_400, want: 24 * hour },
    { name: "more than the cluster's", asked: 2 * 365 * 86_400, want: year },
    { name: "the minimum Kubernetes validates (600 s)", asked: 600, want: 10 * minute },
    { name: "below it", asked: 60, want: 10 * minute },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(signingDurationMs(year, c.asked), c.want));
});

test("certificateValidity: backdated five minutes; short ones keep their end; cut at the CA's end", async (t) => {
  const now = Date.parse("2026-06-01T12:00:00Z");
  const far = now + 10 * 365 * 24 * hour;
  const cases = [
    { name: "a year", ttl: 365 * 24 * hour, caEnd: far, want: [now - 5 * minute, now + 365 * 24 * hour - 5 * minute] },
    { name: "an hour (short-lived)", ttl: hour, caEnd: far, want: [now - 5 * minute, now + hour] },
    { name: "past the CA's end", ttl: 365 * 24 * hour, caEnd: now + 24 * hour, want: [now - 5 * minute, now + 24 * hour] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const v = certificateValidity(now, c.ttl, c.caEnd);
      assert.ok(!("error" in v));
      assert.deepEqual([v.notBefore.getTime(), v.notAfter.getTime()], c.want);
    });
  }
  await t.test("an expired CA", () => {
    const v = certificateValidity(now, hour, now - 1);
    assert.ok("error" in v);
    assert.match(v.error, /^refusing to sign a certificate that expired in the past: NotAfter=/);
  });
});

test("signingDecision: approved requests of the two client signers, once; the signer's rules fail the rest", async (t) => {
  const cases: { name: string; edit?: (c: CertificateSigningRequest) => void; subject?: CsrSubject; want: string; reason?: string; message?: RegExp }[] = [
    { name: "a node's approved request", edit: approved, want: "sign" },
    { name: "pending", want: "skip" },
    { name: "denied", edit: (c) => (c.status = { conditions: [{ type: "Denied", status: "True" }] }), want: "skip" },
    { name: "approved and denied", edit: (c) => (c.status = { conditions: [{ type: "Approved", status: "True" }, { type: "Denied", status: "True" }] }), want: "skip" },
    { name: "approved, failed", edit: (c) => (c.status = { conditions: [{ type: "Approved", status: "True" }, { type: "Failed", status: "True" }] }), want: "skip" },
    { name: "approved, issued", edit: (c) => (approved(c), (c.status = { ...c.status, certificate: "AAAA" })), want: "skip" },
    { name: "another signer's", edit: (c) => (approved(c), (c.spec.signerName = "kubernetes.io/kubelet-serving")), want: "skip" },
    { name: "a user's for kube-apiserver-client", subject: { cn: "jane", orgs: ["devs"], emails: ["jane@example.com"] }, edit: (c) => (approved(c), (c.spec.signerName = "kubernetes.io/kube-apiserver-client"), (c.spec.usages = ["client auth"])), want: "sign" },
    { name: "kube-apiserver-client with server auth", edit: (c) => (approved(c), (c.spec.signerName = "kubernetes.io/kube-apiserver-client"), (c.spec.usages = ["client auth", "server auth"])), want: "fail", message: /^invalid usage for client certificate: server auth$/ },
    { name: "kubelet signer, not a node's subject", subject: { cn: "jane", orgs: ["system:nodes"] }, edit: approved, want: "fail", message: /^subject common name does not begin with system:node:$/ },
    { name: "kubelet signer, SANs", subject: { dns: ["n1"] }, edit: approved, want: "fail", message: /^DNS subjectAltNames are not allowed$/ },
    { name: "unparsable", edit: (c) => (approved(c), (c.spec.request = bytesOfPem("x"))), want: "error", message: /^unable to parse csr "x": / },
    { name: "a node's ECDSA request", edit: (c) => (approved(c), (c.spec.request = bytesOfPem(makeKeyCsr("ecdsa").csrPem)), (c.spec.usages = ["digital signature", "client auth"])), want: "sign" },
    {
      name: "a key of an algorithm Go does not know (X25519)",
      edit: (c) => (approved(c), (c.spec.request = bytesOfPem(x25519CsrPem()))),
      want: "fail",
      reason: "UnsupportedPublicKeyAlgorithm",
      message: /^x509: unsupported public key algorithm 1\.3\.101\.110: only RSA, ECDSA \(P-224, P-256, P-384, P-521\) and Ed25519 keys can be certified$/,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const d = signingDecision(Object.freeze(makeCsr("x", c.edit, c.subject)));
      assert.equal(d.action, c.want);
      if (c.message) assert.match((d as { message: string }).message, c.message);
      if (d.action === "fail") assert.equal(d.reason, c.reason ?? "SignerValidationFailure");
    });
  }
});

test("readSigningCa: the CA once, or why it cannot be read", () => {
  const ca = inMemoryCa({ modulusLength: 1024 });
  const read = readSigningCa(ca);
  assert.ok(read.ok);
  assert.deepEqual([read.ca.subjectDer, read.ca.notAfterMs], [readCertificateAuthority(ca).subjectDer, Date.parse(new X509Certificate(ca.cert).validTo)]);
  assert.deepEqual(readSigningCa({ cert: "nope", key: ca.key }), { ok: false, error: "unable to read the signing CA: no CERTIFICATE block in the CA certificate" });
});

test("signCertificate: the request's subject and key, the CA as issuer, the usages asked, no CA rights", async (t) => {
  const ca = inMemoryCa({ modulusLength: 1024 });
  const caX509 = new X509Certificate(ca.cert);
  const now = Date.now();
  const sign = (subject: CsrSubject, usages: string[], ttlMs = defaultClusterSigningDurationMs) => {
    const p = parseCsr(bytesOfPem(makeCsrPem(subject)));
    assert.ok(p.ok);
    const r = signCertificate({ ca: readCertificateAuthority(ca), csr: p.csr, usages, ttlMs, nowMs: now });
    assert.ok(r.ok, r.ok ? "" : r.error);
    return new X509Certificate(r.cert);
  };
  await t.test("a node client certificate", () => {
    const cert = sign({}, ["digital signature", "key encipherment", "client auth"]);
    assert.equal(cert.subject, "O=system:nodes\nCN=system:node:n1");
    assert.equal(cert.issuer, caX509.subject);
    assert.ok(cert.checkIssued(caX509) && cert.verify(caX509.publicKey));
    assert.equal(cert.ca, false);
    assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
    assert.equal(Date.parse(cert.validFrom), Math.floor((now - 5 * minute) / 1000) * 1000);
    assert.equal(Date.parse(cert.validTo), Math.floor((now + defaultClusterSigningDurationMs - 5 * minute) / 1000) * 1000);
    assert.ok(cert.checkPrivateKey(createKey()), "the request's key");
    assert.equal(cert.subjectAltName, undefined);
    const text = cert.toLegacyObject() as unknown as { ext_key_usage?: string[] };
    assert.deepEqual(text.ext_key_usage, ["1.3.6.1.5.5.7.3.2"]);
  });
  await t.test("key usage bits follow spec.usages, critical", () => {
    const keyUsage = (c: X509Certificate) => forge.pki.certificateFromPem(c.toString()).getExtension("keyUsage") as Record<string, unknown> | null;
    const bits = keyUsage(sign({}, ["digital signature", "key encipherment", "client auth"]));
    assert.ok(bits);
    assert.deepEqual([bits.critical, bits.digitalSignature, bits.keyEncipherment, bits.keyCertSign], [true, true, true, false]);
    assert.equal(keyUsage(sign({ cn: "jane", orgs: ["devs"] }, ["client auth"])), null, "none asked, none set");
    const basic = forge.pki.certificateFromPem(sign({}, ["client auth"]).toString()).getExtension("basicConstraints") as Record<string, unknown>;
    assert.deepEqual([basic.critical, basic.cA], [true, false]);
  });
  await t.test("SANs are kept", () => {
    const cert = sign({ cn: "jane", orgs: [], dns: ["jane.example"], emails: ["jane@example.com"], ips: ["10.1.2.3"] }, ["client auth"]);
    assert.equal(cert.subjectAltName, "DNS:jane.example, email:jane@example.com, IP Address:10.1.2.3");
  });
  await t.test("a short certificate", () => {
    const cert = sign({}, ["client auth"], hour);
    assert.equal(Date.parse(cert.validTo), Math.floor((now + hour) / 1000) * 1000);
  });
  await t.test("an unknown usage", () => {
    const p = parseCsr(bytesOfPem(makeCsrPem()));
    assert.ok(p.ok);
    const r = signCertificate({ ca: readCertificateAuthority(ca), csr: p.csr, usages: ["client auth", "flying"], ttlMs: hour, nowMs: now });
    assert.deepEqual(r, { ok: false, error: `unrecognized usage values: ["flying"]` });
  });
});

test("signCertificate: requests for RSA, ECDSA and Ed25519 keys get certificates for those keys", async (t) => {
  const ca = inMemoryCa({ modulusLength: 1024 });
  const caX509 = new X509Certificate(ca.cert);
  const now = Date.now();
  for (const kind of ["rsa", "ecdsa", "ed25519"] as KeyKind[]) {
    const made = makeKeyCsr(kind);
    await t.test(`${kind} (request made by ${made.madeBy})`, () => {
      const p = parseCsr(bytesOfPem(made.csrPem));
      assert.ok(p.ok, p.ok ? "" : p.error);
      const r = signCertificate({ ca: readCertificateAuthority(ca), csr: p.csr, usages: ["digital signature", "client auth"], ttlMs: defaultClusterSigningDurationMs, nowMs: now });
      assert.ok(r.ok, r.ok ? "" : r.error);
      const cert = new X509Certificate(r.cert);
      assert.ok(cert.verify(caX509.publicKey) && cert.checkIssued(caX509));
      assert.ok(cert.checkPrivateKey(createPrivateKey(made.keyPem)), "the request's key");
      assert.deepEqual(cert.publicKey.export({ type: "spki", format: "der" }), p.csr.publicKeyDer, "the request's SubjectPublicKeyInfo as it is");
      assert.equal(cert.subject, "O=system:nodes\nCN=system:node:n1");
      assert.equal(cert.issuer, caX509.subject);
      assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
      assert.equal(Date.parse(cert.validFrom), Math.floor((now - 5 * minute) / 1000) * 1000);
      assert.equal(Date.parse(cert.validTo), Math.floor((now + defaultClusterSigningDurationMs - 5 * minute) / 1000) * 1000);
    });
  }
  await t.test("SANs of an ECDSA request", () => {
    const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const p = parseCsr(bytesOfPem(makeKeyCsrPem({ key, commonName: "jane", sans: { dnsNames: ["jane.example"], ipAddresses: ["fd00::1"], uris: ["spiffe://x/jane"] } })));
    assert.ok(p.ok);
    const r = signCertificate({ ca: readCertificateAuthority(ca), csr: p.csr, usages: ["client auth"], ttlMs: hour, nowMs: now });
    assert.ok(r.ok);
    assert.equal(new X509Certificate(r.cert).subjectAltName, "DNS:jane.example, IP Address:FD00:0:0:0:0:0:0:1, URI:spiffe://x/jane");
  });
});

test("a TLS server trusting the cluster CA accepts a client with an ECDSA key and its issued certificate", async () => {
  const pki = inMemoryServingPki({ dns: ["localhost"], ips: ["127.0.0.1"] }, { modulusLength: 1024 });
  const made = makeKeyCsr("ecdsa");
  const p = parseCsr(bytesOfPem(made.csrPem));
  assert.ok(p.ok);
  const signed = signCertificate({ ca: readCertificateAuthority({ cert: pki.caCert, key: pki.caKey }), csr: p.csr, usages: ["digital signature", "client auth"], ttlMs: hour, nowMs: Date.now() });
  assert.ok(signed.ok, signed.ok ? "" : signed.error);
  const server = createServer({ cert: pki.cert, key: pki.key, ca: pki.caCert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const socket = req.socket as TLSSocket;
    res.end(JSON.stringify({ authorized: socket.authorized, cn: socket.getPeerCertificate().subject.CN }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const { port } = server.address() as AddressInfo;
    const req = request({ host: "127.0.0.1", port, path: "/", ca: pki.caCert, cert: signed.cert, key: made.keyPem });
    req.end();
    const [res] = (await once(req, "response")) as [IncomingMessage];
    let body = "";
    for await (const chunk of res) body += String(chunk);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(body), { authorized: true, cn: "system:node:n1" });
  } finally {
    server.close();
  }
});

/** A request whose key is an X25519 one, which signs nothing (so the request is signed by another key). */
function x25519CsrPem(): string {
  const publicKeyDer = generateKeyPairSync("x25519").publicKey.export({ type: "spki", format: "der" });
  return makeKeyCsrPem({ key: generateKeyPairSync("ed25519").privateKey, commonName: "system:node:n1", organizations: ["system:nodes"], publicKeyDer });
}

function createKey() {
  return createPrivateKey(testCsrKeyPem());
}
