// The sandbox side of the API failover path: a unix socket the host opens, inside a sandbox
// namespace, whose every connection is joined to the first API server replica that accepts
// (FailoverDialer). Unlike RelayServer there is no header: the targets are fixed at start, so a
// host connection is simply "the API", wherever it currently answers.

import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import type { FailoverDialerOptions } from "./failover-dialer.js";
import { FailoverDialer } from "./failover-dialer.js";
import { spliceSockets } from "./splice-sockets.js";
import type { TargetHealthOptions } from "./target-health.js";
import { watchTargetHealth } from "./target-health.js";

/** Options of FailoverRelay: where to listen, plus the dialer's options. */
export interface FailoverRelayOptions extends FailoverDialerOptions {
  /** Path of the unix socket to listen on (its directory should be private to this user). */
  socketPath: string;
  /** Check the targets' /readyz every second (target-health.ts); default false. */
  healthChecks?: boolean | Omit<TargetHealthOptions, "targets" | "report" | "log">;
}

/**
 * Contract per connection: the host's bytes are held (not read) until a replica accepted, then
 * both ways are spliced; when no replica accepts, the unix connection is destroyed (the client
 * sees its connection reset, as with a dead server). A connection already spliced to a replica
 * that dies ends with it: failover applies to new connections only.
 * `close()` stops listening, destroys every connection and removes the socket file.
 */
export class FailoverRelay {
  readonly socketPath: string;
  readonly #dialer: FailoverDialer;
  readonly #log: (line: string) => void;
  readonly #sockets = new Set<Socket>();
  readonly #options: FailoverRelayOptions;
  readonly #stopChecks = new AbortController();
  #checks: Promise<void> | undefined;
  #server: Server | undefined;

  constructor(options: FailoverRelayOptions) {
    this.socketPath = options.socketPath;
    this.#options = options;
    this.#dialer = new FailoverDialer(options);
    this.#log = options.log ?? (() => undefined);
  }

  /** The order the next connection tries the targets in (healthy first). */
  order(): ReturnType<FailoverDialer["order"]> {
    return this.#dialer.order();
  }

  async listen(): Promise<void> {
    await rm(this.socketPath, { force: true });
    const server = createServer({ allowHalfOpen: true }, (socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.socketPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (error) => this.#log(`failover relay: ${error.message}`));
    this.#server = server;
    const checks = this.#options.healthChecks;
    if (checks) {
      this.#checks = watchTargetHealth(
        { ...(checks === true ? {} : checks), targets: this.#options.targets, report: (t, healthy) => this.#dialer.report(t, healthy), log: this.#log },
        this.#stopChecks.signal,
      );
    }
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#stopChecks.abort();
    await this.#checks;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once("close", () => this.#sockets.delete(socket));
  }

  #accept(unix: Socket): void {
    this.#track(unix);
    unix.pause();
    let gone = false;
    const onEarlyClose = (): void => void (gone = true);
    unix.once("close", onEarlyClose);
    unix.on("error", () => unix.destroy());
    this.#dialer.dial().then(
      ({ socket }) => {
        unix.off("close", onEarlyClose);
        this.#track(socket);
        if (gone) {
          socket.destroy();
          return;
        }
        spliceSockets(unix, socket);
      },
      (error: unknown) => {
        this.#log(`failover relay: ${error instanceof Error ? error.message : String(error)}`);
        unix.destroy();
      },
    );
  }
}
