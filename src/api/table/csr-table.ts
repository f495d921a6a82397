// `kubectl get csr` (Kubernetes 1.32's printCertificateSigningRequest): Name, Age, SignerName,
// Requestor (spec.username), RequestedDuration (spec.expirationSeconds as a human duration) and
// Condition, which kubectl builds from the conditions: Denied wins over Approved, otherwise
// Pending; then ",Failed" when the signer failed and ",Issued" once a certificate is in status.

import { deepFreeze, isJsonObject } from "../json.js";
import type { CertificateSigningRequest } from "../certificates-types.js";
import type { KubeObject, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { humanDuration, translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

/** The CONDITION cell: "Pending", "Approved", "Approved,Issued", "Denied", "Approved,Failed"… */
export function csrCondition(csr: Pick<CertificateSigningRequest, "status">): string {
  const conditions: unknown[] = Array.isArray(csr.status?.conditions) ? csr.status.conditions : [];
  const types = new Set(conditions.map((c) => (isJsonObject(c) ? c.type : undefined)));
  let out = types.has("Denied") ? "Denied" : types.has("Approved") ? "Approved" : "Pending";
  if (types.has("Failed")) out += ",Failed";
  if (typeof csr.status?.certificate === "string" && csr.status.certificate !== "") out += ",Issued";
  return out;
}

const columns = deepFreeze([
  nameColumn(),
  ageColumn(),
  column("SignerName", "Requested signer for the request."),
  column("Requestor", "Name of the user who created the CertificateSigningRequest (set by the API server)."),
  column("RequestedDuration", "The requested duration of validity of the issued certificate (spec.expirationSeconds)."),
  column("Condition", "Conditions applied to the request: Approved, Denied and Failed, and whether a certificate was issued."),
]);

export const csrTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const csr = obj as Partial<CertificateSigningRequest> & KubeObject;
    const spec = csr.spec ?? { request: "", signerName: "" };
    const seconds = spec.expirationSeconds;
    return [
      csr.metadata?.name ?? "",
      translateTimestampSince(csr.metadata?.creationTimestamp, now),
      spec.signerName || "<none>",
      spec.username ?? "",
      typeof seconds === "number" ? humanDuration(seconds * 1000) : "<none>",
      csrCondition(csr),
    ];
  },
};
