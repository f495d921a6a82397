// Client certificate authentication, as kube-apiserver's --client-ca-file: a certificate the TLS
// layer verified against the cluster CA names its user in the subject's common name and its
// groups in the organizations (`CN=system:node:core-v2-01, O=system:nodes`). The TLS layer does
// the verification; this only reads the subject of a certificate it accepted.

import { AUTHENTICATED_GROUP } from "./user-groups.js";
import type { UserInfo } from "./user-info.js";

/** The subject of a verified client certificate. */
export interface ClientCertificate {
  commonName: string;
  organizations: string[];
}

/** What Node's TLSSocket.getPeerCertificate() gives for a subject: one value or several per attribute. */
export interface PeerSubject {
  CN?: string | string[];
  O?: string | string[];
}

const listOf = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The certificate's subject as the authenticator reads it; undefined when the peer sent none. */
export function clientCertificateOf(peer: { subject?: PeerSubject } | undefined): ClientCertificate | undefined {
  if (!peer?.subject) return undefined;
  const [commonName = ""] = listOf(peer.subject.CN);
  return { commonName, organizations: listOf(peer.subject.O) };
}

/**
 * The user a verified certificate names; undefined when its common name is empty (kube-apiserver
 * refuses those: "common name is required"). Every authenticated user is in system:authenticated.
 */
export function userFromClientCertificate(cert: ClientCertificate): UserInfo | undefined {
  if (cert.commonName === "") return undefined;
  return { name: cert.commonName, groups: [...new Set([...cert.organizations, AUTHENTICATED_GROUP])] };
}
