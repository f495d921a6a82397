// certificates.k8s.io/v1 CertificateSigningRequest validation (Kubernetes 1.32
// pkg/apis/certificates/validation): spec.request is a PEM certificate request whose signature
// verifies; usages are given, known and not repeated; signerName is `domain/path`;
// expirationSeconds is at least 600; conditions carry a type and a status (True only, for
// Approved, Denied and Failed), each type once, never both Approved and Denied; status.certificate
// holds only CERTIFICATE blocks. Updates may not remove Approved, Denied or Failed; only /approval
// adds or changes Approved and Denied; only /status sets the certificate, and only once. What
// an object already stored breaks is tolerated on its updates, as Kubernetes does for old data.
// One addition of svcnet's: /status may issue a certificate only to an Approved, not Failed request.

import { bytesField } from "../certificates-helpers.js";
import type { CertificateSigningRequest, CertificateSigningRequestCondition } from "../certificates-types.js";
import { KEY_USAGES } from "../certificates-types.js";
import { jsonEqual } from "../json.js";
import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import { certificateBlocksError, CertificateRequestError, goBytes, parseCertificateRequest } from "./certificate-pem.js";
import { invalidRendered } from "./go-render.js";
import { dnsLabelMaxLength, dnsSubdomainMaxLength, isDNS1123Label, isDNS1123Subdomain, nameIsPathSegment } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { list, optNum, rec, str } from "./read.js";

/** Condition types whose status may only be True. */
const trueOnlyTypes = new Set(["Approved", "Denied", "Failed"]);
const sortedUsages = [...KEY_USAGES].sort();
const knownUsages: ReadonlySet<string> = new Set(KEY_USAGES);

/** What one write may do, and which old faults it tolerates (Kubernetes' certificateValidationOptions). */
interface Options {
  allowSettingApprovalConditions: boolean;
  allowSettingCertificate: boolean;
  allowBothApprovedAndDenied: boolean;
  allowDuplicateConditionTypes: boolean;
  allowEmptyConditionType: boolean;
  allowArbitraryCertificate: boolean;
  allowUnknownUsages: boolean;
  allowDuplicateUsages: boolean;
}

function conditionsOf(csr: CertificateSigningRequest): CertificateSigningRequestCondition[] {
  return list(rec(csr.status).conditions).map((c) => rec(c) as unknown as CertificateSigningRequestCondition);
}

function usagesOf(csr: CertificateSigningRequest): string[] {
  return list(rec(csr.spec).usages).map(str);
}

function certificateOf(csr: CertificateSigningRequest): string {
  return str(rec(csr.status).certificate);
}

