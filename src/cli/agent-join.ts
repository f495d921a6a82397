// `svcnet agent --server URL --token T [--ca-cert-hash sha256:…]`: joining a running cluster
// from another machine, as `kubeadm join` discovers and trusts one with a bootstrap token —
// 1. read the cluster-info ConfigMap without credentials (the server is not trusted yet);
// 2. check its CA against the pin (--ca-cert-hash), or, only when told to
//    (--discovery-token-unsafe-skip-ca-verification), trust it with a warning;
// 3. talk to the server again, now verifying its certificate against that CA and presenting the
//    token, which proves both the server and the token;
// 4. write <data-dir>/kubeconfig (0600) with the CA and the token, for the agent to run with.
// kubeadm would then do TLS bootstrap (a CSR for a node client certificate); svcnet's agent keeps
// the bootstrap token as its credential (docs/joining-machines.md says why), so the join warns
// when that token will expire.

import { mkdirSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import type { BootstrapTokenSecret } from "../apiserver/bootstrap-token.js";
import { bootstrapTokenInfo, bootstrapTokenNamespace, bootstrapTokenSecretName, parseBootstrapToken } from "../apiserver/bootstrap-token.js";
import { caCertHash, clusterInfoPath, parseCaCertHash, readClusterInfo } from "../apiserver/bootstrap-token-discovery.js";
import { writeKubeconfig } from "../server/kubeconfig.js";

export interface JoinOptions {
  /** https://host:port of an API server. */
  server: string;
  token: string;
  /** sha256:<hex> from the server's join line; required unless unsafeSkipCaVerification. */
  caCertHash?: string;
  unsafeSkipCaVerification: boolean;
  /** The agent's data dir; the kubeconfig is written there. */
  dataDir: string;
  timeoutMs?: number;
  /** Where the warning about an unverified server goes. */
  warn: (line: string) => void;
}

export type JoinResult = { ok: true; kubeconfigPath: string; caCertHash: string } | { ok: false; error: string };

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

/** One GET; rejects with the connection or TLS error. */
function get(url: string, o: { ca?: string; token?: string; timeoutMs: number }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        headers: { accept: "application/json", "user-agent": "svcnet-agent-join", ...(o.token && { authorization: `Bearer ${o.token}` }) },
        ...(o.ca ? { ca: o.ca } : { rejectUnauthorized: false }),
        // One connection per check, closed after: nothing keeps the process alive after a refusal.
        agent: false,
        timeout: o.timeoutMs,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer in ${o.timeoutMs / 1000} s`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

function unreachable(server: string, e: unknown): string {
  const code = (e as { code?: string }).code ?? "";
  const what = e instanceof Error ? e.message : String(e);
  return `cannot reach the API server at ${server} (${what}${code && !what.includes(code) ? `, ${code}` : ""}): check the address and port in --server, that 'svcnet server' listens there (--listen), and that the firewall lets this machine in`;
}

/** The expiration of the token's own Secret when it has one and the server shows it; else undefined. */
async function tokenExpiration(server: string, token: string, o: { ca: string; timeoutMs: number }): Promise<string | undefined> {
  const id = parseBootstrapToken(token)?.id ?? "";
  try {
    const r = await get(`${server}/api/v1/namespaces/${bootstrapTokenNamespace}/secrets/${bootstrapTokenSecretName(id)}`, { ...o, token });
    if (r.status !== 200) return undefined;
    const info = bootstrapTokenInfo(JSON.parse(r.body) as BootstrapTokenSecret);
    return info?.expiration;
  } catch {
    return undefined;
  }
}

/** Runs the join (see the file comment). Never throws: failures come back as one line with the fix. */
export async function joinCluster(o: JoinOptions): Promise<JoinResult> {
  const flags = joinFlagsError(o);
  if (flags) return { ok: false, error: flags };
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
  // The token stays the agent's credential: say when it runs out, if the server lets us see.
  const expiration = await tokenExpiration(server, o.token, { ca: cluster.caCert, timeoutMs });
  if (expiration) o.warn(`warning: the join token expires at ${expiration}; this node loses access to the API then. For a lasting node join with a token made by 'svcnet token create --ttl 0' (deleting it revokes the node)`);
  // 4. The agent's kubeconfig.
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const kubeconfigPath = join(o.dataDir, "kubeconfig");
  writeKubeconfig(kubeconfigPath, { server, caCert: cluster.caCert, token: o.token, userName: "tls-bootstrap-token-user" });
  return { ok: true, kubeconfigPath, caCertHash: actual };
}
