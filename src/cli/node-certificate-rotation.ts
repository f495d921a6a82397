// The API transport of a joined node agent, whose client certificate is renewed while it runs
// (src/agent/node/certificate-rotation.ts): the credential comes from the rotation for each new
// connection, a renewal asks for the new certificate through this same transport (so with the
// current certificate), and the kubeconfig the join wrote is replaced, atomically and 0600, with
// the new certificate and key before anything uses them.

import type { NodeCredential } from "../agent/node/certificate-rotation.js";
import { CertificateRotation } from "../agent/node/certificate-rotation.js";
import { requestNodeClientCertificate } from "../agent/node/node-certificate-request.js";
import type { Clock } from "../client/index.js";
import { HttpsTransport, loadKubeconfig } from "../client/index.js";
import { writeKubeconfig } from "../server/kubeconfig.js";

export interface RotatingTransportOptions {
  /** The kubeconfig with the node's certificate (the join's <data-dir>/kubelet.kubeconfig); rewritten on renewal. */
  kubeconfigPath: string;
  nodeName: string;
  /** The rotation's clock (when to renew); default the real one. */
  clock?: Clock;
  random?: () => number;
  log?: (line: string) => void;
  /** For the renewal's request: how often to look at it, how long to wait, the key size. */
  pollMs?: number;
  waitMs?: number;
  modulusLength?: number;
}

/** Throws when the kubeconfig cannot be read or holds no CA, certificate and key. */
export function openRotatingTransport(o: RotatingTransportOptions): { transport: HttpsTransport; rotation: CertificateRotation } {
  const config = loadKubeconfig(o.kubeconfigPath);
  const { ca, cert, key } = config;
  if (!ca || !cert || !key) throw new Error(`${o.kubeconfigPath} does not hold the cluster CA and a client certificate and key, which renewing the node's certificate needs`);
  const persist = (next: NodeCredential): void =>
    writeKubeconfig(o.kubeconfigPath, { server: config.server, caCert: ca, clientCertificate: { cert: next.certPem, key: next.keyPem }, userName: `system:node:${o.nodeName}` });
  const rotation: CertificateRotation = new CertificateRotation({
    initial: { certPem: cert, keyPem: key },
    renew: (_current, signal) =>
      requestNodeClientCertificate({ transport, nodeName: o.nodeName, caPem: ca, signal, pollMs: o.pollMs, waitMs: o.waitMs, modulusLength: o.modulusLength }),
    persist,
    clock: o.clock,
    random: o.random,
    log: o.log,
  });
  const transport = new HttpsTransport(config, {
    clientCertificateSource: () => {
      const c = rotation.current();
      return { cert: c.certPem, key: c.keyPem };
    },
  });
  return { transport, rotation };
}
