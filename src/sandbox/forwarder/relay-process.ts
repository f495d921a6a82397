// Starts relay-main.js inside a sandbox namespace (`ip netns exec`) and stops it again. The relay's
// stdin is a pipe this process holds: closing it is the polite stop, and if this process dies the
// kernel closes it for us, so the relay never outlives its parent.

import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { endChild } from "../end-child.js";
import { RELAY_READY_LINE, answers } from "./relay-server.js";

/** Options of startRelay. */
export interface StartRelayOptions {
  /** The namespace the relay runs in, e.g. the sandbox's client namespace. */
  netns: string;
  /** The unix socket the relay listens on; put it in a directory only this user can enter. */
  socketPath: string;
  /** IPv4 CIDRs the relay may dial, e.g. ["172.17.8.0/24"]. */
  allow: readonly string[];
  /** The Node binary run inside the namespace; default this process's. */
  nodePath?: string;
  /** The relay's entry script; default relay-main.js beside this module (in dist/). */
  script?: string;
  /** The iproute2 program; default "ip" (found on PATH). */
  ipProgram?: string;
  /** Give up when the relay has not answered on its socket after this long; default 10 000 ms. */
  readyTimeoutMs?: number;
  /** After closing its stdin, wait this long for the relay to exit before killing it; default 2000 ms. */
  stopTimeoutMs?: number;
  /** Told each line the relay writes on stderr (refusals, failed dials); default: dropped. */
  log?: (line: string) => void;
}

/** A running relay. */
export interface RelayProcess {
  readonly pid: number | undefined;
  readonly socketPath: string;
  /** Settles when the relay process has ended, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Closes its stdin, kills it if it lingers, and removes the socket file. Safe to repeat. */
  stop(): Promise<void>;
}

export type RelayStartErrorCode = "RelayExited" | "RelayNotReady" | "RelayNotStarted";

/** The relay did not come up; the message carries the end of its stderr. */
export class RelayStartError extends Error {
  override readonly name = "RelayStartError";
  readonly code: RelayStartErrorCode;

  constructor(code: RelayStartErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const DEFAULT_SCRIPT = fileURLToPath(new URL("./relay-main.js", import.meta.url));
const STDERR_LINES_KEPT = 20;

/** The program and arguments that run the relay described by `options`. Pure. */
export function relayCommand(options: StartRelayOptions): { program: string; args: string[] } {
  const node = options.nodePath ?? process.execPath;
  const script = options.script ?? DEFAULT_SCRIPT;
  const allow = options.allow.flatMap((cidr) => ["--allow", cidr]);
  return { program: options.ipProgram ?? "ip", args: ["netns", "exec", options.netns, node, script, "--socket", options.socketPath, ...allow] };
}

/**
 * Spawns the relay and resolves once it has said it is ready and its socket accepts a connection.
 * Rejects with RelayStartError (and leaves no process behind) when it cannot be started, exits
 * first (bad namespace, bad range, socket path held by a live relay), or is not ready in time.
 */
export async function startRelay(options: StartRelayOptions): Promise<RelayProcess> {
  const { program, args } = relayCommand(options);
  // Whether the socket file is this relay's: only then does stop() remove it. A relay that failed
  // to start may have failed exactly because another live relay owns that path.
  let ownsSocket = false;
  const helper = await startHelperProcess({
    program,
    args,
    what: "relay",
    readyTimeoutMs: options.readyTimeoutMs,
    stopTimeoutMs: options.stopTimeoutMs,
    log: options.log,
    answering: () => answers(options.socketPath),
    notAnswering: `nothing answers on ${options.socketPath}`,
    afterStop: async () => {
      if (ownsSocket) await rm(options.socketPath, { force: true });
    },
  });
  ownsSocket = true;
  return { ...helper, socketPath: options.socketPath };
}

/** What startHelperProcess runs and how it knows the process is ready. */
export interface HelperProcessOptions {
  program: string;
  args: string[];
  /** For messages: "relay", "inbound listener". */
  what: string;
  /** Give up when it is not ready after this long; default 10 000 ms. */
  readyTimeoutMs?: number;
  /** After closing its stdin, wait this long for it to exit before killing it; default 2000 ms. */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
  /** Checked after the ready line: does the process really serve? Default: the line is enough. */
  answering?: () => Promise<boolean>;
  /** Said when `answering` is false. */
  notAnswering?: string;
  /** Runs once the process is gone, on stop. */
  afterStop?: () => Promise<void>;
}

/**
 * Spawns a sandbox helper process (relay-main.js, inbound-main.js: they print a ready line and live
 * as long as their stdin) and resolves once it is ready. Rejects with RelayStartError (and leaves no
 * process behind) when it cannot be started, exits first, or is not ready in time.
 */
export async function startHelperProcess(options: HelperProcessOptions): Promise<Omit<RelayProcess, "socketPath">> {
  const { program, args, what } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 2000;
  const log = options.log ?? (() => undefined);
  const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
  // The relay may die while we still hold its stdin; a write error there means nothing more.
  child.stdin.on("error", () => undefined);

  const stderrTail: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_LINES_KEPT) stderrTail.shift();
    log(line);
  });
  const tail = (): string => (stderrTail.length > 0 ? `: ${stderrTail.join(" | ")}` : "");

  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  // "close" comes after the process exited and its stdout and stderr ended (so every stderr line
  // has been seen); it also follows a failed spawn, with a negative code.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal }));
  });
  const ready = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line === RELAY_READY_LINE) resolve();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await endChild(child, exited, { ask: () => child.stdin.end(), graceMs: stopTimeoutMs });
      await options.afterStop?.();
    })());

  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => "ready" as const),
    exited.then(() => "exited" as const),
    new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), readyTimeoutMs))),
  ]);
  clearTimeout(timer);
  const answering = outcome === "ready" && (options.answering ? await options.answering() : true);
  if (answering) return { pid: child.pid, exited, stop };

  await stop();
  const command = [program, ...args].join(" ");
  if (spawnError) throw new RelayStartError("RelayNotStarted", `could not start \`${command}\`: ${spawnError.message}`, { cause: spawnError });
  if (outcome === "timeout") throw new RelayStartError("RelayNotReady", `${what} \`${command}\` was not ready after ${readyTimeoutMs} ms${tail()}`);
  if (outcome === "ready") throw new RelayStartError("RelayNotReady", `${what} \`${command}\` said it was ready, but ${options.notAnswering ?? "it does not answer"}${tail()}`);
  const { code, signal } = await exited;
  throw new RelayStartError("RelayExited", `${what} \`${command}\` exited (${signal ?? `code ${String(code)}`}) before it was ready${tail()}`);
}
