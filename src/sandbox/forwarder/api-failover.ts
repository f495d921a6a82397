// One API address on the host for several API server replicas in the sandbox: a TCP listener on
// the host's 127.0.0.1 whose connections go over a unix socket to a FailoverRelay running inside a
// sandbox namespace, which joins each to the first replica that accepts. The host itself never
// sends a packet to a sandbox address. kubectl, the in-process agents and anything else on the
// host use this address; when a replica dies, new connections go to the next one.

import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HOST_LISTEN_ADDRESS } from "./host-forwarder.js";
import type { RelayTarget } from "./relay-protocol.js";
import { formatConnectHeader } from "./relay-protocol.js";
import { startHelperProcess } from "./relay-process.js";
import { answers } from "./relay-server.js";
import { spliceSockets } from "./splice-sockets.js";

export interface ApiFailoverOptions {
  /** The namespace the relay runs in (one that reaches every replica, e.g. the outside client's). */
  netns: string;
  /** The replicas, in order of preference. */
  targets: readonly RelayTarget[];
  /** Port on the host's 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Told the relay's lines (failed dials) and listener errors; default: dropped. */
  log?: (line: string) => void;
}

/** A running failover path. */
export interface ApiFailover {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  /** Stops listening, drops every connection, stops the relay process, removes its directory. Safe to repeat. */
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL("./failover-relay-main.js", import.meta.url));

/**
 * Starts the relay (rejecting with RelayStartError when it does not come up) and then the host
 * listener (rejecting with the listen error, e.g. EADDRINUSE, after stopping the relay).
 */
export async function startApiFailover(options: ApiFailoverOptions): Promise<ApiFailover> {
  const targets = options.targets.map((t) => formatConnectHeader(t).slice("CONNECT ".length).trim());
  if (targets.length === 0) throw new Error("startApiFailover needs at least one target");
  const dir = mkdtempSync(join(tmpdir(), "svcnet-api-failover-"));
  const socketPath = join(dir, "api.sock");
  let relay: Awaited<ReturnType<typeof startHelperProcess>>;
  try {
    relay = await startHelperProcess({
      program: "ip",
      args: ["netns", "exec", options.netns, process.execPath, SCRIPT, "--socket", socketPath, ...targets.flatMap((t) => ["--target", t])],
      what: "API failover relay",
      log: options.log,
      answering: () => answers(socketPath),
      notAnswering: `nothing answers on ${socketPath}`,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ path: socketPath, allowHalfOpen: true });
    track(client);
    track(upstream);
    upstream.once("error", (error: NodeJS.ErrnoException) => options.log?.(`API failover: relay ${socketPath}: ${error.code ?? error.message}`));
    spliceSockets(client, upstream);
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      await relay.stop();
      rmSync(dir, { recursive: true, force: true });
    })());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: HOST_LISTEN_ADDRESS, port: options.port }, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  server.on("error", (error) => options.log?.(`API failover: ${error.message}`));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { port, stop };
}
