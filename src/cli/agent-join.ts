// `svcnet agent --server URL --token T [--ca-cert-hash sha256:…]`: joining a running cluster
// from another machine, as `kubeadm join` and kubelet do with a bootstrap token —
// 1. read the cluster-info ConfigMap without credentials (the server is not trusted yet);
// 2. check its CA against the pin (--ca-cert-hash), or, only when told to
//    (--discovery-token-unsafe-skip-ca-verification), trust it with a warning;
// 3. talk to the server again, now verifying its certificate against that CA and presenting the
//    token, which proves both the server and the token;
// 4. TLS bootstrap (src/agent/node/tls-bootstrap.ts): write <data-dir>/bootstrap-kubeconfig with
//    the token, make a key, ask for a node client certificate with a CertificateSigningRequest
//    (the server's csrapproving and csrsigning controllers approve and sign it, or a person
//    does), and wait for it;
// 5. write <data-dir>/kubelet.kubeconfig (0600) with the CA, the certificate and its key, for the
//    agent to run with as system:node:<name>. The token is needed no more.
// A data dir that already holds a valid certificate of this node from the pinned CA skips all
// that: like kubelet, the agent starts again with it, whether or not the token still works.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import type { CertificateSigningRequest } from "../api/certificates-types.js";
import { parseBootstrapToken } from "../apiserver/bootstrap-token.js";
import { caCertHash, clusterInfoPath, parseCaCertHash, readClusterInfo } from "../apiserver/bootstrap-token-discovery.js";
import type { CsrOutcome } from "../agent/node/tls-bootstrap.js";
import { bootstrapFailure, clientCertificateUnusable, csrOutcome, nodeClientCsr, nodeClientCsrObject, nodeCsrName } from "../agent/node/tls-bootstrap.js";
import { parseKubeconfig } from "../client/index.js";
import { writeKubeconfig } from "../server/kubeconfig.js";

/** The files a join writes into the data dir. */
const joinFiles = { bootstrapKubeconfig: "bootstrap-kubeconfig", kubeconfig: "kubelet.kubeconfig" } as const;

/** How long a join waits for its certificate unless told otherwise (kubelet waits up to an hour). */
export const defaultBootstrapTimeoutMs = 5 * 60_000;

export interface JoinOptions {
  /** https://host:port of an API server. */
  server: string;
  token: string;
  /** sha256:<hex> from the server's join line; required unless unsafeSkipCaVerification. */
  caCertHash?: string;
  unsafeSkipCaVerification: boolean;
  /** The Node this machine registers as: its certificate is for system:node:<nodeName>. */
  nodeName: string;
  /** The agent's data dir; the kubeconfigs are written there (joinFiles). */
  dataDir: string;
  /** For each request to the server. */
  timeoutMs?: number;
  /** How long to wait for the certificate (default defaultBootstrapTimeoutMs). */
  bootstrapTimeoutMs?: number;
  /** How often to look at the request meanwhile (default 1 s). */
  pollMs?: number;
  /** Key size of the node's key (default 2048; tests may ask for less). */
  modulusLength?: number;
  /** Where the warning about an unverified server goes. */
  warn: (line: string) => void;
  /** Progress lines (the request's name while waiting). */
  log?: (line: string) => void;
}

export interface JoinSuccess {
  ok: true;
  kubeconfigPath: string;
  caCertHash: string;
  /** The request the certificate came from; absent when the certificate of an earlier join was reused. */
  csrName?: string;
}

export type JoinResult = JoinSuccess | { ok: false; error: string };

