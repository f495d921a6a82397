import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import forge from "node-forge";
import { makeCertificatePem, makeCsrPem, makeKeyCsrPem } from "./certificate-fixtures.js";
import { certificateBlocksError, CertificateRequestError, goBytes, parseCertificateRequest, pemBlocks } from "./certificate-pem.js";

describe("parseCertificateRequest", () => {
  it("reads the subject of a node-forge (RSA) request and verifies it", () => {
    const r = parseCertificateRequest(Buffer.from(makeCsrPem({ commonName: "system:node:n1", organizations: ["system:nodes", "extra"] })));
    assert.equal(r.commonName, "system:node:n1");
    assert.deepEqual(r.organizations, ["system:nodes", "extra"]);
    assert.equal(r.checkSignature(), undefined);
  });

  const keys = {
    rsa: () => generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey,
    ecdsa: () => generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey,
    ecdsaP384: () => generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey,
    ed25519: () => generateKeyPairSync("ed25519").privateKey,
  };
  const keyCases: { name: string; key: keyof typeof keys; algorithm: string }[] = [
    { name: "an RSA request", key: "rsa", algorithm: "RSA" },
    { name: "an ECDSA P-256 request", key: "ecdsa", algorithm: "ECDSA" },
    { name: "an ECDSA P-384 request", key: "ecdsaP384", algorithm: "ECDSA" },
    { name: "an Ed25519 request", key: "ed25519", algorithm: "Ed25519" },
  ];
  for (const c of keyCases) {
    it(`reads and verifies ${c.name}, keeping its key and subject as they are`, () => {
      const key = keys[c.key]();
      const r = parseCertificateRequest(Buffer.from(makeKeyCsrPem({ key, commonName: "system:node:n1", organizations: ["system:nodes"] })));
      assert.deepEqual([r.commonName, r.organizations, r.publicKeyAlgorithm], ["system:node:n1", ["system:nodes"], c.algorithm]);
      assert.equal(r.checkSignature(), undefined);
      assert.deepEqual(r.publicKeyDer, createPublicKey(key).export({ type: "spki", format: "der" }));
      const subject = forge.asn1.fromDer(r.subjectDer.toString("binary"));
      assert.equal((subject.value as unknown[]).length, 2, "two RDNs, O and CN");
    });
  }

  it("reads the SANs of the extensionRequest attribute, as Go prints them", () => {
    const sans = { dnsNames: ["n1.example", "n1"], emailAddresses: ["a@b.c"], ipAddresses: ["10.1.2.3", "fd00::1"], uris: ["spiffe://x/y"] };
    const r = parseCertificateRequest(Buffer.from(makeKeyCsrPem({ key: keys.ecdsa(), commonName: "x", sans })));
    assert.deepEqual([r.dnsNames, r.emailAddresses, r.ipAddresses, r.uris], [sans.dnsNames, sans.emailAddresses, sans.ipAddresses, sans.uris]);
    assert.equal(r.checkSignature(), undefined);
  });

  it("reads the SANs of a node-forge request", () => {
    const r = parseCertificateRequest(Buffer.from(makeCsrPem({ commonName: "x" })));
    assert.deepEqual([r.dnsNames, r.emailAddresses, r.ipAddresses, r.uris], [[], [], [], []]);
  });

  it("knows no algorithm for an X25519 key, and says so when verifying", () => {
    const x25519 = generateKeyPairSync("x25519").publicKey.export({ type: "spki", format: "der" });
    const r = parseCertificateRequest(Buffer.from(makeKeyCsrPem({ key: keys.ed25519(), commonName: "x", publicKeyDer: x25519 })));
    assert.deepEqual([r.publicKeyAlgorithm, r.publicKeyAlgorithmOid], [undefined, "1.3.101.110"]);
    assert.equal(r.checkSignature(), "x509: cannot verify signature: algorithm unimplemented");
  });

  it("reports a key that is not the signature's kind as Go does", () => {
    const rsa = createPublicKey(keys.rsa()).export({ type: "spki", format: "der" });
    const r = parseCertificateRequest(Buffer.from(makeKeyCsrPem({ key: keys.ecdsa(), commonName: "x", publicKeyDer: rsa })));
    assert.equal(r.checkSignature(), "x509: signature algorithm specifies an ECDSA public key, but have public key of type *rsa.PublicKey");
  });

  const refused: { name: string; pem: () => string; want: string }[] = [
    { name: "no PEM at all", pem: () => "hello", want: "PEM block type must be CERTIFICATE REQUEST" },
    { name: "a certificate instead", pem: () => makeCertificatePem("x"), want: "PEM block type must be CERTIFICATE REQUEST" },
    { name: "a request block holding junk", pem: () => forge.pem.encode({ type: "CERTIFICATE REQUEST", body: "junk" }), want: "x509: malformed certificate request" },
    {
      name: "a key on a curve Go does not know",
      pem: () => makeKeyCsrPem({ key: generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey, commonName: "x" }),
      want: "x509: unsupported elliptic curve",
    },
    {
      name: "an extension asked for twice",
      pem: () => makeKeyCsrPem({ key: keys.ed25519(), sans: { dnsNames: ["a"] }, extensions: [{ oid: "2.5.29.17", value: Buffer.from("3000", "hex") }] }),
      want: "x509: certificate request contains duplicate requested extensions",
    },
    { name: "a DNS SAN that is not ASCII", pem: () => makeKeyCsrPem({ key: keys.ed25519(), sans: { dnsNames: ["bücher.example"] } }), want: "x509: SAN dNSName is malformed" },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}`, () => assert.throws(() => parseCertificateRequest(Buffer.from(c.pem())), (e: unknown) => e instanceof CertificateRequestError && e.message === c.want));
  }

  it("reports a signature that does not verify", () => {
    const pem = makeCsrPem({ commonName: "x" });
    const der = Buffer.from(pemBlocks(pem)[0].bytes);
    der[der.length - 5] ^= 0xff;
    const r = parseCertificateRequest(Buffer.from(forge.pem.encode({ type: "CERTIFICATE REQUEST", body: der.toString("binary") })));
    assert.equal(r.checkSignature(), "crypto/rsa: verification error");
  });
});

describe("certificateBlocksError", () => {
  const cert = makeCertificatePem("x");
  const cases: { name: string; pem: string; want: string | undefined }[] = [
    { name: "empty is fine", pem: "", want: undefined },
    { name: "one certificate", pem: cert, want: undefined },
    { name: "a chain with text around it", pem: `issued:\n${cert}${cert}the end\n`, want: undefined },
    { name: "no block", pem: "junk", want: "must contain at least one CERTIFICATE PEM block" },
    { name: "another block type", pem: makeCsrPem({ commonName: "x" }), want: 'only CERTIFICATE PEM blocks are allowed, found "CERTIFICATE REQUEST"' },
    { name: "headers", pem: cert.replace("-----\r\n", "-----\r\nProc-Type: 4,ENCRYPTED\r\n\r\n"), want: "no PEM block headers are permitted" },
    { name: "not a certificate inside", pem: forge.pem.encode({ type: "CERTIFICATE", body: "junk" }), want: "x509: malformed certificate" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(certificateBlocksError(Buffer.from(c.pem)), c.want));
});

describe("goBytes", () => {
  it("renders as Go's %#v", () => assert.equal(goBytes(Buffer.from([0x2d, 0x0a, 0xff])), "[]byte{0x2d, 0xa, 0xff}"));
});
