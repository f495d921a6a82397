// What kube-controller-manager's csrapproving controller decides, without I/O. It approves only
// node client certificate requests (signer kubernetes.io/kube-apiserver-client-kubelet, and a
// subject and usages a node would ask for), and only when the requester may: the caller asks a
// SubjectAccessReview whether spec.username (with its groups, uid and extra) may create
// certificatesigningrequests/selfnodeclient (a node renewing its own certificate: the requester is
// the CN) or /nodeclient (a new node, e.g. with a join token). It never denies: a request it does
// not approve waits for a person (`kubectl certificate approve|deny`).

import { isDecided } from "../../api/certificates-helpers.js";
import type { CertificateSigningRequest, CertificateSigningRequestCondition } from "../../api/certificates-types.js";
import { CERTIFICATES_GROUP, KUBE_APISERVER_CLIENT_KUBELET_SIGNER } from "../../api/certificates-types.js";
import type { SubjectAccessReview } from "../../api/rbac-types.js";
import { rfc3339 } from "../../api/time.js";
import { kubeletClientCsrError, parseCsr } from "./csr-request.js";

/** One way a request may be approved: the permission the requester needs, and the condition's message. */
interface ApprovalRoute {
  subresource: "selfnodeclient" | "nodeclient";
  message: string;
}

/** The reason of every condition csrapproving adds. */
const autoApprovedReason = "AutoApproved";

const selfNodeClient: ApprovalRoute = { subresource: "selfnodeclient", message: "Auto approving self kubelet client certificate after SubjectAccessReview." };
const nodeClient: ApprovalRoute = { subresource: "nodeclient", message: "Auto approving kubelet client certificate after SubjectAccessReview." };

/**
 * The routes to try for `csr`, in order (the first the requester is allowed wins); none for a
 * request already decided or issued, for another signer, or one that is not a node client request.
 * An error only when spec.request does not parse.
 */
export function approvalRoutes(csr: CertificateSigningRequest): { routes: ApprovalRoute[] } | { error: string } {
  if (csr.status?.certificate || isDecided(csr)) return { routes: [] };
  // Another signer is never this controller's, even before its request is looked at.
  if (csr.spec.signerName !== KUBE_APISERVER_CLIENT_KUBELET_SIGNER) return { routes: [] };
  const parsed = parseCsr(csr.spec.request);
  if (!parsed.ok) return { error: `unable to parse csr "${csr.metadata.name ?? ""}": ${parsed.error}` };
  if (kubeletClientCsrError(parsed.csr, csr.spec.usages ?? []) !== undefined) return { routes: [] };
  return { routes: csr.spec.username === parsed.csr.commonName ? [selfNodeClient, nodeClient] : [nodeClient] };
}

/** The SubjectAccessReview asking whether the requester of `csr` may take `route`. */
export function approvalReview(csr: CertificateSigningRequest, route: ApprovalRoute): SubjectAccessReview {
  const { username, uid, groups, extra } = csr.spec;
  return {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    metadata: {},
    spec: {
      ...(username !== undefined && { user: username }),
      ...(uid !== undefined && { uid }),
      ...(groups !== undefined && { groups }),
      ...(extra !== undefined && { extra }),
      resourceAttributes: { group: CERTIFICATES_GROUP, resource: "certificatesigningrequests", verb: "create", subresource: route.subresource, version: "*" },
    },
  };
}

/** The Approved condition csrapproving adds for `route`. */
export function approvedCondition(route: ApprovalRoute, now: Date): CertificateSigningRequestCondition {
  const at = rfc3339(now);
  return { type: "Approved", status: "True", reason: autoApprovedReason, message: route.message, lastUpdateTime: at, lastTransitionTime: at };
}

/** What is logged when a request looked like a node's but its requester was not allowed any route. */
export function notApprovedMessage(csr: CertificateSigningRequest, tried: readonly ApprovalRoute[]): string {
  return `recognized csr "${csr.metadata.name ?? ""}" as [${tried.map((r) => r.subresource).join(" ")}] but subject access review was not approved`;
}
