import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesOfPem } from "../../api/certificates-helpers.js";
import type { CsrSubject } from "./test-fixtures.js";
import { makeCsrPem, makeKeyCsr } from "./test-fixtures.js";
import { apiServerClientUsagesError, kubeletClientCsrError, parseCsr } from "./csr-request.js";

const parsed = (s: CsrSubject = {}) => {
  const r = parseCsr(bytesOfPem(makeCsrPem(s)));
  assert.ok(r.ok);
  return r.csr;
};

test("parseCsr: reads the subject and SANs of a request", () => {
  const c = parsed({ cn: "system:node:n1", orgs: ["system:nodes", "extra"], dns: ["n1.example"], emails: ["a@b.c"], ips: ["10.1.2.3"], uris: ["spiffe://x/y"] });
  assert.equal(c.commonName, "system:node:n1");
  assert.deepEqual(c.organizations, ["system:nodes", "extra"]);
  assert.deepEqual(c.dnsNames, ["n1.example"]);
  assert.deepEqual(c.emailAddresses, ["a@b.c"]);
  assert.deepEqual(c.ipAddresses, ["10.1.2.3"]);
  assert.deepEqual(c.uris, ["spiffe://x/y"]);
});

test("parseCsr: reads requests for ECDSA and Ed25519 keys", async (t) => {
  for (const kind of ["ecdsa", "ed25519"] as const) {
    await t.test(kind, () => {
      const r = parseCsr(bytesOfPem(makeKeyCsr(kind).csrPem));
      assert.ok(r.ok, r.ok ? "" : r.error);
      assert.deepEqual([r.csr.commonName, r.csr.organizations, r.csr.publicKeyAlgorithm], ["system:node:n1", ["system:nodes"], kind === "ecdsa" ? "ECDSA" : "Ed25519"]);
    });
  }
});

test("parseCsr: refuses what is not a request", async (t) => {
  const pem = makeCsrPem();
  const cases = [
    { name: "a certificate", request: bytesOfPem(pem.replaceAll("CERTIFICATE REQUEST", "CERTIFICATE")), want: /^PEM block type must be CERTIFICATE REQUEST$/ },
    { name: "not PEM", request: bytesOfPem("hello"), want: /^PEM block type must be CERTIFICATE REQUEST$/ },
    { name: "garbage inside", request: bytesOfPem("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"), want: /^x509: / },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const r = parseCsr(c.request);
      assert.ok(!r.ok);
      assert.match(r.error, c.want);
    });
  }
});

test("kubeletClientCsrError: Kubernetes' node client request rules, in its order", async (t) => {
  const full = ["digital signature", "key encipherment", "client auth"];
  const cases: { name: string; subject?: CsrSubject; usages?: string[]; want: string | undefined }[] = [
    { name: "a node's request", want: undefined },
    { name: "without key encipherment (ECDSA keys)", usages: ["client auth", "digital signature"], want: undefined },
    { name: "usages in another order", usages: ["client auth", "key encipherment", "digital signature"], want: undefined },
    { name: "no organization", subject: { orgs: [] }, want: "subject organization is not system:nodes" },
    { name: "another organization as well", subject: { orgs: ["system:nodes", "system:masters"] }, want: "subject organization is not system:nodes" },
    { name: "a DNS SAN", subject: { dns: ["n1"] }, want: "DNS subjectAltNames are not allowed" },
    { name: "an email SAN", subject: { emails: ["a@b.c"] }, want: "Email subjectAltNames are not allowed" },
    { name: "an IP SAN", subject: { ips: ["10.0.0.1"] }, want: "IP subjectAltNames are not allowed" },
    { name: "a URI SAN", subject: { uris: ["spiffe://a/b"] }, want: "URI subjectAltNames are not allowed" },
    { name: "a user's common name", subject: { cn: "jane" }, want: "subject common name does not begin with system:node:" },
    { name: "server auth", usages: [...full, "server auth"], want: "usages did not match [client auth digital signature key encipherment]" },
    { name: "client auth alone", usages: ["client auth"], want: "usages did not match [client auth digital signature key encipherment]" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(kubeletClientCsrError(parsed(c.subject), c.usages ?? full), c.want));
  }
});

test("apiServerClientUsagesError: client auth, and only the optional two besides", async (t) => {
  const cases: { name: string; usages: string[]; want: string | undefined }[] = [
    { name: "client auth", usages: ["client auth"], want: undefined },
    { name: "all three", usages: ["digital signature", "key encipherment", "client auth"], want: undefined },
    { name: "server auth", usages: ["client auth", "server auth"], want: "invalid usage for client certificate: server auth" },
    { name: "no client auth", usages: ["digital signature"], want: "missing required usage for client certificate: client auth" },
    { name: "nothing", usages: [], want: "missing required usage for client certificate: client auth" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(apiServerClientUsagesError(c.usages), c.want));
  }
});
