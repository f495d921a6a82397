// How the API server (and the dashboard it serves) talks to a node agent's kubelet endpoint: TLS
// with the server's own client certificate (kube-apiserver's --kubelet-client-certificate and
// --kubelet-client-key), to the agent whose serving certificate is the one its Node publishes.
// The agent's certificate is self-signed, so no CA can vouch for it; its hash, published by the
// agent under its node credentials (which the node restriction confines to its own Node), can.

import type { IncomingMessage } from "node:http";
import { request } from "node:http";
import { connect } from "node:tls";
import type { TLSSocket } from "node:tls";
import { ApiError } from "../api/errors.js";
import type { LoopbackAgent } from "../api/node-annotations.js";
import { servingCertHash } from "../api/node-annotations.js";

/** The API server's client certificate and key for node agents (PEM). */
export interface KubeletClientCertificate {
  cert: string;
  key: string;
}

/** A node's agent as the API server dials it. */
export interface KubeletTarget extends LoopbackAgent {
  nodeName: string;
}

/** Why the agent's certificate is not the one it published, or undefined when it is. */
export function pinMismatch(target: KubeletTarget, presented: Buffer | undefined): string | undefined {
  if (!presented || presented.length === 0) return `the agent of node ${target.nodeName} presented no serving certificate`;
  const hash = servingCertHash(presented);
  if (hash === target.servingCertHash) return undefined;
  return `the agent at ${target.endpoint} presented a serving certificate (${hash}) other than the one node ${target.nodeName} publishes (${target.servingCertHash}); refusing to talk to it`;
}

export interface DialOptions {
  /** Cancels the dial (the request it serves went away). */
  signal?: AbortSignal;
  /** How long the TCP connect and TLS handshake may take together; default 30 s. */
  handshakeTimeoutMs?: number;
}

/**
 * A TLS connection to the agent, resolved once its certificate matched the published hash;
 * nothing is sent before. Rejects with a 503 ApiError when the agent cannot be reached, does not
 * finish the handshake in time or is not the one the Node names, and when the server has no
 * client certificate to present.
 */
export function dialKubelet(target: KubeletTarget, client: KubeletClientCertificate | undefined, o: DialOptions = {}): Promise<TLSSocket> {
  if (!client) {
    return Promise.reject(ApiError.unavailable(`the API server has no client certificate for node agents (--kubelet-client-certificate): it cannot reach the agent of node ${target.nodeName}`));
  }
  const { signal } = o;
  const timeoutMs = o.handshakeTimeoutMs ?? 30_000;
  const { hostname, port } = new URL(target.endpoint);
  return new Promise((resolve, reject) => {
    const fail = (message: string): void => reject(ApiError.unavailable(`cannot reach the agent of node ${target.nodeName}: ${message}`));
    if (signal?.aborted) return fail("the request was cancelled");
    // Unverified by a CA on purpose: the pin below is the check.
    const socket = connect({ host: hostname, port: Number(port), cert: client.cert, key: client.key, rejectUnauthorized: false });
    const abort = (): void => void socket.destroy(new Error("the request was cancelled"));
    signal?.addEventListener("abort", abort, { once: true });
    // A peer that accepts the connection but never completes the handshake (a wrong port, a
    // black-holed address) would otherwise hold the caller until the kernel gives up.
    const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake with ${target.endpoint} within ${timeoutMs / 1000} s`)), timeoutMs);
    const settled = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    };
    const onError = (e: Error): void => {
      settled();
      fail(e.message);
    };
    socket.once("error", onError);
    socket.once("secureConnect", () => {
      settled();
      const mismatch = pinMismatch(target, socket.getPeerCertificate().raw);
      if (mismatch) {
        socket.removeListener("error", onError);
        socket.on("error", () => undefined);
        socket.destroy();
        reject(ApiError.unavailable(mismatch));
        return;
      }
      // From here the caller handles the socket's errors (or its end).
      socket.removeListener("error", onError);
      socket.on("error", () => undefined);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** A GET of `path` (with its query) on the agent; the response is the agent's, whatever its status. */
export async function kubeletGet(target: KubeletTarget, client: KubeletClientCertificate | undefined, path: string, signal?: AbortSignal): Promise<IncomingMessage> {
  const socket = await dialKubelet(target, client, { signal });
  const { host } = new URL(target.endpoint);
  return new Promise((resolve, reject) => {
    const r = request({ method: "GET", path, headers: { host }, createConnection: () => socket, ...(signal && { signal }) }, resolve);
    r.on("error", (e) => reject(ApiError.unavailable(`cannot reach the agent of node ${target.nodeName}: ${e.message}`)));
    r.end();
  });
}

/**
 * What the API server tells its client when a node agent answered 401: the agent refused the
 * server's own client certificate, so the client's credentials are not at fault. Kubernetes
 * passes the kubelet's 401 on, and kubectl then asks the user to log in; a 503 with the agent's
 * text says what to fix instead.
 */
export function agentRefusedClientCertificate(nodeName: string, agentText: string): ApiError {
  const said = agentText.trim() || "Unauthorized";
  return ApiError.unavailable(
    `the agent of node ${nodeName} refused the API server's kubelet client certificate (apiserver-kubelet-client.crt) with 401 ${JSON.stringify(said)}: the agent trusts a CA other than the one that issued it, or the certificate has expired`,
  );
}
