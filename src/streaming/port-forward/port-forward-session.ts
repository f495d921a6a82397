// The server side of one `kubectl port-forward` connection, as the kubelet runs it: a SPDY
// session whose streams come in pairs (error + data, one pair per local connection kubectl
// accepted). Each complete pair is forwarded to the port inside the pod; a failure to connect is
// written on the error stream in the kubelet's words, and the error stream is closed (FIN) once
// the forwarded connection is over — that is when kubectl stops waiting for it.

import type { Duplex } from "node:stream";
import { RstStatus } from "../spdy/frame-types.js";
import { SpdySession } from "../spdy/spdy-session.js";
import type { SpdyStream } from "../spdy/spdy-stream.js";
import { classifyStream, forwardErrorMessage } from "./port-forward-protocol.js";
import { StreamPairs } from "./stream-pairs.js";

/** Where the streams go. */
export interface PortForwardTarget {
  /** The pod as the kubelet names it in messages: `name_namespace`. */
  pod: string;
  uid: string;
  /**
   * A connection to `port` inside the pod. Rejects with an Error whose message says why (it is
   * shown to the kubectl user after "error forwarding port …: ").
   */
  dial(port: number): Promise<Duplex>;
}

export interface PortForwardOptions {
  /** How long the second stream of a pair may take to arrive; default 30 000 ms (the kubelet's). */
  streamCreationTimeoutMs?: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class PortForwardHandler {
  readonly #target: PortForwardTarget;
  readonly #timeoutMs: number;
  readonly #pairs = new StreamPairs<SpdyStream>();
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(target: PortForwardTarget, o: PortForwardOptions) {
    this.#target = target;
    this.#timeoutMs = o.streamCreationTimeoutMs ?? 30_000;
  }

  onStream(stream: SpdyStream): void {
    // Neither stream may take the process down; a stream's end is all that matters here.
    stream.on("error", () => undefined);
    const info = classifyStream(stream.headers, stream.id);
    if ("error" in info) {
      stream.reset(RstStatus.RefusedStream);
      return;
    }
    stream.reply();
    const added = this.#pairs.add(info.requestId, info.type, stream);
    if ("duplicate" in added) {
      this.#pairs.errorStreamOf(info.requestId)?.write(`error processing stream for request ${info.requestId}: ${added.duplicate}`);
      stream.reset();
    } else if ("complete" in added) {
      clearTimeout(this.#timers.get(info.requestId));
      this.#timers.delete(info.requestId);
      void this.#forward(info.port, added.complete.data, added.complete.error);
    } else if (added.first) {
      const timer = setTimeout(() => this.#expire(info.requestId), this.#timeoutMs);
      timer.unref();
      this.#timers.set(info.requestId, timer);
    }
  }

  /** The session ended: nothing pending can complete any more. */
  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #expire(requestId: string): void {
    this.#timers.delete(requestId);
    const pair = this.#pairs.take(requestId);
    pair?.error?.end(`(request=${requestId}) timed out waiting for streams`);
    pair?.data?.reset();
  }

  async #forward(port: number, data: SpdyStream, error: SpdyStream): Promise<void> {
    // kubectl writes nothing on the error stream; reading lets its FIN end our side of it.
    error.resume();
    let conn: Duplex;
    try {
      conn = await this.#target.dial(port);
    } catch (e) {
      error.end(forwardErrorMessage(port, this.#target.pod, this.#target.uid, messageOf(e)));
      // Whatever the client already sent is dropped, so that it does not hold up the connection.
      data.resume();
      data.end();
      return;
    }
    if (data.destroyed) {
      conn.destroy();
      error.end();
      return;
    }
    let failure: string | undefined;
    conn.on("error", (e: Error) => (failure ??= e.message));
    let open = 2;
    const closed = (): void => {
      if (--open > 0) return;
      error.end(failure === undefined ? undefined : forwardErrorMessage(port, this.#target.pod, this.#target.uid, failure));
    };
    // Each side's FIN ends the other side's writing; a reset data stream ends the connection.
    data.pipe(conn);
    conn.pipe(data);
    data.once("close", () => {
      conn.destroy();
      closed();
    });
    conn.once("close", () => {
      if (!data.destroyed && !data.writableEnded) data.end();
      closed();
    });
  }
}

/**
 * Serves port forwarding on `transport` (an upgraded socket, or a WebSocket tunnel's bytes)
 * until the client goes. Returns the session: `closed` settles when it is over.
 */
export function servePortForward(transport: Duplex, target: PortForwardTarget, o: PortForwardOptions = {}): SpdySession {
  const handler = new PortForwardHandler(target, o);
  const session = new SpdySession(transport, { role: "server", onStream: (stream) => handler.onStream(stream) });
  void session.closed.then(() => handler.stop());
  session.start();
  return session;
}
