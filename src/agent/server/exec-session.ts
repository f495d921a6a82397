// One `kubectl exec` session on the node agent: Kubernetes' remote-command protocol over a
// WebSocket (subprotocols v5/v4.channel.k8s.io). Every binary message starts with a channel byte:
// 0 stdin, 1 stdout, 2 stderr, 3 the final Status (JSON), 4 terminal resize; v5 adds 255, "close
// stream N" (how the client says its stdin ended). The command runs in the container's network,
// mount and UTS namespaces; with tty=true it gets a real terminal from util-linux's `script`.

import { spawn } from "node:child_process";
import type { WebSocket } from "ws";
import { execArgv } from "../runtime/launch-plan.js";
import type { RuntimeTools } from "../runtime/launch-plan.js";

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

/** The argv that runs the request in the container: nsenter, and `script` for a terminal. */
export function execSessionArgv(tools: RuntimeTools, pid: number, request: ExecRequest): string[] {
  const command = request.tty ? ["script", "-q", "-e", "-c", request.command.map(shellQuote).join(" "), "/dev/null"] : request.command;
  return execArgv(tools, pid, command);
}

export interface ExecTarget {
  pid: number;
  env: Readonly<Record<string, string>>;
  tools: RuntimeTools;
}

/** Runs the session until the command exits (then sends the Status and closes) or the client goes. */
export function runExecSession(ws: WebSocket, target: ExecTarget, request: ExecRequest): void {
  const [program, ...args] = execSessionArgv(target.tools, target.pid, request);
  const child = spawn(program, args, { env: { ...target.env, ...(request.tty ? { TERM: target.env["TERM"] ?? "xterm" } : {}) }, stdio: ["pipe", "pipe", "pipe"] });
  const send = (channel: number, data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  if (!request.stdin) child.stdin.end();
  child.stdout.on("data", (chunk: Buffer) => request.stdout && send(STDOUT, chunk));
  // With a terminal everything the command writes arrives on the terminal, i.e. stdout.
  child.stderr.on("data", (chunk: Buffer) => (request.tty ? send(STDOUT, chunk) : request.stderr && send(STDERR, chunk)));
  child.stdin.on("error", () => undefined);
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    const bytes = isBinary ? data : Buffer.from(data.toString("utf8"), "utf8");
    if (bytes.length === 0) return;
    const channel = bytes[0];
    if (channel === STDIN && request.stdin) child.stdin.write(bytes.subarray(1));
    else if (channel === CLOSE && bytes[1] === STDIN) child.stdin.end();
    // RESIZE: the terminal keeps its size; `script` has no way to be told (not supported yet).
  });
  ws.on("close", () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  child.on("error", (error) => {
    send(ERROR, Buffer.from(JSON.stringify({ metadata: {}, status: "Failure", message: `cannot run the command: ${error.message}`, reason: "InternalError" })));
    ws.close(1000);
  });
  child.on("close", (code, signal) => {
    const exitCode = code ?? 128 + (signal === "SIGKILL" ? 9 : 15);
    send(ERROR, Buffer.from(JSON.stringify(exitStatus(request.command, exitCode))));
    ws.close(1000);
  });
}
