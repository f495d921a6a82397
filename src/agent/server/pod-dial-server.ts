// The dial helper's server: it runs inside a pod's network namespace (pod-dial-main.js, started
// by the agent with `ip netns exec`), listens on a unix socket, and for each `DIAL <port>` line
// connects to localhost:<port> — 127.0.0.1, then ::1 — and joins the two connections, half-close
// included (an HTTP client that shuts its sending side still gets the answer).

import { rm } from "node:fs/promises";
import { connect, createServer } from "node:net";
import type { Server, Socket } from "node:net";
import type { DialFailure } from "./pod-dial-protocol.js";
import { formatDialAnswer, goDialError, parseDialRequest, splitFirstLine } from "./pod-dial-protocol.js";

export interface PodDialServerOptions {
  socketPath: string;
  /** Give up on a connect after this long; default 10 000 ms. */
  connectTimeoutMs?: number;
}

/** Connects to localhost:`port` over `family`; rejects with Go's wording of the failure. */
function dialLocalhost(family: 4 | 6, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: family === 4 ? "127.0.0.1" : "::1", port, family, allowHalfOpen: true, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(goDialError(family, port, "ETIMEDOUT", "i/o timeout")));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(goDialError(family, port, e.code, e.message)));
    });
  });
}

/** Dials 127.0.0.1:`port`, then [::1]:`port`; the socket, or both failures. */
export async function dialPodPort(port: number, timeoutMs = 10_000): Promise<Socket | DialFailure> {
  let ipv4: string;
  try {
    return await dialLocalhost(4, port, timeoutMs);
  } catch (e) {
    ipv4 = (e as Error).message;
  }
  try {
    return await dialLocalhost(6, port, timeoutMs);
  } catch (e) {
    return { ipv4, ipv6: (e as Error).message };
  }
}

/** Joins two connections both ways; each side's end ends the other's writing. */
function join(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const cut = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on("error", cut);
  b.on("error", cut);
  a.once("close", () => b.destroy());
  b.once("close", () => a.destroy());
}

export class PodDialServer {
  readonly #o: PodDialServerOptions;
  readonly #server: Server;
  readonly #open = new Set<Socket>();

  constructor(o: PodDialServerOptions) {
    this.#o = o;
    this.#server = createServer({ allowHalfOpen: true }, (socket) => this.#serve(socket));
  }

  /** Listens on the socket path (a stale file there is replaced). */
  async listen(): Promise<void> {
    await rm(this.#o.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#o.socketPath, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
  }

  /** Stops listening and cuts every connection. */
  async close(): Promise<void> {
    for (const socket of this.#open) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await rm(this.#o.socketPath, { force: true });
  }

  #serve(client: Socket): void {
    this.#open.add(client);
    client.once("close", () => this.#open.delete(client));
    client.on("error", () => client.destroy());
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      let split;
      try {
        split = splitFirstLine(received);
      } catch {
        client.destroy();
        return;
      }
      if (!split) return;
      client.off("data", onData);
      client.pause();
      const port = parseDialRequest(split.line);
      if (port === undefined) {
        client.destroy();
        return;
      }
      void this.#dial(client, port, split.rest);
    };
    client.on("data", onData);
  }

  async #dial(client: Socket, port: number, rest: Buffer): Promise<void> {
    const result = await dialPodPort(port, this.#o.connectTimeoutMs);
    if (!("ipv4" in result)) {
      if (client.destroyed) {
        result.destroy();
        return;
      }
      this.#open.add(result);
      result.once("close", () => this.#open.delete(result));
      client.write(formatDialAnswer({ ok: true }));
      if (rest.length > 0) result.write(rest);
      join(client, result);
      client.resume();
      return;
    }
    client.end(formatDialAnswer({ ok: false, ...result }));
  }
}
