// Connection settings for a program running in a pod, as client-go's rest.InClusterConfig reads
// them: the API server from KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (the
// `kubernetes` Service, which every pod's environment carries), the cluster CA and the
// service account token from the token volume at /var/run/secrets/kubernetes.io/serviceaccount,
// and the pod's namespace beside them. The token is a file the node agent replaces before it
// expires, so it is read through fileTokenSource, which notices when the file changes.

import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ConnectionConfig } from "./kubeconfig.js";

/** Where the token volume is mounted in every container. */
export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Not running in a pod (or the token volume is missing); the message says what is missing. */
export class InClusterConfigError extends Error {
  readonly code = "NOT_IN_CLUSTER";
  constructor(message: string) {
    super(message);
    this.name = "InClusterConfigError";
  }
}

export interface InClusterOptions {
  /** Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default serviceAccountDir. */
  dir?: string;
  /** Default readFileSync utf8. */
  readFile?: (path: string) => string;
}

/**
 * The in-cluster settings and the token file to read the token from. Throws
 * InClusterConfigError when the environment variables or the token are missing.
 */
export function inClusterConfig(o: InClusterOptions = {}): { config: ConnectionConfig; tokenFile: string } {
  const env = o.env ?? process.env;
  const dir = o.dir ?? serviceAccountDir;
  const readFile = o.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  const host = env.KUBERNETES_SERVICE_HOST ?? "";
  const port = env.KUBERNETES_SERVICE_PORT ?? "";
  if (!host || !port) {
    throw new InClusterConfigError("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined");
  }
  const tokenFile = join(dir, "token");
  const read = (name: string): string | undefined => {
    try {
      return readFile(join(dir, name));
    } catch {
      return undefined;
    }
  };
  if (read("token") === undefined) throw new InClusterConfigError(`unable to load in-cluster configuration: cannot read ${tokenFile}`);
  const ca = read("ca.crt");
  const namespace = read("namespace")?.trim();
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return { config: { server, ...(ca !== undefined && { ca }), ...(namespace && { namespace }) }, tokenFile };
}

/**
 * A token source for a file that is replaced from time to time: the file is read again when its
 * identity or modification time changes (the agent swaps it by rename), else the cached text is
 * returned. If the file cannot be read any more, the last token read is kept.
 */
export function fileTokenSource(
  path: string,
  o: { stat?: (path: string) => { ino: number; mtimeMs: number }; readFile?: (path: string) => string } = {},
): () => string {
  const stat = o.stat ?? ((p: string) => statSync(p));
  const readFile = o.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  let seen = "";
  let token = "";
  return () => {
    try {
      const s = stat(path);
      const id = `${s.ino}:${s.mtimeMs}`;
      if (id !== seen) {
        token = readFile(path).trim();
        seen = id;
      }
    } catch {
      // Keep the last token: a missing file mid-swap must not fail requests.
    }
    return token;
  };
}
