// `svcnet up --rootless`: the namespace sandbox for a user without privileges. svcnet re-runs
// itself in a new user namespace (the user mapped to root there) with a private mount namespace,
// as rootless container engines do. Inside, it may create network namespaces, bridges, veths and
// rules, because it owns every namespace it creates; the machine's own network stays out of its
// reach: the process remains in the host's network namespace (so the API and published ports
// listen on the host's 127.0.0.1 as with root) but holds no capability over it.
//
// Two things differ from the root sandbox, and this module handles both:
// - `/run` belongs to root, so it is a private tmpfs inside the mount namespace; /run/netns (the
//   named network namespaces) and the pods' /var/run/secrets mount points live there, seen only
//   by svcnet's own processes, and vanish with them.
// - `ip netns add` switches back to the host's network namespace after creating one, which an
//   unprivileged user may not do; namespaces are created with `unshare --net=FILE` instead
//   (ExecIpRunner does it when `rootlessInside()`).

import { execFile, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";

/** Set in the environment of the re-run svcnet: it is inside the rootless namespaces. */
export const ROOTLESS_ENV = "SVCNET_ROOTLESS";

/** Whether this process runs inside the namespaces `svcnet up --rootless` made. */
export function rootlessInside(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ROOTLESS_ENV] === "1";
}

/** The argv that re-runs `node script args…` as root of a new user namespace with a private mount namespace. */
export function rootlessArgv(node: string, script: string, args: readonly string[]): string[] {
  return ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private", "--", node, script, ...args];
}

/** A user error of --rootless: one line with the fix. */
export class RootlessError extends Error {
  override readonly name = "RootlessError";
}

/** Why a directory cannot be used inside (it would be hidden by the private /run), or undefined. */
export function hiddenByPrivateRun(dir: string): string | undefined {
  const within = (root: string): boolean => {
    const rel = relative(root, resolve(dir));
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  };
  return within("/run") || within("/var/run") ? `${dir} is under /run, which --rootless replaces with a private one: use a directory elsewhere (--data-dir, or start from another directory)` : undefined;
}

/** Resolves when `unshare --user --map-root-user` works here; rejects with RootlessError saying how to allow it. */
export function checkUserNamespaces(): Promise<void> {
  return new Promise((resolveCheck, reject) => {
    execFile("unshare", ["--user", "--map-root-user", "--mount", "true"], { timeout: 10_000, encoding: "utf8" }, (error, _stdout, stderr) => {
      if (!error) return resolveCheck();
      const why = stderr.trim() || error.message;
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      reject(
        new RootlessError(
          missing
            ? "--rootless needs the unshare command (util-linux): install it, or run as root without --rootless"
            : `--rootless needs unprivileged user namespaces, which this machine refuses (${why}): allow them (sysctl user.max_user_namespaces=15000; on Ubuntu also kernel.apparmor_restrict_unprivileged_userns=0), or run as root without --rootless`,
        ),
      );
    });
  });
}

/**
 * Runs `node script args…` in the rootless namespaces with ROOTLESS_ENV set, and resolves with its
 * exit code. Ctrl-C reaches it through the terminal's process group; SIGTERM and SIGHUP sent to
 * this process are passed on; this process stays until it has ended.
 */
export function runInRootlessNamespaces(args: readonly string[]): Promise<number> {
  const [program, ...rest] = rootlessArgv(process.execPath, process.argv[1] ?? "", args);
  const child = spawn(program, rest, { stdio: "inherit", env: { ...process.env, [ROOTLESS_ENV]: "1" } });
  const forward = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
  const handlers: [NodeJS.Signals, () => void][] = [
    ["SIGINT", () => undefined],
    ["SIGTERM", forward("SIGTERM")],
    ["SIGHUP", forward("SIGHUP")],
  ];
  for (const [s, h] of handlers) process.on(s, h);
  return new Promise((done) => {
    const finish = (code: number): void => {
      for (const [s, h] of handlers) process.removeListener(s, h);
      done(code);
    };
    child.once("error", (e) => {
      console.error(`error: --rootless could not start unshare: ${e.message}`);
      finish(1);
    });
    child.once("exit", (code, signal) => finish(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1)));
  });
}

/**
 * Inside: mounts a private tmpfs on /run with the directories the sandbox uses. Throws
 * RootlessError when `dirs` (the data dir, the working directory) would be hidden by it.
 */
export async function preparePrivateRun(dirs: readonly string[]): Promise<void> {
  for (const d of dirs) {
    const hidden = hiddenByPrivateRun(d);
    if (hidden) throw new RootlessError(hidden);
  }
  await new Promise<void>((resolveMount, reject) => {
    execFile("mount", ["-t", "tmpfs", "-o", "mode=755", "svcnet-run", "/run"], { timeout: 10_000, encoding: "utf8" }, (error, _stdout, stderr) =>
      error ? reject(new RootlessError(`--rootless could not mount its private /run: ${stderr.trim() || error.message}`)) : resolveMount(),
    );
  });
  mkdirSync("/run/netns", { recursive: true });
}