/** The flag mistakes a join cannot start with, as one line with the fix; or undefined. */
export function joinFlagsError(o: Pick<JoinOptions, "server" | "token" | "caCertHash" | "unsafeSkipCaVerification">): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(o.server);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== "https:" || url.pathname !== "/" || url.search !== "") return `--server must be the API server's https://host:port (as 'svcnet server' prints it in its join line), got ${JSON.stringify(o.server)}`;
  if (!parseBootstrapToken(o.token)) return "--token must look like abcdef.0123456789abcdef (from the server's join line or 'svcnet token create')";
  if (o.caCertHash !== undefined) {
    const h = parseCaCertHash(o.caCertHash);
    if (!h.ok) return h.error;
    if (o.unsafeSkipCaVerification) return "give either --ca-cert-hash or --discovery-token-unsafe-skip-ca-verification, not both";
  } else if (!o.unsafeSkipCaVerification) {
    return "--ca-cert-hash sha256:… is needed to trust the server (it is in the server's join line, or 'svcnet token create --print-join-command'); --discovery-token-unsafe-skip-ca-verification joins without checking it";
  }
  return undefined;
}

interface Answer {
  status: number;
  body: string;
}

/** One request (a JSON body if given); rejects with the connection or TLS error. */
function call(method: "GET" | "POST", url: string, o: { ca?: string; token?: string; timeoutMs: number; body?: unknown }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = request(
      url,
      {
        method,
        headers: {
          accept: "application/json",
          "user-agent": "svcnet-agent-join",
          ...(o.token && { authorization: `Bearer ${o.token}` }),
          ...(body !== undefined && { "content-type": "application/json", "content-length": Buffer.byteLength(body) }),
        },
        ...(o.ca ? { ca: o.ca } : { rejectUnauthorized: false }),
        // One connection per check, closed after: nothing keeps the process alive after a refusal.
        agent: false,
        timeout: o.timeoutMs,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer in ${o.timeoutMs / 1000} s`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(body);
  });
}

const get = (url: string, o: { ca?: string; token?: string; timeoutMs: number }): Promise<Answer> => call("GET", url, o);

/** A connection or TLS error in a few words: its message and, when that lacks it, its code. */
function connectionError(e: unknown): string {
  const code = (e as { code?: string }).code ?? "";
  const what = e instanceof Error ? e.message : String(e);
  return `${what}${code && !what.includes(code) ? `, ${code}` : ""}`;
}

function unreachable(server: string, e: unknown): string {
  return `cannot reach the API server at ${server} (${connectionError(e)}): check the address and port in --server, that 'svcnet server' listens there (--listen), and that the firewall lets this machine in`;
}

/** Runs the join (see the file comment). Never throws: failures come back as one line with the fix. */
export async function joinCluster(o: JoinOptions): Promise<JoinResult> {
  const flags = joinFlagsError(o);
  if (flags) return { ok: false, error: flags };
  const reused = reusableJoin(o, Date.now());
  if (reused) return { ok: true, ...reused };
  const server = o.server.replace(/\/$/, "");
  const timeoutMs = o.timeoutMs ?? 10_000;
  // 1. cluster-info, without trusting the server yet.
  let info: Answer;
  try {
    info = await get(`${server}${clusterInfoPath}`, { timeoutMs });
  } catch (e) {
    return { ok: false, error: unreachable(server, e) };
  }
  if (info.status !== 200) {
    return { ok: false, error: `the server at ${server} answered ${info.status} for the cluster-info ConfigMap: is it a svcnet (or kubeadm-made) API server, and the right port?` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(info.body);
  } catch {
    return { ok: false, error: `the server at ${server} did not answer with JSON for cluster-info: is --server an API server?` };
  }
  const cluster = readClusterInfo(parsed);
  if (!cluster.ok) return { ok: false, error: `the server at ${server}: ${cluster.error}` };
  // 2. The CA pin.
  const actual = caCertHash(cluster.caCert);
  if (o.caCertHash !== undefined) {
    const wanted = parseCaCertHash(o.caCertHash);
    if (wanted.ok && wanted.hash !== actual) {
      return { ok: false, error: `the server's CA (${actual}) does not match --ca-cert-hash ${wanted.hash}: this is not the cluster the hash came from (or the hash is mistyped); copy the join line again from 'svcnet server' or 'svcnet token create --print-join-command'` };
    }
  } else {
    o.warn(`warning: joining without checking the server's identity (--discovery-token-unsafe-skip-ca-verification): trusting the CA ${actual} that ${server} presented; pass --ca-cert-hash ${actual} to pin it`);
  }
  // 3. Again, with the CA and the token.
  let check: Answer;
  try {
    check = await get(`${server}/api`, { ca: cluster.caCert, token: o.token, timeoutMs });
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    if (code.startsWith("ERR_TLS_") || code.includes("CERT") || code === "DEPTH_ZERO_SELF_SIGNED_CERT") {
      return { ok: false, error: `the server at ${server} does not prove it holds the cluster's CA for this address (${e instanceof Error ? e.message : code}): use the address the server's join line names, or restart the server with --advertise-address set to it` };
    }
    return { ok: false, error: unreachable(server, e) };
  }
  if (check.status === 401) {
    return { ok: false, error: `the server refused the join token ${o.token.slice(0, 6)}.…: it is wrong, expired or deleted; make a new one on the server's machine with 'svcnet token create --print-join-command'` };
  }
  if (check.status !== 200) return { ok: false, error: `the server at ${server} answered ${check.status} to the join token check; see its log` };
  // 4. and 5.: the node's certificate.
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  writeKubeconfig(join(o.dataDir, joinFiles.bootstrapKubeconfig), { server, caCert: cluster.caCert, token: o.token, userName: "tls-bootstrap-token-user" });
  return bootstrapNodeCertificate({ ...o, server, caCert: cluster.caCert, caCertHash: actual, timeoutMs });
}

