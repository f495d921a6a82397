// Runs the Debian `etcdctl` (package etcd-client, API v3) inside a control-plane namespace, so
// health checks and test reads/writes reach a member without the host's root namespace ever
// sending a packet to the sandbox's addresses.

import { execFile } from "node:child_process";
import { inNetns } from "./etcd-member-plan.js";

/** Options of etcdctlArgv / runEtcdctl. */
export interface EtcdctlOptions {
  /** The namespace etcdctl runs in. */
  netns: string;
  /** Client URLs it talks to (inside `netns`), e.g. ["http://127.0.0.1:2379"]. */
  endpoints: readonly string[];
  /** etcdctl's own deadline for one request (`--command-timeout`); default 3000 ms. */
  commandTimeoutMs?: number;
  /** The etcdctl binary; default /usr/bin/etcdctl. */
  binary?: string;
}

/** What one etcdctl run gave: exit code 0 is success. */
export interface EtcdctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The full argv (`ip netns exec … etcdctl --endpoints=… <args>`). Pure. */
export function etcdctlArgv(options: EtcdctlOptions, args: readonly string[]): string[] {
  const timeoutMs = options.commandTimeoutMs ?? 3000;
  return inNetns(options.netns, [
    options.binary ?? "/usr/bin/etcdctl",
    `--endpoints=${options.endpoints.join(",")}`,
    `--dial-timeout=${Math.min(timeoutMs, 2000)}ms`,
    `--command-timeout=${timeoutMs}ms`,
    ...args,
  ]);
}

/**
 * Runs etcdctl and resolves with its result, never rejecting for a non-zero exit (a failed write
 * is an answer tests look at). The process is killed after commandTimeoutMs plus 5 s.
 */
export function runEtcdctl(options: EtcdctlOptions, args: readonly string[]): Promise<EtcdctlResult> {
  const [program, ...rest] = etcdctlArgv(options, args);
  const killAfterMs = (options.commandTimeoutMs ?? 3000) + 5000;
  return new Promise((resolve) => {
    execFile(program, rest, { timeout: killAfterMs, encoding: "utf8", env: { ...process.env, ETCDCTL_API: "3" } }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      // No numeric code: it could not start or was killed at the deadline; say so on stderr.
      const exited = typeof error.code === "number";
      resolve({ code: exited ? Number(error.code) : 1, stdout, stderr: exited ? stderr : `${stderr}${error.message}` });
    });
  });
}
