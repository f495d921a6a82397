// For real tests of kubectl against an in-process API server (such as a test sandbox's): an
// HTTPS listener on 127.0.0.1 in front of it, a kubeconfig with the test token, and kubectl run
// with a private HOME (so its discovery cache never leaks between tests). close() stops the
// listener, ends any kubectl still running and removes the scratch directory.

import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApiServer } from "../../apiserver/api-server.js";
import { listen } from "../../apiserver/http-server.js";
import { testToken } from "../../apiserver/test-api.js";
import { writeKubeconfig } from "../../server/kubeconfig.js";
import { ensureServingPki } from "../../server/pki.js";

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestKubectl {
  /** The listener's URL, https://127.0.0.1:<port>. */
  server: string;
  /** The CA that signed its certificate (PEM). */
  caCert: string;
  /** The bearer token of the kubeconfig. */
  token: string;
  kubeconfig: string;
  /** The environment kubectl runs with (PATH, private HOME, KUBECONFIG). */
  env: Record<string, string>;
  /** Runs kubectl to its end (killed after `timeoutMs`, default 30 s). */
  run(args: readonly string[], o?: { env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlRun>;
  /** Starts a long-running kubectl (such as port-forward); close() kills it if still running. */
  spawn(args: readonly string[], o?: { env?: Record<string, string> }): ChildProcess;
  close(): Promise<void>;
}

export async function startTestKubectl(api: ApiServer): Promise<TestKubectl> {
  const scratch = mkdtempSync(join(tmpdir(), "svcnet-kubectl-"));
  const stop = new AbortController();
  const children = new Set<ChildProcess>();
  try {
    const pki = ensureServingPki(scratch, { dns: ["localhost"], ips: ["127.0.0.1"] });
    const { address } = await listen(api, { host: "127.0.0.1", port: 0, key: pki.key, cert: pki.cert, signal: stop.signal });
    const kubeconfig = join(scratch, "kubeconfig");
    const server = `https://127.0.0.1:${address.port}`;
    writeKubeconfig(kubeconfig, { server, caCert: pki.caCert, token: testToken });
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(scratch, "home"), KUBECONFIG: kubeconfig };
    return {
      server,
      caCert: pki.caCert,
      token: testToken,
      kubeconfig,
      env,
      run(args, o = {}) {
        return new Promise((resolve) => {
          const child = execFile("kubectl", [...args], { env: { ...env, ...o.env }, timeout: o.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            children.delete(child);
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve({ code, stdout: String(stdout), stderr: String(stderr) });
          });
          children.add(child);
        });
      },
      spawn(args, o = {}) {
        const child = spawn("kubectl", [...args], { env: { ...env, ...o.env }, stdio: ["ignore", "pipe", "pipe"] });
        children.add(child);
        child.once("exit", () => children.delete(child));
        return child;
      },
      async close() {
        await Promise.all(
          [...children].map(
            (child) =>
              new Promise<void>((resolve) => {
                if (child.exitCode !== null || child.signalCode !== null) return resolve();
                child.once("exit", () => resolve());
                child.kill("SIGKILL");
              }),
          ),
        );
        stop.abort();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    stop.abort();
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}
