import assert from "node:assert/strict";
import { generateKeyPairSync, createSign } from "node:crypto";
import { describe, it } from "node:test";
import forge from "node-forge";
import { makeCertificatePem, makeCsrPem } from "./certificate-fixtures.js";
import { certificateBlocksError, CertificateRequestError, goBytes, parseCertificateRequest, pemBlocks } from "./certificate-pem.js";

/** A PKCS#10 request for an ECDSA P-256 key (what node-forge cannot make), assembled with forge's ASN.1 writer and signed by node:crypto. */
function ecdsaCsrPem(commonName: string): string {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const a = forge.asn1;
  const spki = a.fromDer(forge.util.createBuffer(publicKey.export({ type: "spki", format: "der" }).toString("binary")));
  const name = a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
    a.create(a.Class.UNIVERSAL, a.Type.SET, true, [
      a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
        a.create(a.Class.UNIVERSAL, a.Type.OID, false, a.oidToDer("2.5.4.3").getBytes()),
        a.create(a.Class.UNIVERSAL, a.Type.UTF8, false, commonName),
      ]),
    ]),
  ]);
  const info = a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
    a.create(a.Class.UNIVERSAL, a.Type.INTEGER, false, "\x00"),
    name,
    spki,
    a.create(a.Class.CONTEXT_SPECIFIC, 0, true, []),
  ]);
  const tbs = Buffer.from(a.toDer(info).getBytes(), "binary");
  const sig = createSign("sha256").update(tbs).sign(privateKey);
  const csr = a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [
    info,
    a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, [a.create(a.Class.UNIVERSAL, a.Type.OID, false, a.oidToDer("1.2.840.10045.4.3.2").getBytes())]),
    a.create(a.Class.UNIVERSAL, a.Type.BITSTRING, false, "\x00" + sig.toString("binary")),
  ]);
  return forge.pem.encode({ type: "CERTIFICATE REQUEST", body: a.toDer(csr).getBytes() });
}

describe("parseCertificateRequest", () => {
  it("reads the subject of a node-forge (RSA) request and verifies it", () => {
    const r = parseCertificateRequest(Buffer.from(makeCsrPem({ commonName: "system:node:n1", organizations: ["system:nodes", "extra"] })));
    assert.equal(r.commonName, "system:node:n1");
    assert.deepEqual(r.organizations, ["system:nodes", "extra"]);
    assert.equal(r.checkSignature(), undefined);
  });

  it("verifies an ECDSA request", () => {
    const r = parseCertificateRequest(Buffer.from(ecdsaCsrPem("ec")));
    assert.equal(r.commonName, "ec");
    assert.equal(r.checkSignature(), undefined);
  });

  const refused: { name: string; pem: () => string; want: string }[] = [
    { name: "no PEM at all", pem: () => "hello", want: "PEM block type must be CERTIFICATE REQUEST" },
    { name: "a certificate instead", pem: () => makeCertificatePem("x"), want: "PEM block type must be CERTIFICATE REQUEST" },
    { name: "a request block holding junk", pem: () => forge.pem.encode({ type: "CERTIFICATE REQUEST", body: "junk" }), want: "x509: malformed certificate request" },
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
