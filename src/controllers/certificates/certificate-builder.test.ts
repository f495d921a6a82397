import assert from "node:assert/strict";
import type { KeyObject } from "node:crypto";
import { createPublicKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { test } from "node:test";
import forge from "node-forge";
import { children, contentBytes, oid, oidOf, primitive, readDer, sequence, writeDer } from "../../api/validation/der.js";
import { inMemoryCa } from "../../server/pki.js";
import type { CertificateAuthority, CertificateTemplate } from "./certificate-builder.js";
import { buildCertificate, readCertificateAuthority } from "./certificate-builder.js";

const hour = 3600_000;
const now = Math.floor(Date.now() / 1000) * 1000;

/** A Name of one CN (or none), DER. */
function nameDer(commonName?: string): Buffer {
  const rdn = (cn: string) => forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, [sequence(oid("2.5.4.3"), primitive(forge.asn1.Type.UTF8, Buffer.from(cn)))]);
  return writeDer(commonName === undefined ? sequence() : sequence(rdn(commonName)));
}

const spki = (key: KeyObject): Buffer => createPublicKey(key).export({ type: "spki", format: "der" });

function template(edit: Partial<CertificateTemplate> = {}): CertificateTemplate {
  return {
    serialNumber: Buffer.from("0102", "hex"),
    notBefore: new Date(now - hour),
    notAfter: new Date(now + hour),
    subjectDer: nameDer("leaf"),
    publicKeyDer: spki(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey),
    keyUsage: ["digitalSignature"],
    extKeyUsageOids: ["1.3.6.1.5.5.7.3.2"],
    subjectAltNames: { dnsNames: [], emailAddresses: [], ipAddresses: [], uris: [] },
    ...edit,
  };
}

/** A CA of any key type, without a certificate of its own (the builder needs only its name and key). */
function bareCa(key: KeyObject): CertificateAuthority {
  return { subjectDer: nameDer("test-ca"), subjectKeyId: Buffer.from("0a0b", "hex"), notAfterMs: now + 24 * hour, key };
}

test("buildCertificate: any subject key, as the request carries it, signed by the CA", async (t) => {
  const pemCa = inMemoryCa({ modulusLength: 1024 });
  const ca = readCertificateAuthority(pemCa);
  const caX509 = new X509Certificate(pemCa.cert);
  const keys: { name: string; key: () => KeyObject }[] = [
    { name: "RSA", key: () => generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey },
    { name: "ECDSA P-256", key: () => generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey },
    { name: "ECDSA P-521", key: () => generateKeyPairSync("ec", { namedCurve: "P-521" }).privateKey },
    { name: "Ed25519", key: () => generateKeyPairSync("ed25519").privateKey },
  ];
  for (const k of keys) {
    await t.test(k.name, () => {
      const key = k.key();
      const cert = new X509Certificate(buildCertificate(template({ publicKeyDer: spki(key) }), ca));
      assert.ok(cert.verify(caX509.publicKey) && cert.checkIssued(caX509));
      assert.ok(cert.checkPrivateKey(key));
      assert.deepEqual(cert.publicKey.export({ type: "spki", format: "der" }), spki(key));
      assert.deepEqual([cert.subject, cert.issuer, cert.serialNumber, cert.ca], ["CN=leaf", "CN=svcnet-ca", "0102", false]);
      assert.deepEqual([Date.parse(cert.validFrom), Date.parse(cert.validTo)], [now - hour, now + hour]);
    });
  }
});

test("buildCertificate: the CA's key picks the signature algorithm", async (t) => {
  const cas: { name: string; key: KeyObject; want: string }[] = [
    { name: "RSA: SHA-256", key: generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey, want: "1.2.840.113549.1.1.11" },
    { name: "ECDSA P-256: SHA-256", key: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey, want: "1.2.840.10045.4.3.2" },
    { name: "ECDSA P-384: SHA-384", key: generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey, want: "1.2.840.10045.4.3.3" },
    { name: "Ed25519", key: generateKeyPairSync("ed25519").privateKey, want: "1.3.101.112" },
  ];
  for (const c of cas) {
    await t.test(c.name, () => {
      const cert = new X509Certificate(buildCertificate(template(), bareCa(c.key)));
      assert.ok(cert.verify(createPublicKey(c.key)));
      const [tbs, algorithm] = children(readDer(cert.raw));
      assert.equal(oidOf(children(algorithm)[0]), c.want);
      assert.equal(oidOf(children(children(tbs)[2])[0]), c.want, "the same in the TBSCertificate");
    });
  }
  await t.test("a DSA key cannot sign", () => {
    const key = generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 }).privateKey;
    assert.throws(() => buildCertificate(template(), bareCa(key)), /^Error: the CA's dsa key cannot sign certificates$/);
  });
});

