// The sandbox side of an inbound path: a TCP listener inside a sandbox namespace (e.g. the API
// server's advertised address 172.17.8.101:6443 on core-v2-01) whose connections are carried over
// a unix socket to a relay on the host, which dials a fixed loopback target (the API server on
// 127.0.0.1). Pods then reach the API through the `kubernetes` Service as in a real cluster, while
// the host still only ever talks to its own loopback.

import { connect, createServer } from "node:net";
import type { Server, Socket } from "node:net";
import type { RelayTarget } from "./relay-protocol.js";
import { formatConnectHeader } from "./relay-protocol.js";
import { spliceSockets } from "./splice-sockets.js";

export interface InboundListenerOptions {
  /** Where to listen inside the namespace this runs in. */
  listen: { host: string; port: number };
  /** The host relay's unix socket. */
  socketPath: string;
  /** What the host relay dials for every connection. */
  target: RelayTarget;
  log?: (line: string) => void;
}

export class InboundListener {
  readonly #o: InboundListenerOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(options: InboundListenerOptions) {
    this.#o = options;
    const header = formatConnectHeader(options.target);
    this.#server = createServer((client) => {
      this.#sockets.add(client);
      client.once("close", () => this.#sockets.delete(client));
      const upstream = connect(options.socketPath);
      this.#sockets.add(upstream);
      upstream.once("close", () => this.#sockets.delete(upstream));
      upstream.once("error", (error) => {
        options.log?.(`inbound ${options.listen.host}:${options.listen.port}: relay unreachable: ${error.message}`);
        client.destroy();
      });
      upstream.once("connect", () => {
        upstream.write(header);
        spliceSockets(client, upstream);
      });
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen({ host: this.#o.listen.host, port: this.#o.listen.port }, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
