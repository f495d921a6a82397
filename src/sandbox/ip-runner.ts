// Runs the `ip` command (iproute2) without a shell. Everything the sandbox does to the kernel goes
// through the IpRunner interface, so the command sequences are testable with FakeIpRunner.

import { execFile } from "node:child_process";

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
}

/** The real runner: `execFile(program, args)`. */
export class ExecIpRunner implements IpRunner {
  readonly #program: string;
  readonly #timeoutMs: number;

  constructor(options: ExecIpRunnerOptions = {}) {
    this.#program = options.program ?? "ip";
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  ip(args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.#program, [...args], { timeout: this.#timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
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
