// Starts a container as a process tree in its pod's network namespace, with a private mount and
// UTS namespace holding the pod's /etc/resolv.conf, /etc/hosts, /etc/hostname and hostname; or
// adopts one an earlier agent started (its shim records the exit status in the exit file, so an
// adopted container still reports how it ended).

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { RuntimeTools } from "./launch-plan.js";
import { containerProcessEnv, launchArgv, LOG_FD, READY_MARKER } from "./launch-plan.js";
import type { PodFiles } from "./pod-files.js";
import { writePodFiles } from "./pod-files.js";
import type { MountNamespacePin } from "./mount-namespace-pin.js";
import { pinMountNamespace } from "./mount-namespace-pin.js";
import { findProcesses, isSameProcessRunning, mountNamespaceOf, processEnvironment, readProcStat } from "./proc-scan.js";
import { findRuntimeTools } from "./runtime-tools.js";

/** Options of startContainer. */
export interface StartContainerOptions {
  /** The pod's network namespace (a name in `ip netns list`). */
  netns: string;
  /** The argv to run (command then args, already `$(VAR)`-expanded); must not be empty. */
  command: readonly string[];
  /** The container's environment; PATH, HOME and HOSTNAME get defaults (containerProcessEnv). */
  env: Readonly<Record<string, string>>;
  /** Directory to start in; it must exist (a missing one fails the start). */
  workingDir?: string;
  /** The pod's files, bind-mounted over the container's /etc paths. */
  files: PodFiles;
  /** The pod's hostname (UTS namespace). */
  hostname: string;
  /** The pod's own directory under the agent's data dir; the files are written here. */
  podDir: string;
  /** stdout and stderr are appended here, as the process writes them (created with its parents). */
  logFile: string;
  /** The shim writes the command's exit status here when it ends (removed before the start). */
  exitFile: string;
  /** Tool paths; default findRuntimeTools(). */
  tools?: RuntimeTools;
  /** Give up (and kill the process) when the namespaces are not set up by then; default 10 000 ms. */
  setupTimeoutMs?: number;
}

/** How a container's main process ended: an exit code, or the signal that killed it. */
export interface ContainerExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of ContainerProcess.stop. */
export interface StopOptions {
  /** Time between SIGTERM and SIGKILL; default 30 000 ms (a pod's default grace period). */
  graceMs?: number;
}

/**
 * A running container. Contract:
 * - `pid` is the container's shim (also its process-group id), whose only child is the command
 *   (see launch-plan.ts); `mountNamespace` is its private mount
 *   namespace (`mnt:[inode]`), undefined only if the process ended during setup. The runtime
 *   holds that namespace until the container is gone (mount-namespace-pin.ts), and looks for
 *   processes in it only while it does: afterwards the number may be another namespace's.
 * - `exited` resolves once the main process has ended. When it ends, every process left in its
 *   process group or mount namespace is SIGKILLed, as a container's pid namespace would be.
 * - `stop()` sends SIGTERM to the process group, waits up to `graceMs` for the main process,
 *   then SIGKILLs the group and everything in the mount namespace; it resolves with the exit
 *   once none of those processes is left (or after 5 s of trying). Calling it again, or after
 *   the process ended, is safe and resolves with the same exit.
 */
export interface ContainerProcess {
  readonly pid: number;
  /** The process's start time in clock ticks since boot: pid and start time identify it. */
  readonly startTime: number;
  readonly mountNamespace: string | undefined;
  /** The environment the process got, which exec sessions reuse. */
  readonly env: Readonly<Record<string, string>>;
  readonly tools: RuntimeTools;
  readonly exited: Promise<ContainerExit>;
  stop(options?: StopOptions): Promise<ContainerExit>;
  /**
   * Lets the container run on without this process: nothing here waits for it any more (so
   * the agent can exit), and `exited` never resolves. The next agent adopts it.
   */
  detach(): void;
}

/** The container could not be set up (namespace missing, mount failed, bad workingDir…). */
export class ContainerStartError extends Error {
  override readonly name = "ContainerStartError";
  readonly code = "ContainerStartFailed";
  readonly stderr: string;

  constructor(message: string, options: { stderr: string; cause?: unknown }) {
    const detail = options.stderr.trim();
    super(detail ? `${message}: ${detail}` : message, { cause: options.cause });
    this.stderr = options.stderr;
  }
}

