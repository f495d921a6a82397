// Runs the `ip` command (iproute2) without a shell. Everything the sandbox does to the kernel goes
// through the IpRunner interface, so the command sequences are testable with FakeIpRunner.

import { execFile } from "node:child_process";
import { openSync, closeSync, rmSync } from "node:fs";
import { rootlessInside } from "./rootless/rootless-namespace.js";

/** Runs one `ip` invocation. Implementations resolve with stdout or reject with IpCommandError. */
export interface IpRunner {
  /** Runs `ip <args…>`; `args` never passes through a shell. */
  ip(args: readonly string[]): Promise<string>;
}

/**
 * An `ip` command that failed. `code` is stable: "IpCommandFailed" (non-zero exit) or
 * "IpCommandNotRun" (the program could not be started or was killed). The message names the
 * command line and carries its stderr.
 */
export class IpCommandError extends Error {
  override readonly name = "IpCommandError";
  readonly code: "IpCommandFailed" | "IpCommandNotRun";
  readonly args: readonly string[];
  readonly stderr: string;
  readonly exitCode: number | undefined;

  constructor(args: readonly string[], options: { stderr: string; exitCode?: number; cause?: unknown }) {
    const status = options.exitCode === undefined ? "could not run" : `exited ${options.exitCode}`;
    const detail = options.stderr.trim() || (options.cause instanceof Error ? options.cause.message : "");
    super(`\`${["ip", ...args].join(" ")}\` ${status}${detail ? `: ${detail}` : ""}`, { cause: options.cause });
    this.code = options.exitCode === undefined ? "IpCommandNotRun" : "IpCommandFailed";
    this.args = [...args];
    this.stderr = options.stderr;
    this.exitCode = options.exitCode;
  }
}

/** Options of ExecIpRunner. */
export interface ExecIpRunnerOptions {
  /** The program to run; default "ip" (found on PATH). */
  program?: string;
  /** Kill a command after this many milliseconds; default 10 000. */
  timeoutMs?: number;
  /**
   * How `netns add NAME` creates a namespace: "ip" runs it as is; "unshare" creates the file in
   * /run/netns and binds a new namespace to it with `unshare --net=FILE` — the same result, without
   * switching back to the original namespace, which `ip` does and an unprivileged user may not.
   * Default: "unshare" inside `svcnet up --rootless`, else "ip".
   */
  namespaceCreation?: "ip" | "unshare";
}

/** The real runner: `execFile(program, args)`. */
export class ExecIpRunner implements IpRunner {
  readonly #program: string;
  readonly #timeoutMs: number;
  readonly #namespaceCreation: "ip" | "unshare";

  constructor(options: ExecIpRunnerOptions = {}) {
    this.#program = options.program ?? "ip";
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#namespaceCreation = options.namespaceCreation ?? (rootlessInside() ? "unshare" : "ip");
  }

  ip(args: readonly string[]): Promise<string> {
    if (this.#namespaceCreation === "unshare" && args.length === 3 && args[0] === "netns" && args[1] === "add") return this.#addNamespace(args);
    return this.#run(this.#program, args, args);
  }

  /** `ip netns add NAME` by `unshare --net=/run/netns/NAME true`; fails as ip does when NAME exists. */
  async #addNamespace(args: readonly string[]): Promise<string> {
    const file = `/run/netns/${args[2]}`;
    try {
      closeSync(openSync(file, "wx", 0o444));
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === "EEXIST" ? "File exists" : e instanceof Error ? e.message : String(e);
      throw new IpCommandError(args, { stderr: `Cannot create namespace file "${file}": ${why}`, exitCode: 1, cause: e });
    }
    try {
      return await this.#run("unshare", [`--net=${file}`, "true"], args);
    } catch (e) {
      rmSync(file, { force: true });
      throw e;
    }
  }

  #run(program: string, argv: readonly string[], args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(program, [...argv], { timeout: this.#timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const exitCode = typeof error.code === "number" ? error.code : undefined;
        reject(new IpCommandError(args, { stderr, exitCode, cause: error }));
      });
    });
  }
}

/** The args of `ip netns exec <netns> sysctl -w <key>=<value>`. */
export function sysctlArgs(netns: string, setting: { key: string; value: string }): string[] {
  return ["netns", "exec", netns, "sysctl", "-w", `${setting.key}=${setting.value}`];
}

/** The IPv4 addresses of the interfaces of `netns` (`ip -j -4 addr show`), or of the caller's own namespace. */
export async function namespaceIPv4Addresses(runner: IpRunner, netns?: string): Promise<string[]> {
  const out = await runner.ip([...(netns === undefined ? [] : ["-n", netns]), "-j", "-4", "addr", "show"]);
  const links = JSON.parse(out) as { addr_info?: { local?: string }[] }[];
  return links.flatMap((l) => (l.addr_info ?? []).map((a) => a.local ?? "")).filter((a) => a !== "");
}
