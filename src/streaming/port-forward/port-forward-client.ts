// The client side of the port-forward protocol, as kubectl drives it, built from our SPDY
// session: per forwarded connection an error stream (closed for writing at once) and a data
// stream with the same requestID. For tests and tools that need to speak to a port-forward
// server without kubectl — e.g. over a plain `Upgrade: SPDY/3.1`, or to keep using a session
// after an error, which kubectl (since 1.23) does not.

import type { Duplex } from "node:stream";
import { SpdySession } from "../spdy/spdy-session.js";
import type { SpdyStream } from "../spdy/spdy-stream.js";

/** One forwarded connection. */
export interface ForwardedConnection {
  /** The pod connection's bytes, both ways. */
  data: SpdyStream;
  /** Everything the server wrote on the error stream, once it closed it ("" when all went well). */
  error: Promise<string>;
}

export class PortForwardClient {
  readonly session: SpdySession;
  #nextRequestId = 0;

  /** Speaks port forwarding on `transport`, an upgraded connection. */
  constructor(transport: Duplex) {
    this.session = new SpdySession(transport, { role: "client" });
    this.session.start();
  }

  /** Opens the two streams of a connection to `port`, error stream first as kubectl does. */
  async connect(port: number): Promise<ForwardedConnection> {
    const requestID = String(this.#nextRequestId++);
    const headers = { streamType: ["error"], port: [String(port)], requestID: [requestID] };
    const errorStream = await this.session.open(headers);
    errorStream.end();
    const error = (async () => {
      const chunks: Buffer[] = [];
      for await (const c of errorStream) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    })();
    // Awaited by the caller, or not: a reset error stream must not become an unhandled rejection.
    error.catch(() => undefined);
    const data = await this.session.open({ ...headers, streamType: ["data"] });
    return { data, error };
  }

  close(): void {
    this.session.close();
  }
}
