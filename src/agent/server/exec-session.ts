// One `kubectl exec` session on the node agent: Kubernetes' remote-command protocol over a
// WebSocket (subprotocols v5/v4.channel.k8s.io). Every binary message starts with a channel byte:
// 0 stdin, 1 stdout, 2 stderr, 3 the final Status (JSON), 4 terminal resize; v5 adds 255, "close
// stream N" (how the client says its stdin ended). The command runs in the container's network,
// mount and UTS namespaces; with tty=true it gets a real terminal from util-linux's `script`,
// sized as the client says: the size kubectl sends right after connecting is set before the
// command starts, later ones on the terminal itself (SIGWINCH included). Messages are handled in
// the order they came, so input typed after a resize meets the new size.

import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import type { WebSocket } from "ws";
import { execArgv } from "../runtime/launch-plan.js";
import type { RuntimeTools } from "../runtime/launch-plan.js";
import { TerminalResizer } from "./terminal-resizer.js";
import type { TerminalSize } from "./terminal-size.js";
import { parseResize, sizePrefix } from "./terminal-size.js";

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** The protocols this side speaks, best first. */
export const execProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

export interface ExecRequest {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The exec query of a kubelet/API URL (`command` repeated, flags "true"/"1"). */
export function parseExecQuery(query: URLSearchParams): ExecRequest {
  const flag = (name: string): boolean => ["true", "1"].includes(query.get(name) ?? "");
  return { command: query.getAll("command"), stdin: flag("stdin"), stdout: flag("stdout"), stderr: flag("stderr"), tty: flag("tty") };
}

/** The Status kubectl reads on channel 3: Success, or NonZeroExitCode with the code as a cause. */
export function exitStatus(command: readonly string[], exitCode: number): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${exitCode}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
  };
}

/** A shell word that `sh` reads back as exactly `word`. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The argv that runs the request in the container: nsenter, and `script` for a terminal — sized
 * `size` before the command starts, when the size is known then.
 */
export function execSessionArgv(tools: RuntimeTools, pid: number, request: ExecRequest, size?: TerminalSize): string[] {
  const line = request.command.map(shellQuote).join(" ");
  const command = request.tty ? ["script", "-q", "-e", "-c", `${size ? sizePrefix(size) : ""}${line}`, "/dev/null"] : request.command;
  return execArgv(tools, pid, command);
}

/** How long a terminal session waits for the client's first size before starting the command. */
export const INITIAL_SIZE_WAIT_MS = 100;

export interface ExecTarget {
  pid: number;
  env: Readonly<Record<string, string>>;
  tools: RuntimeTools;
}

/** Runs the session until the command exits (then sends the Status and closes) or the client goes. */
export function runExecSession(ws: WebSocket, target: ExecTarget, request: ExecRequest, o: { initialSizeWaitMs?: number } = {}): void {
  let child: ChildProcessWithoutNullStreams | undefined;
  let resizer: TerminalResizer | undefined;
  let gone = false;
  const send = (channel: number, data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  let started: (proc: ChildProcessWithoutNullStreams | undefined) => void = () => undefined;
  const whenStarted = new Promise<ChildProcessWithoutNullStreams | undefined>((resolve) => (started = resolve));
  /** Starts the command (once), in a terminal of `size` if it is known by then. */
  const start = (size?: TerminalSize): void => {
    if (child || gone) return;
    clearTimeout(waitForSize);
    const [program, ...args] = execSessionArgv(target.tools, target.pid, request, size);
    const proc = spawn(program, args, { env: { ...target.env, ...(request.tty ? { TERM: target.env["TERM"] ?? "xterm" } : {}) }, stdio: ["pipe", "pipe", "pipe"] });
    child = proc;
    if (request.tty && proc.pid !== undefined) resizer = new TerminalResizer(proc.pid);
    if (!request.stdin) proc.stdin.end();
    proc.stdout.on("data", (chunk: Buffer) => request.stdout && send(STDOUT, chunk));
    // With a terminal everything the command writes arrives on the terminal, i.e. stdout.
    proc.stderr.on("data", (chunk: Buffer) => (request.tty ? send(STDOUT, chunk) : request.stderr && send(STDERR, chunk)));
    proc.stdin.on("error", () => undefined);
    proc.on("error", (error) => {
      send(ERROR, Buffer.from(JSON.stringify({ metadata: {}, status: "Failure", message: `cannot run the command: ${error.message}`, reason: "InternalError" })));
      ws.close(1000);
    });
    proc.on("close", (code, signal) => {
      resizer?.stop();
      const exitCode = code ?? 128 + (signal === "SIGKILL" ? 9 : 15);
      send(ERROR, Buffer.from(JSON.stringify(exitStatus(request.command, exitCode))));
      ws.close(1000);
    });
    started(proc);
  };
  // kubectl sends the terminal's size right after connecting (its input may come first): the
  // command waits a moment for it.
  const waitForSize = request.tty ? setTimeout(() => start(), o.initialSizeWaitMs ?? INITIAL_SIZE_WAIT_MS) : undefined;
  if (!request.tty) start();
  const handle = async (bytes: Buffer): Promise<void> => {
    const channel = bytes[0];
    if (channel === RESIZE) {
      const size = request.tty ? parseResize(bytes.subarray(1)) : undefined;
      if (size) await resizer?.resize(size);
      return;
    }
    const proc = await whenStarted;
    if (channel === STDIN && request.stdin) proc?.stdin.write(bytes.subarray(1));
    else if (channel === CLOSE && bytes[1] === STDIN) proc?.stdin.end();
  };
  let inbound: Promise<void> = Promise.resolve();
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    const bytes = isBinary ? data : Buffer.from(data.toString("utf8"), "utf8");
    if (bytes.length === 0) return;
    // The first size starts the command, ahead of input that came before it (which waits for
    // the command anyway); everything else keeps its order.
    const size = !child && bytes[0] === RESIZE && request.tty ? parseResize(bytes.subarray(1)) : undefined;
    if (size) start(size);
    else inbound = inbound.then(() => handle(bytes));
  });
  ws.on("close", () => {
    gone = true;
    started(undefined);
    clearTimeout(waitForSize);
    resizer?.stop();
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
}
