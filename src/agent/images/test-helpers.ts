// Process and socket helpers shared by this directory's real-process tests.

import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Writes each file, creating parent directories. */
export async function writeFiles(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

/** A started child whose stdout and stderr are collected. */
export interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited: Promise<number | string>;
  /** Sends SIGTERM, then SIGKILL after `graceMs`, and waits for the exit. */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * Spawns argv with stdout and stderr going to `stdout.log` and `stderr.log` in `logDir`, as a
 * kubelet's container logs do. Files, not Node's pipes: those are sockets, which nginx cannot
 * open as /dev/stdout.
 */
export function start(argv: string[], logDir: string): Started {
  const outPath = join(logDir, "stdout.log");
  const errPath = join(logDir, "stderr.log");
  const outFd = openSync(outPath, "w");
  const errFd = openSync(errPath, "w");
  let child: ChildProcess;
  try {
    child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", outFd, errFd] });
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
  const out = (): string => readFileSync(outPath, "utf8");
  const err = (): string => readFileSync(errPath, "utf8");
  const exited = new Promise<number | string>((ok) => {
    child.once("exit", (code, signal) => ok(code ?? signal ?? "unknown"));
  });
  return {
    child,
    stdout: out,
    stderr: err,
    exited,
    async stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Polls `check` every 50 ms until it returns a value or throws no more, up to `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }
}
