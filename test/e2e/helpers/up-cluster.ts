// Runs `svcnet up` (any flags; the HA form with --store etcd) as a child process with a unique
// sandbox id and a scratch data dir, for fault tests and benchmarks: kubectl against it, its
// control socket (svcnet sandbox) to stop and start parts, commands inside its namespaces.
// stop() ends it with SIGTERM, checks that no namespace of its sandbox is left (removing any
// with `svcnet down`) and deletes the scratch dir, also when a test failed.

import type { ChildProcess } from "node:child_process";
import { execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SandboxControlClient, controlSocketPath } from "../../../src/sandbox/control/sandbox-control-client.js";
import { svcnetBin } from "./repo.js";
import type { KubectlResult } from "./server-process.js";

export interface UpCluster {
  /** The sandbox id: namespaces are svcnet-<id>-*. */
  readonly id: string;
  readonly prefix: string;
  readonly dataDir: string;
  readonly kubeconfig: string;
  readonly control: SandboxControlClient;
  /** Milliseconds from spawning `svcnet up` to its "svcnet is up" line. */
  readonly readyMs: number;
  /** Everything it printed so far. */
  output(): string;
  kubectl(args: string[], o?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Runs argv inside namespace `netns` (a full name) with a deadline. */
  inNetns(netns: string, argv: string[], timeoutMs?: number): Promise<KubectlResult>;
  /** SIGTERM, wait (SIGKILL after 60 s), check and clean up; resolves with how long the stop took. */
  stop(): Promise<number>;
}

/**
 * Starts `svcnet up <args>` with its own sandbox id (`<idPrefix><hex>`), data dir and loopback port.
 * `asUser` runs it as that unprivileged user (for --rootless: the scratch dir is given to the user,
 * and inNetns enters the user's namespaces first, since its network namespaces are private to them).
 */
export async function startUp(args: readonly string[], o: { idPrefix?: string; timeoutMs?: number; asUser?: { uid: number; gid: number } } = {}): Promise<UpCluster> {
  const id = `${o.idPrefix ?? "u"}${randomBytes(3).toString("hex")}`;
  const scratch = mkdtempSync(join(tmpdir(), `svcnet-${id}-`));
  if (o.asUser) chownSync(scratch, o.asUser.uid, o.asUser.gid);
  const dataDir = join(scratch, "data");
  const kubeconfig = join(dataDir, "kubeconfig");
  const home = join(scratch, "home");
  let output = "";
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, [svcnetBin(), "up", ...args, "--sandbox-id", id, "--data-dir", dataDir, "--listen", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: o.asUser ? scratch : undefined,
    ...(o.asUser && { uid: o.asUser.uid, gid: o.asUser.gid, env: { ...process.env, HOME: scratch } }),
  });
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => process.removeListener("exit", killOnExit));

  const cleanUp = (): void => {
    const left = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
    if (left.includes(`svcnet-${id}-`)) execFileSync(process.execPath, [svcnetBin(), "down", "--id", id]);
    rmSync(scratch, { recursive: true, force: true });
    if (left.includes(`svcnet-${id}-`)) throw new Error(`svcnet up left namespaces of svcnet-${id}-* behind (removed now):\n${left}`);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const limit = o.timeoutMs ?? 150_000;
      const timer = setTimeout(() => reject(new Error(`svcnet up did not come up within ${limit} ms:\n${output}`)), limit);
      const onData = (d: Buffer): void => {
        output += d.toString();
        if (/^svcnet is up:/m.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`svcnet up exited (${signal ?? `code ${code}`}):\n${output}`));
      });
    });
  } catch (e) {
    child.kill("SIGKILL");
    await exited;
    cleanUp();
    throw e;
  }
  const readyMs = Date.now() - started;
  const run = (program: string, argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number, input?: string): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const p = execFile(program, argv, { env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout: stdout.toString(), stderr: stderr.toString() }),
      );
      if (input !== undefined) p.stdin?.end(input);
    });
  let stopping: Promise<number> | undefined;
  return {
    id,
    prefix: `svcnet-${id}-`,
    dataDir,
    kubeconfig,
    control: new SandboxControlClient(controlSocketPath(dataDir)),
    readyMs,
    output: () => output,
    kubectl: (argv, ko = {}) => run("kubectl", argv, { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, KUBECONFIG: kubeconfig }, ko.timeoutMs ?? 30_000, ko.input),
    inNetns: (netns, argv, timeoutMs = 10_000) =>
      o.asUser
        ? run("nsenter", [`--target=${namespaceHolder(child.pid ?? 0)}`, "--user", "--mount", "ip", "netns", "exec", netns, ...argv], process.env, timeoutMs)
        : run("ip", ["netns", "exec", netns, ...argv], process.env, timeoutMs),
    stop() {
      stopping ??= (async () => {
        const at = Date.now();
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
          await exited;
          clearTimeout(timer);
        }
        const took = Date.now() - at;
        cleanUp();
        return took;
      })();
      return stopping;
    },
  };
}

/**
 * The process of `svcnet up --rootless` that holds its namespaces: the child of `pid` (the
 * outer svcnet re-runs itself under unshare), or `pid` itself when it has no child yet.
 */
function namespaceHolder(pid: number): number {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    return children.length > 0 ? Number(children[0]) : pid;
  } catch {
    return pid;
  }
}
