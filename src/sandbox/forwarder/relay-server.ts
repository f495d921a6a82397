// The relay: runs inside a sandbox namespace, listens on a unix socket that the host can open, and
// for each connection dials the TCP target named by its header (relay-protocol.ts) from inside
// the namespace, then copies bytes both ways. The host thereby reaches sandbox addresses without
// sending a single packet from its own namespace.

import { once } from "node:events";
import { rm } from "node:fs/promises";
import { connect, createServer } from "node:net";
import type { Server, Socket } from "node:net";
import type { AllowList, RelayTarget } from "./relay-protocol.js";
import { checkTargetAllowed, parseAllowList, parseConnectHeader, splitHeader } from "./relay-protocol.js";
import { spliceSockets } from "./splice-sockets.js";

/** What relay-main prints on stdout (then a newline) once its RelayServer listens. */
export const RELAY_READY_LINE = "ready";

/** Options of RelayServer. */
export interface RelayServerOptions {
  /** Path of the unix socket to listen on. */
  socketPath: string;
  /** IPv4 CIDRs the relay may dial, e.g. ["172.17.8.0/24"]; anything else is refused. */
  allow: readonly string[];
  /** Give up dialing a target after this long; default 5000 ms. */
  connectTimeoutMs?: number;
  /** Drop a connection whose header has not arrived after this long; default 5000 ms. */
  headerTimeoutMs?: number;
  /** Told one line per refused header or failed dial; default: nothing is said. */
  log?: (line: string) => void;
}

/**
 * A relay on a unix socket. The constructor only checks options (a bad allow range throws
 * RelayProtocolError); `listen()` does the I/O. Contract per connection:
 * - The first line must be a valid header naming an allowed target; otherwise, or when dialing
 *   fails or times out, the unix connection is destroyed at once and nothing is dialed again.
 * - Bytes sent after the header (even in the same packet) reach the target in order.
 * - After the dial, the two connections are spliced (half-close aware, see spliceSockets).
 * `close()` stops listening, destroys every open connection and removes the socket file.
 */
export class RelayServer {
  readonly socketPath: string;
  readonly #allow: AllowList;
  readonly #connectTimeoutMs: number;
  readonly #headerTimeoutMs: number;
  readonly #log: (line: string) => void;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  constructor(options: RelayServerOptions) {
    this.socketPath = options.socketPath;
    this.#allow = parseAllowList(options.allow);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.#headerTimeoutMs = options.headerTimeoutMs ?? 5000;
    this.#log = options.log ?? (() => undefined);
  }

  /** Open connections, unix and TCP sides counted apart. */
  get connections(): number {
    return this.#sockets.size;
  }

  /**
   * Listens on the socket path. A socket file left by a relay that died is replaced; one that a
   * live process still answers on is an error (two relays must not share a path).
   */
  async listen(): Promise<void> {
    if (this.#server) throw new Error(`relay on ${this.socketPath} is already listening`);
    const newServer = (): Server => createServer({ allowHalfOpen: true }, (socket) => this.#accept(socket));
    let server = newServer();
    try {
      await listenOn(server, this.socketPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
      if (await answers(this.socketPath)) throw new Error(`another process is listening on ${this.socketPath}`, { cause: error });
      await rm(this.socketPath, { force: true });
      server = newServer();
      await listenOn(server, this.socketPath);
    }
    server.on("error", (error) => this.#log(`relay: ${error.message}`));
    this.#server = server;
  }

  /** Stops listening and drops every connection; resolves when the socket file is gone. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    // Node removes the file on close; this covers a file that reappeared or a server never opened.
    await rm(this.socketPath, { force: true });
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once("close", () => this.#sockets.delete(socket));
  }

  #accept(unix: Socket): void {
    this.#track(unix);
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      this.#log("relay: no header in time; dropping the connection");
      unix.destroy();
    }, this.#headerTimeoutMs);
    unix.once("close", () => clearTimeout(timer));
    const drop = (): void => {
      unix.destroy();
    };
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      let target: RelayTarget;
      let rest: Buffer;
      try {
        const split = splitHeader(received);
        if (!split) return;
        target = parseConnectHeader(split.header);
        checkTargetAllowed(target, this.#allow);
        rest = split.rest;
      } catch (error) {
        this.#log(`relay: refused: ${error instanceof Error ? error.message : String(error)}`);
        drop();
        return;
      }
      clearTimeout(timer);
      unix.off("data", onData);
      unix.off("end", drop);
      // Hold the client's bytes until the target answers; they are read again once spliced.
      unix.pause();
      if (rest.length > 0) unix.unshift(rest);
      this.#dial(unix, target);
    };
    unix.on("data", onData);
    unix.on("end", drop);
    unix.on("error", drop);
  }

  #dial(unix: Socket, target: RelayTarget): void {
    const tcp = connect({ host: target.ip, port: target.port, allowHalfOpen: true });
    this.#track(tcp);
    const name = `${target.ip}:${target.port}`;
    const fail = (reason: string): void => {
      this.#log(`relay: dialing ${name} failed: ${reason}`);
      tcp.destroy();
      unix.destroy();
    };
    const onError = (error: NodeJS.ErrnoException): void => fail(error.code ?? error.message);
    const onTimeout = (): void => fail(`no answer within ${this.#connectTimeoutMs} ms`);
    const onUnixClose = (): void => {
      tcp.destroy();
    };
    tcp.setTimeout(this.#connectTimeoutMs);
    tcp.once("error", onError);
    tcp.once("timeout", onTimeout);
    unix.once("close", onUnixClose);
    tcp.once("connect", () => {
      tcp.setTimeout(0);
      tcp.off("error", onError);
      tcp.off("timeout", onTimeout);
      unix.off("close", onUnixClose);
      spliceSockets(unix, tcp);
    });
  }
}

/** Resolves once `server` listens on `path`; rejects with the listen error (once() rejects on "error"). */
async function listenOn(server: Server, path: string): Promise<void> {
  server.listen(path);
  await once(server, "listening");
}

/** True when something accepts connections on the unix socket `path`. */
export function answers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    const done = (result: boolean): void => {
      clearTimeout(timer);
      probe.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    probe.once("connect", () => done(true));
    probe.once("error", () => done(false));
  });
}
