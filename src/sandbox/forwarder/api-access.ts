// Makes the host's API server reachable from inside the sandbox at its advertised address (the
// `kubernetes` Service's endpoint, 172.17.8.101:6443 on core-v2-01): an inbound listener in that
// node's namespace, and a relay in this process that dials only the API's loopback port.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHelperProcess } from "./relay-process.js";
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
  try {
    const listener = await startHelperProcess({
      program: "ip",
      args: [
        "netns", "exec", options.netns, process.execPath, script,
        "--listen", `${options.listen.host}:${options.listen.port}`, "--socket", socketPath, "--target", `127.0.0.1:${options.apiPort}`,
      ],
      what: "API listener",
      log: options.log,
    });
    try {
      options.log?.(`the API server answers inside the sandbox at ${options.listen.host}:${options.listen.port}`);
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
    } finally {
      await listener.stop();
    }
  } finally {
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