test("buildCertificate: the DER details Go writes", async (t) => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
  const ca = bareCa(generateKeyPairSync("ed25519").privateKey);
  // forge reads certificates with RSA subject keys, and shows the extensions' flags.
  const read = (edit: Partial<CertificateTemplate>) => forge.pki.certificateFromPem(buildCertificate(template({ publicKeyDer: spki(rsa), ...edit }), ca));
  await t.test("serial numbers are positive and minimal", () => {
    const serialDer = (serialNumber: Buffer) => {
      const der = new X509Certificate(buildCertificate(template({ serialNumber }), ca)).raw;
      return contentBytes(children(children(readDer(der))[0])[1]).toString("hex");
    };
    assert.equal(serialDer(Buffer.from("0000ff", "hex")), "00ff");
    assert.equal(serialDer(Buffer.from("000001", "hex")), "01");
    assert.equal(serialDer(Buffer.from("0000", "hex")), "00");
  });
  await t.test("GeneralizedTime from 2050", () => {
    const cert = new X509Certificate(buildCertificate(template({ notAfter: new Date("2051-01-02T03:04:05Z") }), ca));
    assert.equal(cert.validTo, "Jan  2 03:04:05 2051 GMT");
  });
  await t.test("key usage bits, the ninth in a second byte; critical", () => {
    const ku = read({ keyUsage: ["keyEncipherment", "decipherOnly"] }).getExtension("keyUsage") as Record<string, unknown>;
    assert.deepEqual([ku.critical, ku.digitalSignature, ku.keyEncipherment, ku.decipherOnly], [true, false, true, true]);
  });
  await t.test("no key usage, no extension; basicConstraints always, critical, not a CA", () => {
    const cert = read({ keyUsage: [], extKeyUsageOids: [] });
    assert.equal(cert.getExtension("keyUsage"), null);
    assert.equal(cert.getExtension("extKeyUsage"), null);
    const bc = cert.getExtension("basicConstraints") as Record<string, unknown>;
    assert.deepEqual([bc.critical, bc.cA], [true, false]);
  });
  await t.test("the CA's key identifier", () => {
    const aki = read({}).getExtension("authorityKeyIdentifier") as { value: string };
    assert.ok(aki.value.endsWith("\x80\x02\x0a\x0b"), "[0] keyIdentifier 0a0b");
    assert.equal(read({}).getExtension("subjectKeyIdentifier"), null);
  });
  await t.test("SANs: not critical under a subject, critical under an empty one", () => {
    const sans = { dnsNames: ["a.example"], emailAddresses: [], ipAddresses: ["fd00::1"], uris: [] };
    const named = read({ subjectAltNames: sans }).getExtension("subjectAltName") as Record<string, unknown>;
    const anonymous = read({ subjectAltNames: sans, subjectDer: nameDer() }).getExtension("subjectAltName") as Record<string, unknown>;
    assert.deepEqual([named.critical, anonymous.critical], [false, true]);
    assert.equal(new X509Certificate(buildCertificate(template({ subjectAltNames: sans }), ca)).subjectAltName, "DNS:a.example, IP Address:FD00:0:0:0:0:0:0:1");
  });
});

test("readCertificateAuthority: name, key identifier and end of the CA certificate", () => {
  const pemCa = inMemoryCa({ modulusLength: 1024 });
  const ca = readCertificateAuthority(pemCa);
  const forgeCa = forge.pki.certificateFromPem(pemCa.cert);
  const skid = forgeCa.getExtension("subjectKeyIdentifier") as { subjectKeyIdentifier: string };
  assert.equal(ca.subjectKeyId?.toString("hex"), skid.subjectKeyIdentifier);
  assert.equal(ca.notAfterMs, Math.floor(forgeCa.validity.notAfter.getTime() / 1000) * 1000);
  assert.deepEqual(ca.subjectDer, Buffer.from(forge.asn1.toDer(forge.pki.distinguishedNameToAsn1(forgeCa.subject)).getBytes(), "binary"));
  assert.throws(() => readCertificateAuthority({ cert: "nope", key: pemCa.key }), /no CERTIFICATE block/);
});
