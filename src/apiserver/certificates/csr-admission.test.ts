import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { b64, makeCertificatePem, makeCsr, makeCsrPem } from "../../api/validation/certificate-fixtures.js";
import type { AuthorizationAttributes } from "../authorization/attributes.js";
import type { Authorizer } from "../authorization/authorizer.js";
import type { UserInfo } from "../user-info.js";
import type { CsrWrite } from "./csr-admission.js";
import { csrAdmission, isAuthorizedForSignerName } from "./csr-admission.js";

/** Allows exactly the listed `verb resource name` triples (of certificates.k8s.io), and records every question. */
function fakeAuthorizer(allowed: string[]): Authorizer & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    authorize(a: AuthorizationAttributes) {
      const q = `${a.verb} ${a.resource} ${a.name}`;
      asked.push(q);
      const ok = a.apiGroup === "certificates.k8s.io" && a.apiVersion === "*" && allowed.includes(q);
      return { decision: ok ? "allow" : "no-opinion", reason: "" };
    },
  };
}

const jane: UserInfo = { name: "jane", groups: ["system:authenticated"] };
const pending = makeCsr("r");
const approvedCsr = makeCsr("r", (c) => (c.status = { conditions: [{ type: "Approved", status: "True" }] }));
const issued = makeCsr("r", (c) => (c.status = { conditions: [{ type: "Approved", status: "True" }], certificate: b64(makeCertificatePem("r")) }));
const mastersClient = makeCsr("root", (c) => {
  c.spec.signerName = "kubernetes.io/kube-apiserver-client";
  c.spec.request = b64(makeCsrPem({ commonName: "root", organizations: ["system:masters"] }));
});

describe("isAuthorizedForSignerName", () => {
  it("asks for the signer, then its domain's wildcard", () => {
    const authz = fakeAuthorizer(["approve signers example.com/*"]);
    assert.equal(isAuthorizedForSignerName(authz, jane, "approve", "example.com/signer"), true);
    assert.deepEqual(authz.asked, ["approve signers example.com/signer", "approve signers example.com/*"]);
  });
});

describe("csrAdmission", () => {
  const cases: { name: string; allowed: string[]; write: Omit<CsrWrite, "user">; want: string | undefined }[] = [
    { name: "approval with approve on the signer", allowed: ["approve signers example.com/signer"], write: { subresource: "approval", obj: approvedCsr, old: pending }, want: undefined },
    { name: "approval with approve on the domain", allowed: ["approve signers example.com/*"], write: { subresource: "approval", obj: approvedCsr, old: pending }, want: undefined },
    {
      name: "approval without approve",
      allowed: ["sign signers example.com/signer", "approve signers other.com/*"],
      write: { subresource: "approval", obj: approvedCsr, old: pending },
      want: 'certificatesigningrequests.certificates.k8s.io "r" is forbidden: user not permitted to approve requests with signerName "example.com/signer"',
    },
    { name: "status setting the certificate with sign", allowed: ["sign signers example.com/signer"], write: { subresource: "status", obj: issued, old: approvedCsr }, want: undefined },
    {
      name: "status setting the certificate without sign",
      allowed: ["approve signers example.com/signer"],
      write: { subresource: "status", obj: issued, old: approvedCsr },
      want: 'certificatesigningrequests.certificates.k8s.io "r" is forbidden: user not permitted to sign requests with signerName "example.com/signer"',
    },
    { name: "status not touching the certificate needs nothing", allowed: [], write: { subresource: "status", obj: approvedCsr, old: approvedCsr }, want: undefined },
    { name: "the main resource needs nothing", allowed: [], write: { subresource: "", obj: approvedCsr, old: approvedCsr }, want: undefined },
    {
      name: "kube-apiserver-client for system:masters",
      allowed: [],
      write: { subresource: "", obj: mastersClient, old: undefined },
      want: 'certificatesigningrequests.certificates.k8s.io "root" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed',
    },
    {
      name: "another signer may carry system:masters",
      allowed: [],
      write: { subresource: "", obj: { ...mastersClient, spec: { ...mastersClient.spec, signerName: "example.com/signer" } } as CertificateSigningRequest, old: undefined },
      want: undefined,
    },
    {
      name: "an unparsable kube-apiserver-client request",
      allowed: [],
      write: { subresource: "", obj: { ...mastersClient, spec: { ...mastersClient.spec, request: b64("junk") } } as CertificateSigningRequest, old: undefined },
      want: 'certificatesigningrequests.certificates.k8s.io "root" is forbidden: failed to parse CSR: PEM block type must be CERTIFICATE REQUEST',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const refused = csrAdmission(fakeAuthorizer(c.allowed), { user: jane, ...c.write });
      assert.equal(refused?.message, c.want);
      if (refused) assert.equal(refused.code, 403);
    });
  }
});
