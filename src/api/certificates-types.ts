// certificates.k8s.io/v1 as svcnet serves it: a CertificateSigningRequest asks a signer for a
// certificate; an approver (a person with `kubectl certificate approve`, or the csrapproving
// controller for node client certificates) adds the Approved condition, and the signer puts the
// certificate into status. Data only; the rules live in src/api/validation and src/controllers/certificates.

import type { KubeObject } from "./types.js";

export const CERTIFICATES_GROUP = "certificates.k8s.io";

/** Client certificates a node agent presents to the API server: CN system:node:<name>, O system:nodes. */
export const KUBE_APISERVER_CLIENT_KUBELET_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
/** Client certificates for anyone the API server should accept; approved by a person, never automatically. */
export const KUBE_APISERVER_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";

/** The key usages Kubernetes accepts in spec.usages (KeyUsage in certificates/v1). */
export const KEY_USAGES = [
  "signing",
  "digital signature",
  "content commitment",
  "key encipherment",
  "key agreement",
  "data encipherment",
  "cert sign",
  "crl sign",
  "encipher only",
  "decipher only",
  "any",
  "server auth",
  "client auth",
  "code signing",
  "email protection",
  "s/mime",
  "ipsec end system",
  "ipsec tunnel",
  "ipsec user",
  "timestamping",
  "ocsp signing",
  "microsoft sgc",
  "netscape sgc",
] as const;

export type KeyUsage = (typeof KEY_USAGES)[number];

export interface CertificateSigningRequestSpec {
  /** A PEM "CERTIFICATE REQUEST" block, base64-encoded in JSON (a []byte field). */
  request: string;
  /** Which signer is asked, e.g. kubernetes.io/kube-apiserver-client-kubelet. */
  signerName: string;
  /** The lifetime asked for, at least 600; the signer may give less. */
  expirationSeconds?: number;
  usages?: KeyUsage[];
  /** Who asked: set by the API server from the requester on create, whatever the body says. */
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export type CertificateSigningRequestConditionType = "Approved" | "Denied" | "Failed";

export interface CertificateSigningRequestCondition {
  type: CertificateSigningRequestConditionType | string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface CertificateSigningRequestStatus {
  conditions?: CertificateSigningRequestCondition[];
  /** PEM "CERTIFICATE" blocks (the issued one first), base64-encoded in JSON; set once by the signer. */
  certificate?: string;
}

export interface CertificateSigningRequest extends KubeObject {
  spec: CertificateSigningRequestSpec;
  status?: CertificateSigningRequestStatus;
}
