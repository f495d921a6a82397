// Runs `svcnet server` as a child process on a free loopback port in a fresh temp dir, for the
// benchmarks. It reads the CA and admin token the server wrote to its data dir. `stop()` ends
// the process and removes the dir; the process is also killed if the benchmark itself exits.

import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Options for startServerChild. */
export interface ServerChildOptions {
  /** The --store flag: "sqlite" or "etcd://127.0.0.1:PORT". */
  store: string;
  /** How long to wait for "listening on" (default 30000 ms). */
  startTimeoutMs?: number;
}

/** A running `svcnet server`. */
export interface ServerChild {
  url: string;
  /** PEM of the cluster CA (DIR/ca.crt). */
  ca: string;
  /** The admin bearer token (DIR/admin.token). */
  token: string;
  dataDir: string;
  /** SIGTERM, SIGKILL after 5 s, then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** The svcnet executable, found by walking up from this file to the checkout root. */
export function svcnetBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the svcnet checkout (no package.json above this file)");
    dir = up;
  }
  return join(dir, "bin", "svcnet.js");
}

/** Starts the server; throws (after cleaning up) if it does not come up in time. */
export async function startServerChild(options: ServerChildOptions): Promise<ServerChild> {
  const scratch = mkdtempSync(join(tmpdir(), "svcnet-bench-"));
  const dataDir = join(scratch, "data");
  const child = spawn(process.execPath, [svcnetBin(), "server", "--data-dir", dataDir, "--listen", "127.0.0.1:0", "--store", options.store], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener("exit", killOnExit);
      await terminate(child);
      rmSync(scratch, { recursive: true, force: true });
    })();
    return stopped;
  };
  try {
    const url = await waitForListening(child, options.startTimeoutMs ?? 30_000);
    const ca = readFileSync(join(dataDir, "ca.crt"), "utf8");
    const token = readFileSync(join(dataDir, "admin.token"), "utf8").trim();
    return { url, ca, token, dataDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`svcnet server did not start in ${timeoutMs} ms\n${out}\n${err}`)), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    // Keep draining stderr for the server's whole life so a chatty server never blocks.
    child.stderr?.on("data", (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`svcnet server exited (${code ?? signal})\n${out}\n${err}`));
    });
  });
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
