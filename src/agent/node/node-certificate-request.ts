// Asking the API server for a node client certificate through the agent's own client: a new key,
// a CertificateSigningRequest for system:node:<name> sent with whatever credential the transport
// holds (for a renewal, the node's current certificate), then the request read back until it is
// issued, denied or failed. The certificate that comes back is checked before anyone uses it.

import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { CERTIFICATES_GROUP } from "../../api/certificates-types.js";
import { requireResource } from "../../api/resources.js";
import { type Clock, realClock } from "../../client/clock.js";
import { ClientError, KubeClient, isNotFound } from "../../client/index.js";
import { sleepOn } from "../../client/sleep.js";
import type { Transport } from "../../client/transport.js";
import type { NodeCredential } from "./certificate-rotation.js";
import type { CsrOutcome } from "./tls-bootstrap.js";
import { clientCertificateUnusable, csrOutcome, nodeClientCsr, nodeClientCsrObject, nodeCsrName } from "./tls-bootstrap.js";

/** How long a renewal waits for its certificate (client-go's certificate manager waits 15 minutes). */
const defaultCertificateWaitMs = 15 * 60_000;

export interface NodeCertificateRequestOptions {
  transport: Transport;
  nodeName: string;
  /** The cluster CA the certificate must come from. */
  caPem: string;
  /** Default defaultCertificateWaitMs. */
  waitMs?: number;
  /** How often to read the request back; default 1 s. */
  pollMs?: number;
  /** Key size (default 2048; tests may ask for less). */
  modulusLength?: number;
  /** Default the real clock. */
  clock?: Clock;
  signal?: AbortSignal;
}

/** A new key and a certificate for it, or a rejection whose message says what went wrong. */
export async function requestNodeClientCertificate(o: NodeCertificateRequestOptions): Promise<NodeCredential> {
  const clock = o.clock ?? realClock;
  const csrs = new KubeClient<CertificateSigningRequest>(o.transport, requireResource(CERTIFICATES_GROUP, "v1", "certificatesigningrequests"));
  const { keyPem, csrPem, publicKeyDer } = nodeClientCsr(o.nodeName, { modulusLength: o.modulusLength });
  const name = nodeCsrName({ nodeName: o.nodeName, publicKeyDer });
  await csrs.create(nodeClientCsrObject({ name, csrPem }), { signal: o.signal });
  const started = clock.now();
  const waitMs = o.waitMs ?? defaultCertificateWaitMs;
  let outcome: CsrOutcome = { state: "pending", approved: false };
  // Why the latest read failed (undefined once one succeeds): when the wait runs out after a
  // failed read, that failure is the news, not an approval that may have happened unseen.
  let lastReadError: string | undefined;
  for (;;) {
    if (o.signal?.aborted) throw new Error("stopped");
    try {
      outcome = csrOutcome(await csrs.get(undefined, name, { signal: o.signal }));
      lastReadError = undefined;
    } catch (e) {
      if (isNotFound(e)) throw new Error(`the certificate signing request ${name} was deleted before it was signed`);
      // Waiting does not grant a permission: the node's role lost it.
      if (e instanceof ClientError && e.code === 403) throw new Error(forbiddenRead(name, e.message));
      // Anything else (the server restarting, a network hiccup) is looked at again.
      lastReadError = errorText(e);
    }
    if (outcome.state !== "pending") break;
    const waited = clock.now() - started;
    if (waited >= waitMs) {
      const why =
        lastReadError !== undefined
          ? `could not be read back (the last attempt failed: ${lastReadError})`
          : outcome.approved
            ? "was approved but not signed (is the csrsigning controller running?)"
            : "was not approved (approve it with 'kubectl certificate approve')";
      throw new Error(`the certificate signing request ${name} ${why} within ${Math.round(waited / 1000)} s`);
    }
    await sleepOn(clock, Math.min(o.pollMs ?? 1000, waitMs - waited), o.signal);
  }
  if (outcome.state !== "issued") {
    const why = [outcome.reason, outcome.message].filter(Boolean).join(": ") || "no reason given";
    throw new Error(`the certificate signing request ${name} was ${outcome.state} (${why}); see 'kubectl describe csr ${name}'`);
  }
  const unusable = clientCertificateUnusable({ certPem: outcome.certPem, keyPem, caPem: o.caPem, nodeName: o.nodeName, nowMs: clock.now(), marginMs: 0 });
  if (unusable) throw new Error(`the certificate issued for ${name} cannot be used: ${unusable}`);
  return { certPem: outcome.certPem, keyPem };
}

/** The one line for a node forbidden to read back the request it made, with what it lacks. */
function forbiddenRead(name: string, message: string): string {
  return `the API server forbids this node to read its certificate signing request ${name} (${message}): a node needs get on certificatesigningrequests.certificates.k8s.io, which the ClusterRole system:node grants the group system:nodes through the ClusterRoleBinding system:node; restore them, or restart 'svcnet server', which puts default roles back unless their autoupdate annotation is "false"`;
}

/** A failed read in a few words: the API's status, or the connection or TLS error and its code. */
function errorText(e: unknown): string {
  if (e instanceof ClientError) return `${e.code} ${e.reason}: ${e.message}`;
  const code = (e as { code?: unknown }).code;
  const what = e instanceof Error ? e.message : String(e);
  return typeof code === "string" && !what.includes(code) ? `${what} (${code})` : what;
}