/** Kubernetes' ValidateSignerName: `example.com/signer-name`, a DNS domain of two labels or more and a dotted path. */
export function validateSignerName(p: FieldPath, signerName: string): FieldError[] {
  if (signerName === "") return [fieldErrors.required(p)];
  const segments = signerName.split("/");
  if (segments.length !== 2) return [fieldErrors.invalid(p, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, rest] = segments;
  const errs: FieldError[] = [];
  if (domain.length > dnsSubdomainMaxLength) errs.push(fieldErrors.tooLong(p, "", dnsSubdomainMaxLength));
  const domainLabels = domain.split(".");
  for (const label of domainLabels) {
    const msgs = isDNS1123Label(label);
    if (msgs.length) {
      for (const m of msgs) errs.push(fieldErrors.invalid(p, domain, `validating label ${JSON.stringify(label)}: ${m}`));
      break;
    }
  }
  if (domainLabels.length < 2) errs.push(fieldErrors.invalid(p, domain, "should be a domain with at least two segments separated by dots"));
  for (const label of rest.split(".")) {
    const msgs = isDNS1123Subdomain(label);
    if (msgs.length) {
      for (const m of msgs) errs.push(fieldErrors.invalid(p, rest, `validating label ${JSON.stringify(label)}: ${m}`));
      break;
    }
  }
  // Room for `<domain>/<namespace>.<name>`: a subdomain, a label, a subdomain and two separators.
  const max = dnsSubdomainMaxLength + (dnsSubdomainMaxLength + dnsLabelMaxLength + 1) + 1;
  if (signerName.length > max) errs.push(fieldErrors.tooLong(p, "", max));
  return errs;
}

/** The request's Go bad value: `[]byte(nil)` when absent, else its bytes. */
function requestGoValue(spec: Record<string, unknown>): string {
  return typeof spec.request === "string" ? goBytes(bytesField(spec.request)) : "[]byte(nil)";
}

/** Why spec.request is not acceptable, or undefined. */
function requestError(request: unknown): string | undefined {
  try {
    return parseCertificateRequest(bytesField(request)).checkSignature();
  } catch (e) {
    if (e instanceof CertificateRequestError) return e.message;
    throw e;
  }
}

function validateConditions(p: FieldPath, csr: CertificateSigningRequest, o: Options): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditionsOf(csr).forEach((c, i) => {
    const type = str(c.type);
    const status = str(c.status);
    if (!o.allowEmptyConditionType && type === "") errs.push(fieldErrors.required(p.index(i).child("type")));
    const allowed = trueOnlyTypes.has(type) ? ["True"] : ["False", "True", "Unknown"];
    if (status === "") errs.push(fieldErrors.required(p.index(i).child("status")));
    else if (!allowed.includes(status)) errs.push(fieldErrors.notSupported(p.index(i).child("status"), status, allowed));
    if (!o.allowBothApprovedAndDenied) {
      if (type === "Approved") {
        approved = true;
        if (denied) errs.push(fieldErrors.invalid(p.index(i).child("type"), type, "Approved and Denied conditions are mutually exclusive"));
      } else if (type === "Denied") {
        denied = true;
        if (approved) errs.push(fieldErrors.invalid(p.index(i).child("type"), type, "Approved and Denied conditions are mutually exclusive"));
      }
    }
    if (!o.allowDuplicateConditionTypes) {
      if (seen.has(type)) errs.push(fieldErrors.duplicate(p.index(i).child("type"), type));
      seen.add(type);
    }
  });
  return errs;
}

function validate(csr: CertificateSigningRequest, o: Options): FieldError[] {
  // Kubernetes does not care what a request is called; the name still has to fit in a URL.
  const errs = validateObjectMeta(csr.metadata, { namespaced: false, nameValidator: nameIsPathSegment });
  const spec = rec(csr.spec);
  const sp = path("spec");
  const why = requestError(spec.request);
  if (why !== undefined) errs.push(invalidRendered(sp.child("request"), requestGoValue(spec), why));
  const usages = usagesOf(csr);
  if (usages.length === 0) errs.push(fieldErrors.required(sp.child("usages")));
  if (!o.allowUnknownUsages) {
    usages.forEach((u, i) => {
      if (!knownUsages.has(u)) errs.push(fieldErrors.notSupported(sp.child("usages").index(i), u, sortedUsages));
    });
  }
  if (!o.allowDuplicateUsages) {
    const seen = new Set<string>();
    usages.forEach((u, i) => {
      if (seen.has(u)) errs.push(fieldErrors.duplicate(sp.child("usages").index(i), u));
      seen.add(u);
    });
  }
  errs.push(...validateSignerName(sp.child("signerName"), str(spec.signerName)));
  const expiration = optNum(spec.expirationSeconds);
  if (expiration !== undefined && expiration < 600) {
    errs.push(fieldErrors.invalid(sp.child("expirationSeconds"), expiration, "may not specify a duration less than 600 seconds (10 minutes)"));
  }
  errs.push(...validateConditions(path("status", "conditions"), csr, o));
  if (!o.allowArbitraryCertificate) {
    const bad = certificateBlocksError(bytesField(rec(csr.status).certificate));
    if (bad) errs.push(fieldErrors.invalid(path("status", "certificate"), "<certificate data>", bad));
  }
  return errs;
}

function hasDuplicates(xs: readonly string[]): boolean {
  return new Set(xs).size !== xs.length;
}

