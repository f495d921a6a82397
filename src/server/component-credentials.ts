// The credentials `svcnet up` gives the components it runs, so that each reaches the API as
// itself rather than as the admin: a node agent as system:node:<name> in system:nodes (what the
// Node authorizer and NodeRestriction key on), a kube-proxy as system:kube-proxy. Each is a
// client certificate signed by the cluster CA, written into a 0600 kubeconfig that a user can
// also hand to kubectl to see what that component may do.

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { writeKubeconfig } from "./kubeconfig.js";
import type { ClientSubject } from "./pki.js";
import { ensureCa, issueClientCertificate } from "./pki.js";
import { NODES_GROUP, nodeUserName } from "../apiserver/user-groups.js";

export function nodeSubject(name: string): ClientSubject {
  return { commonName: nodeUserName(name), organizations: [NODES_GROUP] };
}

/** The service proxy's identity (bound to system:node-proxier). */
export const kubeProxySubject: ClientSubject = { commonName: "system:kube-proxy" };

/**
 * Writes a kubeconfig at `path` for `subject`, reaching `server`, with a fresh certificate from
 * the CA in `caDir`. Returns the path.
 */
export function writeComponentKubeconfig(path: string, o: { caDir: string; server: string; subject: ClientSubject }): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeKubeconfig(path, { server: o.server, caCert: ensureCa(o.caDir), clientCertificate: issueClientCertificate(o.caDir, o.subject), userName: o.subject.commonName });
  return path;
}
