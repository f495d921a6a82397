// Reads the connection settings out of a kubeconfig: the current context's cluster (server,
// CA) and user (bearer token or client certificate). Covers what `svcnet server` writes and
// the common shapes of real clusters' kubeconfigs; exec plugins and auth providers are not
// supported and say so.

import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";

/** Everything needed to reach one API server. */
export interface ConnectionConfig {
  /** https://host:port, without a trailing slash. */
  server: string;
  /** PEM CA bundle; absent means the system's trust store. */
  ca?: string;
  token?: string;
  /** PEM client certificate and key, for clusters that authenticate with them. */
  cert?: string;
  key?: string;
  insecureSkipTlsVerify?: boolean;
  /** The context's default namespace, if any. */
  namespace?: string;
}

/** A kubeconfig the client cannot use; the message names the missing or unsupported part. */
export class KubeconfigError extends Error {
  readonly code = "KUBECONFIG_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "KubeconfigError";
  }
}

type Rec = Record<string, unknown>;

function rec(v: unknown): Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Rec) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function named(list: unknown, name: string, what: string): Rec {
  const items = Array.isArray(list) ? list.map(rec) : [];
  const hit = items.find((i) => i.name === name);
  if (!hit) throw new KubeconfigError(`kubeconfig: ${what} "${name}" not found`);
  return rec(hit[what]);
}

/** Inline `<field>-data` (base64) wins over the file `<field>`, read relative to `baseDir`. */
function material(o: Rec, field: string, baseDir: string, readFile: (p: string) => string): string | undefined {
  const data = str(o[`${field}-data`]);
  if (data) return Buffer.from(data, "base64").toString("utf8");
  const file = str(o[field]);
  if (file) return readFile(isAbsolute(file) ? file : resolve(baseDir, file));
  return undefined;
}

export interface ParseKubeconfigOptions {
  /** Use this context instead of current-context. */
  context?: string;
  /** Directory that relative file paths are resolved against; default the process cwd. */
  baseDir?: string;
  /** Reads referenced files (CA, certs, tokenFile); default readFileSync utf8. */
  readFile?: (path: string) => string;
}

/**
 * Parses kubeconfig YAML text into the settings of one context. Throws KubeconfigError when
 * the context, its cluster or its user is missing, when the server is not https, or when the
 * user authenticates with an exec plugin or auth provider.
 */
export function parseKubeconfig(text: string, o: ParseKubeconfigOptions = {}): ConnectionConfig {
  const doc = rec(parse(text));
  const readFile = o.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  const baseDir = o.baseDir ?? process.cwd();
  const ctxName = o.context ?? str(doc["current-context"]);
  if (!ctxName) throw new KubeconfigError("kubeconfig: no current-context");
  const ctx = named(doc.contexts, ctxName, "context");
  const cluster = named(doc.clusters, str(ctx.cluster) ?? "", "cluster");
  const user = ctx.user === undefined ? {} : named(doc.users, str(ctx.user) ?? "", "user");
  const server = str(cluster.server);
  if (!server) throw new KubeconfigError(`kubeconfig: cluster "${String(ctx.cluster)}" has no server`);
  if (!server.startsWith("https://")) throw new KubeconfigError(`kubeconfig: server ${server} is not https`);
  if (user.exec !== undefined || user["auth-provider"] !== undefined) {
    throw new KubeconfigError("kubeconfig: exec plugins and auth providers are not supported; use a token or client certificate");
  }
  const out: ConnectionConfig = { server: server.replace(/\/+$/, "") };
  const ca = material(cluster, "certificate-authority", baseDir, readFile);
  if (ca) out.ca = ca;
  if (cluster["insecure-skip-tls-verify"] === true) out.insecureSkipTlsVerify = true;
  const tokenFile = str(user.tokenFile);
  const token = str(user.token) ?? (tokenFile ? readFile(isAbsolute(tokenFile) ? tokenFile : resolve(baseDir, tokenFile)).trim() : undefined);
  if (token) out.token = token;
  const cert = material(user, "client-certificate", baseDir, readFile);
  const key = material(user, "client-key", baseDir, readFile);
  if (cert) out.cert = cert;
  if (key) out.key = key;
  const ns = str(ctx.namespace);
  if (ns) out.namespace = ns;
  return out;
}

/** Reads and parses a kubeconfig file; relative paths inside resolve against its directory. */
export function loadKubeconfig(path: string, o: Omit<ParseKubeconfigOptions, "baseDir"> = {}): ConnectionConfig {
  return parseKubeconfig(readFileSync(path, "utf8"), { ...o, baseDir: dirname(resolve(path)) });
}
