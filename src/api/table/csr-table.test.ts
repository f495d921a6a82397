import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { CertificateSigningRequest, CertificateSigningRequestCondition } from "../certificates-types.js";
import { deepFreeze } from "../json.js";
import { csrCondition, csrTablePrinter } from "./csr-table.js";
import { ago, NOW, renderLikeKubectl } from "./table-fixtures.js";

function makeCsr(name: string, mutate: (c: CertificateSigningRequest) => void = () => {}): CertificateSigningRequest {
  const csr: CertificateSigningRequest = {
    apiVersion: "certificates.k8s.io/v1",
    kind: "CertificateSigningRequest",
    metadata: { name, creationTimestamp: ago({ m: 3 }) },
    spec: { request: "", signerName: "kubernetes.io/kube-apiserver-client-kubelet", username: "system:bootstrap:abcdef", usages: ["client auth"] },
  };
  mutate(csr);
  return deepFreeze(csr);
}

const cond = (type: string): CertificateSigningRequestCondition => ({ type, status: "True" });

describe("csrCondition", () => {
  const cases: { name: string; conditions: CertificateSigningRequestCondition[]; certificate?: string; want: string }[] = [
    { name: "no conditions", conditions: [], want: "Pending" },
    { name: "approved", conditions: [cond("Approved")], want: "Approved" },
    { name: "approved and issued", conditions: [cond("Approved")], certificate: "Y2VydA==", want: "Approved,Issued" },
    { name: "denied", conditions: [cond("Denied")], want: "Denied" },
    { name: "denied wins over approved", conditions: [cond("Approved"), cond("Denied")], want: "Denied" },
    { name: "approved, then the signer failed", conditions: [cond("Approved"), cond("Failed")], want: "Approved,Failed" },
    { name: "other conditions do not show", conditions: [cond("Ready")], want: "Pending" },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(csrCondition({ status: { conditions: c.conditions, ...(c.certificate && { certificate: c.certificate }) } }), c.want));
  }
});

describe("csr printer", () => {
  it("has kubectl's columns", () => {
    assert.deepEqual(
      csrTablePrinter.columns.map((c) => c.name),
      ["Name", "Age", "SignerName", "Requestor", "RequestedDuration", "Condition"],
    );
  });

  const cases: { name: string; csr: CertificateSigningRequest; want: (string | number)[] }[] = [
    { name: "a pending node request", csr: makeCsr("csr-abc"), want: ["csr-abc", "3m", "kubernetes.io/kube-apiserver-client-kubelet", "system:bootstrap:abcdef", "<none>", "Pending"] },
    { name: "a day requested", csr: makeCsr("d", (c) => (c.spec.expirationSeconds = 86400)), want: ["d", "3m", "kubernetes.io/kube-apiserver-client-kubelet", "system:bootstrap:abcdef", "24h", "Pending"] },
    { name: "ten minutes requested", csr: makeCsr("t", (c) => (c.spec.expirationSeconds = 600)), want: ["t", "3m", "kubernetes.io/kube-apiserver-client-kubelet", "system:bootstrap:abcdef", "10m", "Pending"] },
    { name: "no signer", csr: makeCsr("n", (c) => (c.spec.signerName = "")), want: ["n", "3m", "<none>", "system:bootstrap:abcdef", "<none>", "Pending"] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(csrTablePrinter.cells(c.csr, NOW), c.want));

  it("prints like kubectl get csr", () => {
    const csr = makeCsr("csr-abc", (c) => (c.status = { conditions: [cond("Approved")], certificate: "Y2VydA==" }));
    assert.deepEqual(renderLikeKubectl(csrTablePrinter.columns, [csrTablePrinter.cells(csr, NOW)]), [
      "NAME      AGE   SIGNERNAME                                    REQUESTOR                 REQUESTEDDURATION   CONDITION",
      "csr-abc   3m    kubernetes.io/kube-apiserver-client-kubelet   system:bootstrap:abcdef   <none>              Approved,Issued",
    ]);
  });
});
