// Makes the host's API server reachable from inside the sandbox at its advertised address (the
// `kubernetes` Service's endpoint, 172.17.8.101:6443 on core-v2-01): an inbound listener in that
// node's namespace, and a relay in this process that dials only the API's loopback port.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { RelayServer } from "./relay-server.js";

export interface ApiAccessOptions {
  /** The node namespace that owns the advertised address. */
  netns: string;
  /** The advertised address and port pods reach through the `kubernetes` Service. */
  listen: { host: string; port: number };
  /** The API server's port on the host's 127.0.0.1. */
  apiPort: number;
  log?: (line: string) => void;
}

/** Runs until `signal` aborts; resolves once the listener process and the relay are gone. */
export async function runApiAccess(options: ApiAccessOptions, signal: AbortSignal): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-api-"));
  const socketPath = join(dir, "api.sock");
  const relay = new RelayServer({ socketPath, allow: [`127.0.0.1/32`], log: options.log });
  await relay.listen();
  const script = join(fileURLToPath(new URL(".", import.meta.url)), "inbound-main.js");
  const child = spawn("ip", [
    "netns", "exec", options.netns, process.execPath, script,
    "--listen", `${options.listen.host}:${options.listen.port}`, "--socket", socketPath, "--target", `127.0.0.1:${options.apiPort}`,
  ], { stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  createInterface({ input: child.stderr }).on("line", (line) => options.log?.(line));
  try {
    const ready = await new Promise<boolean>((resolve) => {
      createInterface({ input: child.stdout }).once("line", (line) => resolve(line === "ready"));
      void exited.then(() => resolve(false));
    });
    if (!ready) throw new Error(`the API listener in ${options.netns} did not start`);
    options.log?.(`the API server answers inside the sandbox at ${options.listen.host}:${options.listen.port}`);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    child.stdin.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
    await exited;
    clearTimeout(timer);
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
