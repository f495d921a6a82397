import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ensureCa, ensureKubeletClientCertificate, ensureServingPki, issueClientCertificate } from "./pki.js";

test("ensureKubeletClientCertificate: the API server's certificate for node agents, made once and kept while good", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-pki-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ca = new X509Certificate(ensureCa(dir));
  const first = ensureKubeletClientCertificate(dir);
  const x = new X509Certificate(first.cert);

  await t.test("kubeadm's subject: CN kube-apiserver-kubelet-client, no group, for client authentication", () => {
    assert.equal(x.subject, "CN=kube-apiserver-kubelet-client");
    assert.ok(x.checkIssued(ca) && x.verify(ca.publicKey));
    assert.deepEqual(x.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
  });
  await t.test("reused at the next start", () => assert.deepEqual(ensureKubeletClientCertificate(dir), first));
  await t.test("reissued for another subject", () => {
    const other = ensureKubeletClientCertificate(dir, { commonName: "kube-apiserver-kubelet-client", organizations: ["kubeadm:cluster-admins"] });
    assert.notEqual(other.cert, first.cert);
    assert.equal(new X509Certificate(other.cert).subject, "CN=kube-apiserver-kubelet-client\nO=kubeadm:cluster-admins");
  });
  await t.test("reissued when it is about to expire", () => {
    const expiring = issueClientCertificate(dir, { commonName: "kube-apiserver-kubelet-client" }, { validityDays: 10, modulusLength: 1024 });
    writeFileSync(join(dir, "apiserver-kubelet-client.crt"), expiring.cert);
    writeFileSync(join(dir, "apiserver-kubelet-client.key"), expiring.key);
    assert.notEqual(ensureKubeletClientCertificate(dir).cert, expiring.cert);
  });
  await t.test("reissued when the key beside it is not its key, or not a key", async (t) => {
    const cases: { name: string; key: () => string }[] = [
      { name: "another certificate's key", key: () => issueClientCertificate(dir, { commonName: "kube-apiserver-kubelet-client" }, { modulusLength: 1024 }).key },
      { name: "not a key", key: () => "-----BEGIN RSA PRIVATE KEY-----\ngarbage\n-----END RSA PRIVATE KEY-----\n" },
    ];
    for (const c of cases) {
      await t.test(c.name, () => {
        const kept = ensureKubeletClientCertificate(dir);
        writeFileSync(join(dir, "apiserver-kubelet-client.key"), c.key());
        const got = ensureKubeletClientCertificate(dir);
        assert.notEqual(got.cert, kept.cert);
        assert.ok(new X509Certificate(got.cert).checkPrivateKey(createPrivateKey(got.key)), "the new certificate is its key's");
        assert.deepEqual(ensureKubeletClientCertificate(dir), got, "and kept at the next start");
      });
    }
  });
});

test("ensureServingPki: the serving certificate is kept only with its own key", () => {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-pki-"));
  try {
    const sans = { dns: ["localhost"], ips: ["127.0.0.1"] };
    const first = ensureServingPki(dir, sans);
    assert.deepEqual(ensureServingPki(dir, sans), first);
    writeFileSync(join(dir, "apiserver.key"), issueClientCertificate(dir, { commonName: "x" }, { modulusLength: 1024 }).key);
    const again = ensureServingPki(dir, sans);
    assert.notEqual(again.cert, first.cert);
    assert.ok(new X509Certificate(again.cert).checkPrivateKey(createPrivateKey(again.key)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