/** Tolerances for what the stored object already breaks (none on create). */
function options(csr: CertificateSigningRequest, old: CertificateSigningRequest | undefined): Options {
  const oldTypes = old ? conditionsOf(old).map((c) => str(c.type)) : [];
  const oldUsages = old ? usagesOf(old) : [];
  return {
    allowSettingApprovalConditions: false,
    allowSettingCertificate: false,
    allowBothApprovedAndDenied: oldTypes.includes("Approved") && oldTypes.includes("Denied"),
    allowDuplicateConditionTypes: hasDuplicates(oldTypes),
    allowEmptyConditionType: oldTypes.includes(""),
    allowArbitraryCertificate:
      old !== undefined && (certificateOf(csr) === certificateOf(old) || certificateBlocksError(bytesField(rec(old.status).certificate)) !== undefined),
    allowUnknownUsages: oldUsages.some((u) => !knownUsages.has(u)),
    allowDuplicateUsages: hasDuplicates(oldUsages),
  };
}

/** A CertificateSigningRequest on create. */
export function validateCertificateSigningRequest(csr: CertificateSigningRequest): FieldError[] {
  return validate(csr, options(csr, undefined));
}

function conditionsOfType(csr: CertificateSigningRequest, type: string): CertificateSigningRequestCondition[] {
  return conditionsOf(csr).filter((c) => c.type === type);
}

function validateUpdate(csr: CertificateSigningRequest, old: CertificateSigningRequest, o: Options): FieldError[] {
  const errs = validate(csr, o);
  const conditions = path("status", "conditions");
  for (const t of ["Approved", "Denied", "Failed"]) {
    if (conditionsOfType(csr, t).length < conditionsOfType(old, t).length) {
      errs.push(fieldErrors.forbidden(conditions, `updates may not remove a condition of type ${JSON.stringify(t)}`));
    }
  }
  if (!o.allowSettingApprovalConditions) {
    for (const t of ["Approved", "Denied"]) {
      const now = conditionsOfType(csr, t);
      const before = conditionsOfType(old, t);
      if (now.length > before.length) errs.push(fieldErrors.forbidden(conditions, `updates may not add a condition of type ${JSON.stringify(t)}`));
      else if (now.length === before.length && !jsonEqual(now, before)) {
        errs.push(fieldErrors.forbidden(conditions, `updates may not modify a condition of type ${JSON.stringify(t)}`));
      }
    }
  }
  const certificate = path("status", "certificate");
  if (certificateOf(csr) !== certificateOf(old)) {
    if (!o.allowSettingCertificate) errs.push(fieldErrors.forbidden(certificate, "updates may not set certificate content"));
    else if (certificateOf(old) !== "") errs.push(fieldErrors.forbidden(certificate, "updates may not modify existing certificate content"));
    else if (conditionsOfType(csr, "Approved").length === 0 || conditionsOfType(csr, "Failed").length > 0) {
      errs.push(fieldErrors.forbidden(certificate, "a certificate may only be issued to an Approved request that has not Failed"));
    }
  }
  errs.push(...validateObjectMetaUpdate(csr.metadata, old.metadata));
  return errs;
}

/** An update of the main resource (its spec and status are the stored ones by then). */
export function validateCertificateSigningRequestUpdate(csr: CertificateSigningRequest, old: CertificateSigningRequest): FieldError[] {
  return validateUpdate(csr, old, options(csr, old));
}

/** A write of /status: the signer sets the certificate (and conditions other than Approved/Denied). */
export function validateCertificateSigningRequestStatusUpdate(csr: CertificateSigningRequest, old: CertificateSigningRequest): FieldError[] {
  return validateUpdate(csr, old, { ...options(csr, old), allowSettingCertificate: true });
}

/** A write of /approval: the approver adds Approved or Denied. */
export function validateCertificateSigningRequestApprovalUpdate(csr: CertificateSigningRequest, old: CertificateSigningRequest): FieldError[] {
  return validateUpdate(csr, old, { ...options(csr, old), allowSettingApprovalConditions: true });
}
