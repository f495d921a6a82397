import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CertificateSigningRequest, CertificateSigningRequestCondition, KeyUsage } from "../certificates-types.js";
import { fieldErrorMessage, type FieldError } from "../field-errors.js";
import { b64, makeCertificatePem, makeCsr } from "./certificate-fixtures.js";
import {
  validateCertificateSigningRequest,
  validateCertificateSigningRequestApprovalUpdate,
  validateCertificateSigningRequestStatusUpdate,
  validateCertificateSigningRequestUpdate,
  validateSignerName,
} from "./certificate-signing-request.js";
import { path } from "../field-errors.js";

const msgs = (errs: FieldError[]): string[] => errs.map(fieldErrorMessage);
const approved: CertificateSigningRequestCondition = { type: "Approved", status: "True", reason: "KubectlApprove" };
const denied: CertificateSigningRequestCondition = { type: "Denied", status: "True" };
const failed: CertificateSigningRequestCondition = { type: "Failed", status: "True" };
const cert = b64(makeCertificatePem("issued"));

/** The request's PEM with one character of its signature changed. */
function tampered(request: string): string {
  const pem = Buffer.from(request, "base64").toString();
  const end = pem.indexOf("-----END");
  const i = end - 10;
  return b64(pem.slice(0, i) + (pem[i] === "A" ? "B" : "A") + pem.slice(i + 1));
}

describe("CertificateSigningRequest validation on create", () => {
  const cases: { name: string; csr: CertificateSigningRequest; want: string[] }[] = [
    { name: "valid", csr: makeCsr("ok"), want: [] },
    { name: "valid with a duration of ten minutes", csr: makeCsr("ok", (c) => (c.spec.expirationSeconds = 600)), want: [] },
    {
      name: "request is not PEM",
      csr: makeCsr("bad", (c) => (c.spec.request = b64("hi"))),
      want: ["spec.request: Invalid value: []byte{0x68, 0x69}: PEM block type must be CERTIFICATE REQUEST"],
    },
    {
      name: "request missing",
      csr: makeCsr("bad", (c) => delete (c.spec as Partial<CertificateSigningRequest["spec"]>).request),
      want: ["spec.request: Invalid value: []byte(nil): PEM block type must be CERTIFICATE REQUEST"],
    },
    { name: "signature does not verify", csr: makeCsr("bad", (c) => (c.spec.request = tampered(c.spec.request))), want: ["crypto/rsa: verification error"] },
    { name: "usages missing", csr: makeCsr("bad", (c) => delete c.spec.usages), want: ["spec.usages: Required value"] },
    {
      name: "unknown usage",
      csr: makeCsr("bad", (c) => (c.spec.usages = ["client auth", "flying" as KeyUsage])),
      want: ['spec.usages[1]: Unsupported value: "flying": supported values: "any", "cert sign", "client auth",'],
    },
    { name: "repeated usage", csr: makeCsr("bad", (c) => (c.spec.usages = ["client auth", "client auth"])), want: ['spec.usages[1]: Duplicate value: "client auth"'] },
    { name: "signerName missing", csr: makeCsr("bad", (c) => (c.spec.signerName = "")), want: ["spec.signerName: Required value"] },
    { name: "expiration too short", csr: makeCsr("bad", (c) => (c.spec.expirationSeconds = 599)), want: ["spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)"] },
    {
      name: "approved and denied",
      csr: makeCsr("bad", (c) => (c.status = { conditions: [approved, denied] })),
      want: ['status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive'],
    },
    { name: "a type twice", csr: makeCsr("bad", (c) => (c.status = { conditions: [failed, failed] })), want: ['status.conditions[1].type: Duplicate value: "Failed"'] },
    {
      name: "approval is True or absent",
      csr: makeCsr("bad", (c) => (c.status = { conditions: [{ type: "Approved", status: "False" }] })),
      want: ['status.conditions[0].status: Unsupported value: "False": supported values: "True"'],
    },
    { name: "other types may be False", csr: makeCsr("ok", (c) => (c.status = { conditions: [{ type: "Ready", status: "False" }] })), want: [] },
    {
      name: "condition without type or status",
      csr: makeCsr("bad", (c) => (c.status = { conditions: [{ type: "", status: "" as "True" }] })),
      want: ["status.conditions[0].type: Required value", "status.conditions[0].status: Required value"],
    },
    {
      name: "certificate that is not a certificate",
      csr: makeCsr("bad", (c) => (c.status = { certificate: b64(Buffer.from(c.spec.request, "base64").toString()) })),
      want: ['status.certificate: Invalid value: "<certificate data>": only CERTIFICATE PEM blocks are allowed, found "CERTIFICATE REQUEST"'],
    },
    { name: "certificate without PEM", csr: makeCsr("bad", (c) => (c.status = { certificate: b64("junk") })), want: ["must contain at least one CERTIFICATE PEM block"] },
    { name: "a name that is no path segment", csr: makeCsr("a/b"), want: ["metadata.name: Invalid value: \"a/b\": may not contain '/'"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = msgs(validateCertificateSigningRequest(c.csr));
      assert.equal(got.length, c.want.length, got.join("\n"));
      c.want.forEach((w, i) => assert.ok(got[i].includes(w), `${got[i]}\nwants ${w}`));
    });
  }
});

