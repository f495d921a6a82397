import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesField, bytesOfPem, isApproved, isDecided, pemOfBytes, trueCondition } from "./certificates-helpers.js";
import type { CertificateSigningRequest, CertificateSigningRequestCondition } from "./certificates-types.js";

const csrWith = (conditions: CertificateSigningRequestCondition[]): CertificateSigningRequest =>
  Object.freeze({ metadata: { name: "x" }, spec: { request: "", signerName: "s" }, status: { conditions } });

test("[]byte fields: PEM text to base64 and back; what is no string is empty", () => {
  const pem = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
  assert.equal(bytesOfPem(pem), Buffer.from(pem).toString("base64"));
  assert.equal(pemOfBytes(bytesOfPem(pem)), pem);
  assert.deepEqual(bytesField(bytesOfPem(pem)), Buffer.from(pem));
  assert.deepEqual(bytesField(undefined), Buffer.alloc(0));
  assert.deepEqual(bytesField(42), Buffer.alloc(0));
});

test("isApproved and isDecided read the conditions", async (t) => {
  const cond = (type: string, status: "True" | "False" = "True") => ({ type, status });
  const cases = [
    { name: "pending", conditions: [], approved: false, decided: false },
    { name: "approved", conditions: [cond("Approved")], approved: true, decided: true },
    { name: "approved and denied", conditions: [cond("Approved"), cond("Denied")], approved: false, decided: true },
    { name: "denied", conditions: [cond("Denied")], approved: false, decided: true },
    { name: "failed only", conditions: [cond("Failed")], approved: false, decided: false },
    { name: "approved False", conditions: [cond("Approved", "False")], approved: false, decided: true },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const csr = csrWith(c.conditions);
      assert.equal(isApproved(csr), c.approved);
      assert.equal(isDecided(csr), c.decided);
    });
  }
});

test("trueCondition: the first of its type with status True", () => {
  const csr = csrWith([
    { type: "Failed", status: "False", reason: "Not" },
    { type: "Failed", status: "True", reason: "First" },
    { type: "Failed", status: "True", reason: "Second" },
  ]);
  assert.equal(trueCondition(csr, "Failed")?.reason, "First");
  assert.equal(trueCondition(csr, "Denied"), undefined);
});
