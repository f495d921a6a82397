// Kubernetes' three CertificateSigningRequest admission plugins, decided with the API server's
// authorizer once the written object is final (plugin/pkg/admission/certificates):
// - approval: a write of /approval needs `approve` on `signers` of certificates.k8s.io named
//   after the request's signerName, or `<domain>/*` for every signer of its domain;
// - signing: a /status write that changes status.certificate needs `sign` on the signer likewise;
// - subject restriction: no kubernetes.io/kube-apiserver-client request for O=system:masters,
//   which would make its holder a cluster administrator that RBAC cannot take back.
// Refusals are 403s in the plugins' words.

import { bytesField } from "../../api/certificates-helpers.js";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { CERTIFICATES_GROUP, KUBE_APISERVER_CLIENT_SIGNER } from "../../api/certificates-types.js";
import { ApiError } from "../../api/errors.js";
import type { KubeObject } from "../../api/types.js";
import { CertificateRequestError, parseCertificateRequest } from "../../api/validation/certificate-pem.js";
import { resourceAttributes } from "../authorization/attributes.js";
import type { Authorizer } from "../authorization/authorizer.js";
import { MASTERS_GROUP } from "../user-groups.js";
import type { UserInfo } from "../user-info.js";

const csrResource = { group: CERTIFICATES_GROUP, resource: "certificatesigningrequests" };

/**
 * Kubernetes' IsAuthorizedForSignerName: `verb` on the signer itself, else on the wildcard of its
 * domain (`example.com/*`).
 */
export function isAuthorizedForSignerName(authz: Authorizer, user: UserInfo, verb: string, signerName: string): boolean {
  const attrs = (name: string) => resourceAttributes(user, { verb, apiGroup: CERTIFICATES_GROUP, resource: "signers", name });
  if (authz.authorize(attrs(signerName)).decision === "allow") return true;
  const domain = signerName.split("/")[0];
  return authz.authorize(attrs(`${domain}/*`)).decision === "allow";
}

export interface CsrWrite {
  user: UserInfo;
  /** "" (the main resource), "status" or "approval". */
  subresource: string;
  obj: KubeObject;
  /** undefined on create. */
  old: KubeObject | undefined;
}

/** The refusal of a write of a CertificateSigningRequest, or undefined when admission lets it through. */
export function csrAdmission(authz: Authorizer, w: CsrWrite): ApiError | undefined {
  const csr = w.obj as CertificateSigningRequest;
  const old = w.old as CertificateSigningRequest | undefined;
  const name = csr.metadata.name ?? "";
  const forbidden = (why: string) => ApiError.forbidden(csrResource, name, why);
  // Subject restriction, on every write that makes a request, whichever path it came by.
  if (old === undefined && csr.spec?.signerName === KUBE_APISERVER_CLIENT_SIGNER) {
    try {
      const request = parseCertificateRequest(bytesField(csr.spec.request));
      if (request.organizations.includes(MASTERS_GROUP)) return forbidden(`use of ${KUBE_APISERVER_CLIENT_SIGNER} signer with ${MASTERS_GROUP} group is not allowed`);
    } catch (e) {
      if (e instanceof CertificateRequestError) return forbidden(`failed to parse CSR: ${e.message}`);
      throw e;
    }
  }
  if (w.subresource === "approval") {
    const signer = csr.spec?.signerName ?? "";
    if (!isAuthorizedForSignerName(authz, w.user, "approve", signer)) return forbidden(`user not permitted to approve requests with signerName ${JSON.stringify(signer)}`);
    return undefined;
  }
  if (w.subresource === "status") {
    if ((csr.status?.certificate ?? "") === (old?.status?.certificate ?? "")) return undefined;
    const signer = (old ?? csr).spec?.signerName ?? "";
    if (!isAuthorizedForSignerName(authz, w.user, "sign", signer)) return forbidden(`user not permitted to sign requests with signerName ${JSON.stringify(signer)}`);
    return undefined;
  }
  return undefined;
}