describe("validateSignerName", () => {
  const p = path("spec", "signerName");
  const cases: { name: string; signer: string; want: string[] }[] = [
    { name: "a kubernetes signer", signer: "kubernetes.io/kube-apiserver-client-kubelet", want: [] },
    { name: "a dotted path", signer: "example.com/ns.name", want: [] },
    { name: "no slash", signer: "example.com", want: ["spec.signerName: Invalid value: \"example.com\": must be a fully qualified domain and path of the form 'example.com/signer-name'"] },
    { name: "two slashes", signer: "a.com/b/c", want: ['spec.signerName: Invalid value: "a.com/b/c": must be a fully qualified domain and path'] },
    { name: "domain of one label", signer: "example/signer", want: ['spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots'] },
    { name: "upper-case domain", signer: "Example.com/signer", want: ['spec.signerName: Invalid value: "Example.com": validating label "Example": a lowercase RFC 1123 label must consist of'] },
    { name: "bad path", signer: "example.com/Signer", want: ['spec.signerName: Invalid value: "Signer": validating label "Signer": a lowercase RFC 1123 subdomain'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = msgs(validateSignerName(p, c.signer));
      assert.equal(got.length, c.want.length, got.join("\n"));
      c.want.forEach((w, i) => assert.ok(got[i].startsWith(w), `${got[i]}\nwants ${w}`));
    });
  }
});

describe("CertificateSigningRequest validation on update", () => {
  const base = makeCsr("r", (c) => (c.status = {}));
  const withStatus = (status: CertificateSigningRequest["status"], from = base): CertificateSigningRequest => ({ ...from, status });
  const cases: { name: string; run: (obj: CertificateSigningRequest, old: CertificateSigningRequest) => FieldError[]; obj: CertificateSigningRequest; old: CertificateSigningRequest; want: string[] }[] = [
    { name: "approval adds Approved", run: validateCertificateSigningRequestApprovalUpdate, obj: withStatus({ conditions: [approved] }), old: base, want: [] },
    { name: "approval adds Denied", run: validateCertificateSigningRequestApprovalUpdate, obj: withStatus({ conditions: [denied] }), old: base, want: [] },
    {
      name: "approval may not turn Approved into Denied",
      run: validateCertificateSigningRequestApprovalUpdate,
      obj: withStatus({ conditions: [denied] }),
      old: withStatus({ conditions: [approved] }),
      want: ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"'],
    },
    {
      name: "the main resource may not approve",
      run: validateCertificateSigningRequestUpdate,
      obj: withStatus({ conditions: [approved] }),
      old: base,
      want: ['status.conditions: Forbidden: updates may not add a condition of type "Approved"'],
    },
    {
      name: "status may not approve",
      run: validateCertificateSigningRequestStatusUpdate,
      obj: withStatus({ conditions: [approved] }),
      old: base,
      want: ['status.conditions: Forbidden: updates may not add a condition of type "Approved"'],
    },
    {
      name: "status may not drop Failed",
      run: validateCertificateSigningRequestStatusUpdate,
      obj: withStatus({ conditions: [approved] }),
      old: withStatus({ conditions: [approved, failed] }),
      want: ['status.conditions: Forbidden: updates may not remove a condition of type "Failed"'],
    },
    { name: "status issues to an approved request", run: validateCertificateSigningRequestStatusUpdate, obj: withStatus({ conditions: [approved], certificate: cert }), old: withStatus({ conditions: [approved] }), want: [] },
    { name: "status adds Failed", run: validateCertificateSigningRequestStatusUpdate, obj: withStatus({ conditions: [approved, failed] }), old: withStatus({ conditions: [approved] }), want: [] },
    {
      name: "status may not issue to a pending request",
      run: validateCertificateSigningRequestStatusUpdate,
      obj: withStatus({ certificate: cert }),
      old: base,
      want: ["status.certificate: Forbidden: a certificate may only be issued to an Approved request that has not Failed"],
    },
    {
      name: "status may not issue to a failed request",
      run: validateCertificateSigningRequestStatusUpdate,
      obj: withStatus({ conditions: [approved, failed], certificate: cert }),
      old: withStatus({ conditions: [approved, failed] }),
      want: ["status.certificate: Forbidden: a certificate may only be issued to an Approved request that has not Failed"],
    },
    {
      name: "the certificate is set once",
      run: validateCertificateSigningRequestStatusUpdate,
      obj: withStatus({ conditions: [approved], certificate: b64(makeCertificatePem("other")) }),
      old: withStatus({ conditions: [approved], certificate: cert }),
      want: ["status.certificate: Forbidden: updates may not modify existing certificate content"],
    },
    {
      name: "the main resource may not set a certificate",
      run: validateCertificateSigningRequestUpdate,
      obj: withStatus({ conditions: [approved], certificate: cert }),
      old: withStatus({ conditions: [approved] }),
      want: ["status.certificate: Forbidden: updates may not set certificate content"],
    },
    {
      name: "what the stored object already breaks is tolerated",
      run: validateCertificateSigningRequestUpdate,
      obj: { ...withStatus({}), metadata: { name: "r", labels: { a: "b" } }, spec: { ...base.spec, usages: ["client auth", "client auth", "flying" as KeyUsage] } },
      old: { ...withStatus({}), spec: { ...base.spec, usages: ["client auth", "client auth", "flying" as KeyUsage] } },
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = msgs(c.run(c.obj, c.old));
      assert.deepEqual(got, c.want);
    });
  }
});
