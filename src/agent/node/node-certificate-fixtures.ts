// Node client certificates for tests: a CA, and certificates of system:node:<name> from it with
// the validity a test asks for, signed as csrsigning signs them.

import assert from "node:assert/strict";
import { parseCertificateRequest } from "../../api/validation/certificate-pem.js";
import { readCertificateAuthority } from "../../controllers/certificates/certificate-builder.js";
import { signCertificate } from "../../controllers/certificates/csr-signing.js";
import { inMemoryCa } from "../../server/pki.js";
import { nodeClientCsr } from "./tls-bootstrap.js";

export type TestCa = { cert: string; key: string };

let shared: TestCa | undefined;

/** One small CA for the whole test process. */
export function testCa(): TestCa {
  shared ??= inMemoryCa({ modulusLength: 1024 });
  return shared;
}

/** A key and a certificate of node `nodeName`, valid from five minutes before `nowMs` for `ttlMs` after it. */
export function issueNodeCertificate(nodeName: string, o: { nowMs: number; ttlMs: number; ca?: TestCa }): { certPem: string; keyPem: string } {
  const { csrPem, keyPem } = nodeClientCsr(nodeName, { modulusLength: 1024 });
  const csr = parseCertificateRequest(Buffer.from(csrPem));
  const signed = signCertificate({ ca: readCertificateAuthority(o.ca ?? testCa()), csr, usages: ["digital signature", "key encipherment", "client auth"], ttlMs: o.ttlMs, nowMs: o.nowMs });
  assert.ok(signed.ok, signed.ok ? "" : signed.error);
  return { certPem: signed.cert, keyPem };
}
