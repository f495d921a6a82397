// The host side of the sandbox relay: TCP listeners on the host's 127.0.0.1 whose connections are
// carried over the relay's unix socket to a target inside the sandbox. The host thus offers
// `127.0.0.1:<nodePort>` without ever sending a packet to a sandbox address itself.

import { once } from "node:events";
import { connect, createServer } from "node:net";
import type { Server, Socket } from "node:net";
import type { RelayTarget } from "./relay-protocol.js";
import { RelayProtocolError, formatConnectHeader } from "./relay-protocol.js";
import { spliceSockets } from "./splice-sockets.js";

export { startRelay } from "./relay-process.js";
export type { RelayProcess, StartRelayOptions } from "./relay-process.js";

/** The only address the forwarder listens on: the host's loopback, never a shared interface. */
export const HOST_LISTEN_ADDRESS = "127.0.0.1";

export type ForwarderErrorCode = "HostPortInUse" | "HostPortDenied" | "InvalidHostPort" | "InvalidTarget" | "ListenFailed" | "ForwarderClosed";

/** A port the forwarder could not publish. `code` is stable; `hostPort` names the port. */
export class ForwarderError extends Error {
  override readonly name = "ForwarderError";
  readonly code: ForwarderErrorCode;
  readonly hostPort: number;

  constructor(code: ForwarderErrorCode, hostPort: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.hostPort = hostPort;
  }
}

/** Options of HostForwarder. */
export interface HostForwarderOptions {
  /** The relay's unix socket (see startRelay). */
  socketPath: string;
  /** Told about listener errors after a port was published and failed relay connections; default: dropped. */
  log?: (line: string) => void;
}

interface Listener {
  hostPort: number;
  /** Read for each new connection, so re-publishing retargets without a new listener. */
  target: RelayTarget;
  header: string;
  server: Server;
  sockets: Set<Socket>;
  /** Settles when listen() has succeeded or failed. */
  listening: Promise<void>;
  ready: boolean;
}

/**
 * Publishes host ports. Contract:
 * - `publish(hostPort, target)` resolves once 127.0.0.1:hostPort accepts connections; each one is
 *   relayed to `target` (the relay decides whether it may be dialed). Publishing a published port
 *   again switches its target for new connections. A port the host already uses (or may not
 *   bind) rejects with ForwarderError and leaves nothing behind; it never throws out of an event.
 * - `unpublish(hostPort)` stops listening and drops that port's open connections; unknown ports
 *   are a no-op.
 * - `published()` is a snapshot of the listening ports and their targets.
 * - `close()` unpublishes everything; later publish calls reject (ForwarderClosed).
 * A relay that is down only fails the connections made meanwhile: each is closed at once.
 */
export class HostForwarder {
  readonly #socketPath: string;
  readonly #log: (line: string) => void;
  readonly #listeners = new Map<number, Listener>();
  #closed = false;

  constructor(options: HostForwarderOptions) {
    this.#socketPath = options.socketPath;
    this.#log = options.log ?? (() => undefined);
  }

  async publish(hostPort: number, target: RelayTarget): Promise<void> {
    if (this.#closed) throw new ForwarderError("ForwarderClosed", hostPort, `forwarder is closed; cannot publish ${hostAddress(hostPort)}`);
    if (!Number.isInteger(hostPort) || hostPort < 1 || hostPort > 65535) {
      throw new ForwarderError("InvalidHostPort", hostPort, `host port ${String(hostPort)} is not an integer from 1 to 65535`);
    }
    let header: string;
    try {
      header = formatConnectHeader(target);
    } catch (error) {
      const reason = error instanceof RelayProtocolError ? error.message : String(error);
      throw new ForwarderError("InvalidTarget", hostPort, `cannot publish ${hostAddress(hostPort)}: ${reason}`, { cause: error });
    }
    const known = this.#listeners.get(hostPort);
    if (known) {
      known.target = { ip: target.ip, port: target.port };
      known.header = header;
      return known.listening;
    }
    const listener = this.#listen(hostPort, { ip: target.ip, port: target.port }, header);
    this.#listeners.set(hostPort, listener);
    try {
      await listener.listening;
    } catch (error) {
      if (this.#listeners.get(hostPort) === listener) this.#listeners.delete(hostPort);
      throw error;
    }
  }

  async unpublish(hostPort: number): Promise<void> {
    const listener = this.#listeners.get(hostPort);
    if (!listener) return;
    this.#listeners.delete(hostPort);
    await listener.listening.catch(() => undefined);
    for (const socket of listener.sockets) socket.destroy();
    if (listener.ready) await new Promise<void>((resolve) => listener.server.close(() => resolve()));
  }

  published(): Map<number, RelayTarget> {
    const out = new Map<number, RelayTarget>();
    for (const [port, listener] of this.#listeners) if (listener.ready) out.set(port, { ...listener.target });
    return out;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#listeners.keys()].map((port) => this.unpublish(port)));
  }

  #listen(hostPort: number, target: RelayTarget, header: string): Listener {
    const server = createServer({ allowHalfOpen: true }, (client) => this.#forward(listener, client));
    const listener: Listener = { hostPort, target, header, server, sockets: new Set(), listening: Promise.resolve(), ready: false };
    server.listen({ port: hostPort, host: HOST_LISTEN_ADDRESS });
    listener.listening = once(server, "listening").then(
      () => {
        listener.ready = true;
        server.on("error", (error) => this.#log(`forwarder: ${hostAddress(hostPort)}: ${error.message}`));
      },
      (error: NodeJS.ErrnoException) => {
        throw listenError(hostPort, error);
      },
    );
    return listener;
  }

  #forward(listener: Listener, client: Socket): void {
    const track = (socket: Socket): void => {
      listener.sockets.add(socket);
      socket.once("close", () => listener.sockets.delete(socket));
    };
    const relay = connect({ path: this.#socketPath, allowHalfOpen: true });
    track(client);
    track(relay);
    relay.once("error", (error: NodeJS.ErrnoException) => {
      this.#log(`forwarder: ${hostAddress(listener.hostPort)}: relay ${this.#socketPath}: ${error.code ?? error.message}`);
    });
    // The header is queued first, so it precedes every byte the client sends.
    relay.write(listener.header);
    spliceSockets(client, relay);
  }
}

function hostAddress(hostPort: number): string {
  return `${HOST_LISTEN_ADDRESS}:${hostPort}`;
}

function listenError(hostPort: number, error: NodeJS.ErrnoException): ForwarderError {
  const where = hostAddress(hostPort);
  if (error.code === "EADDRINUSE") return new ForwarderError("HostPortInUse", hostPort, `${where} is already in use on the host`, { cause: error });
  if (error.code === "EACCES") return new ForwarderError("HostPortDenied", hostPort, `not allowed to listen on ${where}`, { cause: error });
  return new ForwarderError("ListenFailed", hostPort, `cannot listen on ${where}: ${error.message}`, { cause: error });
}