/** The message of a Status body, or the status code. */
function statusMessage(a: Answer): string {
  try {
    const m = (JSON.parse(a.body) as { message?: unknown }).message;
    if (typeof m === "string" && m) return m;
  } catch {
    // Not a Status: the code says enough.
  }
  return `HTTP ${a.status}`;
}

const csrPath = "/apis/certificates.k8s.io/v1/certificatesigningrequests";

/** Steps 4 and 5 of the file comment, with a server and CA already checked. */
async function bootstrapNodeCertificate(o: JoinOptions & { server: string; caCert: string; caCertHash: string; timeoutMs: number }): Promise<JoinResult> {
  const { server, caCert, timeoutMs } = o;
  const { keyPem, csrPem, publicKeyDer } = nodeClientCsr(o.nodeName, { modulusLength: o.modulusLength });
  const name = nodeCsrName({ nodeName: o.nodeName, publicKeyDer });
  let created: Answer;
  try {
    created = await call("POST", `${server}${csrPath}`, { ca: caCert, token: o.token, timeoutMs, body: nodeClientCsrObject({ name, csrPem }) });
  } catch (e) {
    return { ok: false, error: unreachable(server, e) };
  }
  if (created.status === 404) return { ok: false, error: `the server at ${server} does not serve certificates.k8s.io/v1 CertificateSigningRequests, which a join needs for the node's certificate: upgrade it` };
  if (created.status === 403) {
    return { ok: false, error: `the server refused the join token's certificate signing request (${statusMessage(created)}): the token's group needs the ClusterRoleBinding svcnet:kubelet-bootstrap (to system:node-bootstrapper), which 'svcnet server' makes at start` };
  }
  if (created.status !== 201 && created.status !== 200) return { ok: false, error: `the server did not take this node's certificate signing request ${name} (${statusMessage(created)}); see its log` };
  o.log?.(`svcnet agent: asked for a client certificate for system:node:${o.nodeName} with the certificate signing request ${name}; waiting for it to be approved and signed`);
  const waitMs = o.bootstrapTimeoutMs ?? defaultBootstrapTimeoutMs;
  const pollMs = o.pollMs ?? 1000;
  const started = Date.now();
  let outcome: CsrOutcome = { state: "pending", approved: false };
  // Why the latest read failed (undefined once one succeeds): if the wait runs out after a failed
  // read, the join says that, not that nobody approved the request.
  let lastReadError: string | undefined;
  for (;;) {
    let r: Answer | undefined;
    try {
      r = await get(`${server}${csrPath}/${name}`, { ca: caCert, token: o.token, timeoutMs });
    } catch (e) {
      // A server restarting or a network hiccup: the request is still there; look again.
      lastReadError = connectionError(e);
    }
    if (r?.status === 404) return { ok: false, error: `the certificate signing request ${name} for this node was deleted before it was signed; join again to make a new one` };
    if (r?.status === 401) return { ok: false, error: `the join token stopped working while the certificate signing request ${name} waited (expired or deleted): make a new one with 'svcnet token create --print-join-command' and join again` };
    if (r?.status === 403) {
      return { ok: false, error: `the server forbids the join token to read the certificate signing request ${name} it made (${statusMessage(r)}): the token's group needs get on certificatesigningrequests.certificates.k8s.io, from the ClusterRole system:node-bootstrapper through the ClusterRoleBinding svcnet:kubelet-bootstrap, which 'svcnet server' makes at start` };
    }
    if (r?.status === 200) {
      try {
        outcome = csrOutcome(JSON.parse(r.body) as CertificateSigningRequest);
        lastReadError = undefined;
      } catch {
        lastReadError = "the server answered 200 without JSON for the request";
      }
    } else if (r) {
      lastReadError = `HTTP ${r.status}: ${statusMessage(r)}`;
    }
    if (outcome.state !== "pending") break;
    const waited = Date.now() - started;
    if (waited >= waitMs) return { ok: false, error: bootstrapFailure(name, outcome, waited, lastReadError) };
    await new Promise((r) => setTimeout(r, Math.min(pollMs, waitMs - waited)));
  }
  if (outcome.state !== "issued") return { ok: false, error: bootstrapFailure(name, outcome, Date.now() - started) };
  const unusable = clientCertificateUnusable({ certPem: outcome.certPem, keyPem, caPem: caCert, nodeName: o.nodeName, nowMs: Date.now(), marginMs: 0 });
  if (unusable) return { ok: false, error: `the certificate issued for ${name} cannot be used: ${unusable}; see 'kubectl describe csr ${name}'` };
  const kubeconfigPath = join(o.dataDir, joinFiles.kubeconfig);
  writeKubeconfig(kubeconfigPath, { server, caCert, clientCertificate: { cert: outcome.certPem, key: keyPem }, userName: `system:node:${o.nodeName}` });
  return { ok: true, kubeconfigPath, caCertHash: o.caCertHash, csrName: name };
}

