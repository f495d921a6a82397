// The client certificate of an HTTPS request, when the TLS layer verified it against the cluster
// CA (the server asks for one but lets clients without one in: they may carry a token instead).

import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { ClientCertificate } from "./x509-authenticator.js";
import { clientCertificateOf } from "./x509-authenticator.js";

export function verifiedClientCertificate(req: IncomingMessage): ClientCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.authorized !== true || typeof socket.getPeerCertificate !== "function") return undefined;
  return clientCertificateOf(socket.getPeerCertificate());
}
