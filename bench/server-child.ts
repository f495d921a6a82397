// A `svcnet server` child process for the benchmarks: the e2e tests' launcher (fresh data dir,
// free loopback port, killed with the benchmark), plus the CA and admin token it wrote.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../test/e2e/helpers/server-process.js";

/** Options for startServerChild. */
export interface ServerChildOptions {
  /** The --store flag: "sqlite" or "etcd://127.0.0.1:PORT". */
  store: string;
}

/** A running `svcnet server`. */
export interface ServerChild {
  url: string;
  /** PEM of the cluster CA (DIR/ca.crt). */
  ca: string;
  /** The admin bearer token (DIR/admin.token). */
  token: string;
  dataDir: string;
  /** Ends the process and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the server; throws (after cleaning up) if it does not come up in time. */
export async function startServerChild(options: ServerChildOptions): Promise<ServerChild> {
  const s = await startServer({ store: options.store });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= s.stop());
  try {
    return {
      url: s.url,
      ca: readFileSync(join(s.dataDir, "ca.crt"), "utf8"),
      token: readFileSync(join(s.dataDir, "admin.token"), "utf8").trim(),
      dataDir: s.dataDir,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
