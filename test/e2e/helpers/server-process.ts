// Runs `svcnet server` as a child process on a free loopback port with a fresh data dir, and
// runs the real kubectl against it with a private HOME (so kubectl's discovery cache never
// leaks between tests). Everything is removed by stop(), also when a test fails.

import { spawn, execFile } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { svcnetBin } from "./repo.js";

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  kubeconfig: string;
  child: ChildProcess;
  kubectl(args: string[], options?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlResult>;
  /** Writes a file in the test's scratch dir and returns its path. */
  file(name: string, content: string): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** "server" (default) or "up" (the control plane plus simulated nodes). */
  command?: "server" | "up";
  store?: string;
  extraArgs?: string[];
  dataDir?: string;
  port?: number;
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
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
      // `svcnet server` reports a failed start as "error: …"; fail now rather than at the timeout.
      if (/^error: /m.test(err)) {
        clearTimeout(timer);
        reject(new Error(`svcnet server failed to start\n${out}\n${err}`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`svcnet server exited with ${code}\n${out}\n${err}`));
    });
  });
}

export async function startServer(o: StartOptions = {}): Promise<ServerProcess> {
  const scratch = mkdtempSync(join(tmpdir(), "svcnet-e2e-"));
  const dataDir = o.dataDir ?? join(scratch, "data");
  const home = join(scratch, "home");
  let port = o.port ?? 0;
  let child: ChildProcess;
  let url = "";
  const launch = async (): Promise<void> => {
    child = spawn(
      process.execPath,
      [svcnetBin(), o.command ?? "server", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`, "--store", o.store ?? "sqlite", ...(o.extraArgs ?? [])],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    // A test runner or benchmark that exits (or crashes) must not leave the server behind.
    const current = child;
    const killOnExit = (): void => void current.kill("SIGKILL");
    process.once("exit", killOnExit);
    current.once("exit", () => process.removeListener("exit", killOnExit));
    url = await waitForListening(child, 30_000);
    port = Number(new URL(url).port);
  };
  const killChild = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await gone;
  };
  try {
    await launch();
  } catch (err) {
    // A server that failed to start may still be running (listening, never ready): end it.
    await killChild();
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
  const kubeconfig = join(dataDir, "kubeconfig");
  const exited = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
  const sp: ServerProcess = {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    dataDir,
    kubeconfig,
    get child() {
      return child;
    },
    kubectl(args, ko = {}) {
      return new Promise((resolve) => {
        const p = execFile(
          "kubectl",
          args,
          {
            env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, KUBECONFIG: kubeconfig, ...ko.env },
            timeout: ko.timeoutMs ?? 60_000,
            maxBuffer: 32 * 1024 * 1024,
          },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
          },
        );
        if (ko.input !== undefined) p.stdin?.end(ko.input);
      });
    },
    file(name, content) {
      const p = join(scratch, name);
      writeFileSync(p, content);
      return p;
    },
    async kill(signal = "SIGKILL") {
      child.kill(signal);
      await exited();
    },
    async restart() {
      try {
        await launch();
      } catch (err) {
        await killChild();
        throw err;
      }
    },
    async stop() {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited();
      clearTimeout(t);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
  return sp;
}