/**
 * Writes the pod's files, starts `command` in the pod's namespaces, and resolves once the mounts
 * and hostname are in place and the command has been exec'd. Rejects with ContainerStartError
 * (leaving no process behind) when setup fails; a command that cannot be found is not a setup
 * failure: it exits 127 with the shell's message in the log, like a crashing container.
 */
export async function startContainer(options: StartContainerOptions): Promise<ContainerProcess> {
  if (options.command.length === 0) throw new ContainerStartError("container has no command", { stderr: "" });
  const tools = options.tools ?? (await findRuntimeTools());
  const mounts = await writePodFiles(options.podDir, options.files);
  await mkdir(path.dirname(options.logFile), { recursive: true });
  const env = containerProcessEnv(options.env, options.hostname);
  const [program, ...args] = launchArgv(tools, {
    netns: options.netns,
    command: options.command,
    plan: { mounts, hostname: options.hostname, workingDir: options.workingDir, exitFile: options.exitFile },
  });
  await mkdir(path.dirname(options.exitFile), { recursive: true });
  await rm(options.exitFile, { force: true });
  const log = await open(options.logFile, "a", 0o640);
  let child: ChildProcess;
  try {
    const stdio: ("ignore" | "pipe" | number)[] = ["ignore", "pipe", "pipe"];
    stdio[LOG_FD] = log.fd;
    child = spawn(program, args, { env, stdio, detached: true });
  } finally {
    await log.close();
  }
  const exited = new Promise<ContainerExit>((resolve) => {
    child.once("exit", (exitCode, signal) => resolve({ exitCode, signal }));
  });
  const spawnFailed = new Promise<Error>((resolve) => child.once("error", resolve));
  const pid = child.pid;
  const stderr = collect(child.stderr);
  const timer = new AbortController();
  const setup = await Promise.race([
    collect(child.stdout).then((out) => ({ ready: out.split("\n").includes(READY_MARKER) })),
    spawnFailed.then((error) => ({ ready: false, error })),
    sleep(options.setupTimeoutMs ?? 10_000, { ready: false, timedOut: true }, { signal: timer.signal }).catch(() => ({ ready: false })),
  ]);
  timer.abort();
  if (pid === undefined || !setup.ready) {
    if (pid !== undefined) signalGroup(pid, "SIGKILL");
    const cause = "error" in setup ? setup.error : undefined;
    const reason = "timedOut" in setup ? `container setup in ${options.netns} timed out` : `container setup failed in ${options.netns}`;
    const text = pid === undefined ? "" : await Promise.race([stderr, sleep(1000, "")]);
    if (pid !== undefined) await Promise.race([exited, sleep(1000)]);
    throw new ContainerStartError(reason, { stderr: text, cause });
  }
  const mountNamespace = await ownMountNamespace(pid);
  const startTime = (await readProcStat(pid))?.startTime ?? 0;
  return new RunningContainer({ pid, startTime, mountNamespace, env, tools, exited, detach: () => child.unref() });
}

/** The mount namespace of a container's process, held (see mount-namespace-pin.ts); never the agent's own (a pid may be reused). */
async function ownMountNamespace(pid: number): Promise<MountNamespacePin | undefined> {
  const pin = await pinMountNamespace(pid);
  if (pin && pin.id === (await mountNamespaceOf(process.pid))) {
    await pin.release();
    return undefined;
  }
  return pin;
}

/** What identifies a container an earlier agent started (as that agent recorded it). */
export interface AdoptOptions {
  pid: number;
  startTime: number;
  exitFile: string;
  tools?: RuntimeTools;
  /** How often to look whether the process still runs; default 250 ms. */
  pollMs?: number;
}

/**
 * Takes over a container started by an earlier agent process, or returns undefined when that
 * process is gone (or its pid now belongs to another process). The adopted container is not this
 * process's child, so its end is noticed by polling /proc; the exit status is the one its shim
 * recorded, or SIGKILL when the shim itself was killed before it could record one.
 */
