// Runs a command inside a running container (what `kubectl exec` needs): same network, mount and
// UTS namespaces, the container's environment and working directory.

import { spawn } from "node:child_process";
import { constants } from "node:os";
import { execArgv } from "./launch-plan.js";
import type { ContainerProcess } from "./container-process.js";

/** The outcome of execInContainer: all output and the exit code (128+n when killed by signal n). */
export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Options of execInContainer. */
export interface ExecOptions {
  /** Text written to the command's stdin (then closed); default none (stdin is /dev/null). */
  stdin?: string;
  /** Kill the command after this many milliseconds; default 30 000. */
  timeoutMs?: number;
}

/**
 * Runs `command` (argv, never through a shell) in `container`'s namespaces via nsenter and
 * resolves with its output once it ends. A command that cannot be found resolves with a
 * non-zero exit code and nsenter's message on stderr; only failing to start nsenter rejects.
 */
export function execInContainer(
  container: Pick<ContainerProcess, "pid" | "env" | "tools">,
  command: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const [program, ...args] = execArgv(container.tools, container.pid, command);
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { ...container.env },
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 30_000,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      const exitCode = code ?? 128 + signalNumber(signal);
      resolve({ stdout, stderr, exitCode });
    });
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal && constants.signals[signal]) || 1;
}
