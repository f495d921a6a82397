// The thin shell between the proxier and the kernel: iptables, iptables-restore and iptables-save,
// run directly or inside a network namespace (`ip netns exec`), never through a shell.

import { spawn } from "node:child_process";

export type IptablesTable = "filter" | "nat" | "mangle";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What the proxier needs from iptables. The real one execs; tests of pure callers may fake it. */
export interface IptablesCommands {
  /** `iptables-restore --noflush --counters` with `text` on stdin; throws IptablesCommandError on failure. */
  restore(text: string): Promise<void>;
  /** `iptables-restore --counters` (no --noflush: the tables in `text` are replaced); throws on failure. */
  restoreAll(text: string): Promise<void>;
  /** `iptables-save -t <table>` (with `-c`, each rule's `[packets:bytes]`); throws on failure. */
  save(table: IptablesTable, options?: { counters?: boolean }): Promise<string>;
  /** `iptables <args>`; resolves with the exit code (never throws for a non-zero exit). */
  iptables(args: readonly string[]): Promise<CommandResult>;
  /** Where the commands act, for messages: "netns svcnet-x-core-v2-01" or "host". */
  readonly where: string;
}

/**
 * A program run by runCommand that failed: the message names the command line, its exit code and
 * the first `detailLines` lines of its stderr; the whole stderr is kept.
 */
export class CommandFailedError extends Error {
  readonly command: readonly string[];
  readonly stderr: string;
  readonly exitCode: number;

  constructor(command: readonly string[], result: CommandResult, detailLines: number) {
    const detail = result.stderr.trim().split("\n").slice(0, detailLines).join("; ");
    super(`\`${command.join(" ")}\` exited ${result.code}${detail ? `: ${detail}` : ""}`);
    this.command = [...command];
    this.stderr = result.stderr;
    this.exitCode = result.code;
  }
}

/** An iptables program that failed; the message names the command and carries its stderr. */
export class IptablesCommandError extends CommandFailedError {
  override readonly name = "IptablesCommandError";
  readonly code = "IptablesCommandFailed";

  constructor(command: readonly string[], result: CommandResult) {
    super(command, result, 5);
  }
}

/**
 * Which iptables programs to run: "system" = `iptables`, `iptables-restore`, … (whatever the
 * host's alternatives point at), or the nf_tables / legacy (x_tables) builds by name. The
 * backends keep separate rule sets; iptables 1.8.9's nf_tables restore with --noflush grows
 * quadratically with the number of chains, while legacy stays linear (see bench/proxy-sync.ts).
 */
export type IptablesBackend = "system" | "nft" | "legacy";

export function parseIptablesBackend(value: string): IptablesBackend {
  if (value === "system" || value === "nft" || value === "legacy") return value;
  throw new Error(`iptables backend must be system, nft or legacy, got ${JSON.stringify(value)}`);
}

export interface ExecIptablesOptions {
  /** Default "system". */
  backend?: IptablesBackend;
  /** Run inside this network namespace (`ip netns exec <netns> …`); the host's tables otherwise. */
  netns?: string;
  /** Seconds to wait for the xtables lock (`-w`); default 5. */
  lockWaitSeconds?: number;
  /** Kill a command after this many milliseconds; default 60 000 (large restores take seconds). */
  timeoutMs?: number;
}

export class ExecIptables implements IptablesCommands {
  readonly where: string;
  readonly #prefix: string[];
  readonly #lockWait: string;
  readonly #timeoutMs: number;
  readonly #suffix: string;

  constructor(options: ExecIptablesOptions = {}) {
    const backend = options.backend ?? "system";
    this.#suffix = backend === "system" ? "" : `-${backend}`;
    this.#prefix = options.netns === undefined ? [] : ["ip", "netns", "exec", options.netns];
    this.where = options.netns === undefined ? "host" : `netns ${options.netns}`;
    this.#lockWait = String(options.lockWaitSeconds ?? 5);
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  async restore(text: string): Promise<void> {
    const command = [...this.#prefix, `iptables${this.#suffix}-restore`, "-w", this.#lockWait, "-W", "100000", "--noflush", "--counters"];
    const result = await runCommand(command, text, this.#timeoutMs);
    if (result.code !== 0) throw new IptablesCommandError(command, result);
  }

  async restoreAll(text: string): Promise<void> {
    const command = [...this.#prefix, `iptables${this.#suffix}-restore`, "-w", this.#lockWait, "-W", "100000", "--counters"];
    const result = await runCommand(command, text, this.#timeoutMs);
    if (result.code !== 0) throw new IptablesCommandError(command, result);
  }

  async save(table: IptablesTable, options: { counters?: boolean } = {}): Promise<string> {
    const command = [...this.#prefix, `iptables${this.#suffix}-save`, ...(options.counters ? ["-c"] : []), "-t", table];
    const result = await runCommand(command, undefined, this.#timeoutMs);
    if (result.code !== 0) throw new IptablesCommandError(command, result);
    return result.stdout;
  }

  iptables(args: readonly string[]): Promise<CommandResult> {
    return runCommand([...this.#prefix, `iptables${this.#suffix}`, "-w", this.#lockWait, ...args], undefined, this.#timeoutMs);
  }
}

/** Runs argv[0] with the rest as arguments, feeding `input` on stdin. */
export function runCommand(argv: readonly string[], input: string | undefined, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    const [program, ...args] = argv;
    if (program === undefined) throw new Error("runCommand: empty argv");
    const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on("error", () => undefined); // the program may exit before reading all input
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: "", stderr: `${program}: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const err = Buffer.concat(stderr).toString("utf8");
      resolve({
        code: code ?? 128,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: signal ? `${err}killed by ${signal}${signal === "SIGKILL" ? ` after ${timeoutMs} ms` : ""}` : err,
      });
    });
    child.stdin.end(input ?? "");
  });
}