export async function adoptContainer(options: AdoptOptions): Promise<ContainerProcess | undefined> {
  const { pid, startTime } = options;
  if (!(await isSameProcessRunning(pid, startTime))) return undefined;
  const env = await processEnvironment(pid);
  if (env === undefined) return undefined;
  const tools = options.tools ?? (await findRuntimeTools());
  const mountNamespace = await ownMountNamespace(pid);
  const watching = new AbortController();
  const exited = (async (): Promise<ContainerExit> => {
    while (await isSameProcessRunning(pid, startTime)) await sleep(options.pollMs ?? 250, undefined, { signal: watching.signal });
    const recorded = Number.parseInt(await readFile(options.exitFile, "utf8").catch(() => ""), 10);
    return Number.isInteger(recorded) ? { exitCode: recorded, signal: null } : { exitCode: null, signal: "SIGKILL" };
  })();
  // Detached, the watch stops and `exited` stays pending.
  const pending = exited.catch(() => new Promise<ContainerExit>(() => undefined));
  return new RunningContainer({ pid, startTime, mountNamespace, env, tools, exited: pending, detach: () => watching.abort() });
}

class RunningContainer implements ContainerProcess {
  readonly pid: number;
  readonly startTime: number;
  readonly mountNamespace: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly tools: RuntimeTools;
  readonly exited: Promise<ContainerExit>;
  readonly #mountNamespacePin: MountNamespacePin | undefined;
  #done = false;
  #stopping: Promise<ContainerExit> | undefined;

  readonly #detach: () => void;

  constructor(init: {
    pid: number;
    startTime: number;
    mountNamespace: MountNamespacePin | undefined;
    env: Record<string, string>;
    tools: RuntimeTools;
    exited: Promise<ContainerExit>;
    detach: () => void;
  }) {
    this.#detach = init.detach;
    this.pid = init.pid;
    this.startTime = init.startTime;
    this.#mountNamespacePin = init.mountNamespace;
    this.mountNamespace = init.mountNamespace?.id;
    this.env = init.env;
    this.tools = init.tools;
    this.exited = init.exited.then(async (exit) => {
      this.#done = true;
      // Everything left in the group or the namespace goes; then the namespace is let go, and
      // from then on only the group is looked at (its number is not reused while it has members).
      await this.#reapLeftovers().catch(() => undefined);
      await this.#mountNamespacePin?.release();
      return exit;
    });
  }

  detach(): void {
    this.#detach();
    // Another agent takes the container over and holds the namespace itself.
    void this.#mountNamespacePin?.release();
  }

  stop(options: StopOptions = {}): Promise<ContainerExit> {
    this.#stopping ??= this.#stop(options.graceMs ?? 30_000);
    return this.#stopping;
  }

  async #stop(graceMs: number): Promise<ContainerExit> {
    if (!this.#done) {
      signalGroup(this.pid, "SIGTERM");
      const timer = new AbortController();
      const grace = sleep(graceMs, false, { signal: timer.signal }).catch(() => true);
      const ended = await Promise.race([this.exited.then(() => true), grace]);
      timer.abort();
      if (!ended) await this.#killLeftovers();
    }
    // `exited` settles only once the leftovers are reaped (see the constructor).
    return this.exited;
  }

  /** SIGKILLs what is left of the container until nothing is (or 5 s have passed). */
  async #reapLeftovers(): Promise<void> {
    for (let waited = 0; waited < 5000; waited += 20) {
      const left = await findProcesses(this.#query());
      if (left.length === 0) break;
      await this.#killLeftovers();
      await sleep(20);
    }
  }

  async #killLeftovers(): Promise<void> {
    signalGroup(this.pid, "SIGKILL");
    const mountNs = this.#heldMountNamespace();
    if (mountNs === undefined) return;
    for (const pid of await findProcesses({ mountNs })) signalProcess(pid, "SIGKILL");
  }

  /** The namespace's id while it is held; after that the id may be another namespace's. */
  #heldMountNamespace(): string | undefined {
    return this.#mountNamespacePin?.held ? this.#mountNamespacePin.id : undefined;
  }

  #query(): { pgid: number; mountNs?: string } {
    const mountNs = this.#heldMountNamespace();
    return mountNs === undefined ? { pgid: this.pid } : { pgid: this.pid, mountNs };
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  if (pgid > 1) signalProcess(-pgid, signal);
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ESRCH")) throw error;
  }
}

function collect(stream: Readable | null): Promise<string> {
  if (!stream) return Promise.resolve("");
  return new Promise((resolve) => {
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => (text += chunk));
    stream.once("close", () => resolve(text));
    stream.once("error", () => resolve(text));
  });
}
