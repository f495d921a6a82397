import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { test } from "node:test";
import { servingCertHash } from "../../api/node-annotations.js";
import { selfSignedServingCertificate } from "./serving-certificate.js";

test("selfSignedServingCertificate: for the address, signed by itself, named by the hash the agent publishes", () => {
  const now = new Date("2026-11-27T12:00:00Z");
  const s = selfSignedServingCertificate("core-v2-01", "127.0.0.1", { modulusLength: 1024, now });
  const x = new X509Certificate(s.cert);
  assert.equal(x.subject, `CN=core-v2-01@${now.getTime() / 1000}`);
  assert.equal(x.subjectAltName, "IP Address:127.0.0.1");
  assert.ok(x.issuer === x.subject && x.verify(x.publicKey), "self-signed");
  assert.ok(x.checkPrivateKey(createPrivateKey(s.key)));
  assert.equal(s.hash, servingCertHash(x.raw));
  assert.notEqual(selfSignedServingCertificate("core-v2-01", "127.0.0.1", { modulusLength: 1024, now }).hash, s.hash, "a new key at every start");
});