/**
 * The kubeconfig of an earlier join to reuse: in `dataDir`, for `server`, with a CA that matches
 * the pin (any CA it holds when there is none: it was trusted when written), and a certificate of
 * node `nodeName` that is still good. Undefined otherwise (a fresh join follows).
 */
function reusableJoin(o: Pick<JoinOptions, "server" | "caCertHash" | "dataDir" | "nodeName">, nowMs: number): { kubeconfigPath: string; caCertHash: string } | undefined {
  const kubeconfigPath = join(o.dataDir, joinFiles.kubeconfig);
  if (!existsSync(kubeconfigPath)) return undefined;
  try {
    const k = parseKubeconfig(readFileSync(kubeconfigPath, "utf8"));
    if (!k.ca || !k.cert || !k.key || k.server !== o.server.replace(/\/$/, "")) return undefined;
    const hash = caCertHash(k.ca);
    const pin = o.caCertHash === undefined ? undefined : parseCaCertHash(o.caCertHash);
    if (pin && (!pin.ok || pin.hash !== hash)) return undefined;
    if (clientCertificateUnusable({ certPem: k.cert, keyPem: k.key, caPem: k.ca, nodeName: o.nodeName, nowMs })) return undefined;
    return { kubeconfigPath, caCertHash: hash };
  } catch {
    return undefined;
  }
}
