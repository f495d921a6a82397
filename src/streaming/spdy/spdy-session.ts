// A SPDY/3.1 connection over any byte stream (an upgraded socket, or the byte stream of a
// WebSocket tunnel): it multiplexes SpdyStreams. As a server it hands each stream the peer
// opens to `onStream`; as a client it opens streams. It answers PINGs, ignores SETTINGS and
// WINDOW_UPDATE (like moby/spdystream, which kubectl uses, it does no SPDY flow control: the
// connection's own backpressure is the only one), and ends every stream when the connection ends.
//
// Frames are handled strictly in arrival order and sent strictly in queue order, because header
// blocks share one zlib context per direction.

import type { Duplex } from "node:stream";
import { encodeFrame, FrameParser } from "./frame-codec.js";
import type { SpdyFrame } from "./frame-types.js";
import { GoAwayStatus, MAX_FRAME_PAYLOAD, MAX_STREAM_ID, RstStatus, SpdyProtocolError } from "./frame-types.js";
import type { SpdyHeaders } from "./header-block.js";
import { decodeHeaderBlock, encodeHeaderBlock } from "./header-block.js";
import { HeaderDeflater, HeaderInflater } from "./header-compression.js";
import type { StreamLink } from "./spdy-stream.js";
import { SpdyStream } from "./spdy-stream.js";

export interface SpdySessionOptions {
  /** "server" answers the streams the peer opens (odd ids); "client" opens streams (odd ids). */
  role: "server" | "client";
  /**
   * Told of each stream the peer opens, once its headers are known. It should reply() (accept)
   * or reset() it. Default: every stream is refused.
   */
  onStream?: (stream: SpdyStream) => void;
}

interface PendingOpen {
  resolve: (stream: SpdyStream) => void;
  reject: (error: Error) => void;
}

/** A stream the peer did not accept: it answered SYN_STREAM with RST_STREAM `status`. */
export class SpdyStreamRefused extends Error {
  override readonly name = "SpdyStreamRefused";
  readonly status: number;

  constructor(id: number, status: number) {
    super(`stream ${id} was reset by the peer (status ${status})`);
    this.status = status;
  }
}

export class SpdySession {
  readonly #transport: Duplex;
  readonly #o: SpdySessionOptions;
  readonly #parser = new FrameParser();
  readonly #inflater = new HeaderInflater();
  readonly #deflater = new HeaderDeflater();
  readonly #streams = new Map<number, SpdyStream>();
  readonly #opening = new Map<number, PendingOpen>();
  /** Streams whose reader is full; the connection is paused while there is any. */
  readonly #congested = new Set<SpdyStream>();
  readonly #drainWaiters: (() => void)[] = [];
  #inChain: Promise<void> = Promise.resolve();
  #outChain: Promise<void> = Promise.resolve();
  #nextStreamId = 1;
  #lastPeerStreamId = 0;
  #started = false;
  #ended = false;
  #goingAway = false;
  #resolveClosed: () => void = () => undefined;
  /** Settles once the connection has ended and every stream is gone. */
  readonly closed: Promise<void>;
  readonly #link: StreamLink;

  constructor(transport: Duplex, options: SpdySessionOptions) {
    this.#transport = transport;
    this.#o = options;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#link = {
      reply: (stream, headers) => void this.#sendWithHeaders((headerBlock) => ({ kind: "syn_reply", streamId: stream.id, fin: false, headerBlock }), headers),
      data: (stream, data, fin, done) => this.#sendData(stream.id, data, fin, done),
      reset: (stream, status) => void this.#send(() => encodeFrame({ kind: "rst_stream", streamId: stream.id, status })),
      readMore: (stream) => this.#uncongest(stream),
      closed: (stream) => {
        this.#uncongest(stream);
        if (this.#streams.get(stream.id) === stream) this.#streams.delete(stream.id);
      },
    };
  }

  /** Starts reading the connection. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#transport.on("data", (chunk: Buffer) => this.#receive(chunk));
    this.#transport.once("end", () => this.#afterInput(() => this.#end()));
    this.#transport.once("close", () => this.#afterInput(() => this.#end()));
    this.#transport.on("error", () => this.#end());
    this.#transport.on("drain", () => this.#drainWaiters.splice(0).forEach((wake) => wake()));
  }

  /** Streams currently open. */
  get streamCount(): number {
    return this.#streams.size;
  }

  /**
   * Opens a stream (client role) and resolves once the peer accepted it (SYN_REPLY); rejects
   * with SpdyStreamRefused when it reset it instead, or an Error when the connection ended.
   */
  open(headers: SpdyHeaders): Promise<SpdyStream> {
    if (this.#o.role !== "client") return Promise.reject(new Error("only a client session opens streams"));
    if (this.#ended || this.#goingAway) return Promise.reject(new Error("the SPDY connection is closed"));
    const id = this.#nextStreamId;
    if (id > MAX_STREAM_ID) return Promise.reject(new Error("no stream ids left on this SPDY connection"));
    this.#nextStreamId += 2;
    const stream = new SpdyStream({ id, headers, local: true }, this.#link);
    this.#streams.set(id, stream);
    const accepted = new Promise<SpdyStream>((resolve, reject) => this.#opening.set(id, { resolve, reject }));
    void this.#sendWithHeaders((headerBlock) => ({ kind: "syn_stream", streamId: id, associatedStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock }), headers);
    return accepted;
  }

  /** Says GOAWAY, then ends the connection once what is queued is sent; every stream ends. */
  close(): void {
    if (this.#ended || this.#goingAway) return;
    this.#goingAway = true;
    void this.#send(() => encodeFrame({ kind: "goaway", lastGoodStreamId: this.#lastPeerStreamId, status: GoAwayStatus.Ok })).then(() => this.#end());
  }

  /** Ends the connection at once. */
  destroy(): void {
    this.#transport.destroy();
    this.#end();
  }

  #receive(chunk: Buffer): void {
    if (this.#ended) return;
    let frames: SpdyFrame[];
    try {
      frames = this.#parser.push(chunk);
    } catch (error) {
      this.#fail(error);
      return;
    }
    for (const frame of frames) {
      this.#inChain = this.#inChain.then(() => (this.#ended ? undefined : this.#handle(frame))).catch((error: unknown) => this.#fail(error));
    }
  }

  #afterInput(then: () => void): void {
    this.#inChain = this.#inChain.then(then, then);
  }

  async #handle(frame: SpdyFrame): Promise<void> {
    switch (frame.kind) {
      case "syn_stream": {
        const block = await this.#inflater.inflate(frame.headerBlock);
        this.#acceptStream(frame.streamId, block, frame.fin, frame.unidirectional);
        return;
      }
      case "syn_reply": {
        await this.#inflater.inflate(frame.headerBlock);
        const pending = this.#opening.get(frame.streamId);
        const stream = this.#streams.get(frame.streamId);
        if (pending && stream) {
          this.#opening.delete(frame.streamId);
          pending.resolve(stream);
        }
        if (frame.fin) stream?.receiveFin();
        return;
      }
      case "headers":
        await this.#inflater.inflate(frame.headerBlock);
        if (frame.fin) this.#streams.get(frame.streamId)?.receiveFin();
        return;
      case "data": {
        const stream = this.#streams.get(frame.streamId);
        if (!stream) return;
        if (frame.data.length > 0 && !stream.receiveData(frame.data)) this.#congest(stream);
        if (frame.fin) stream.receiveFin();
        return;
      }
      case "rst_stream": {
        const pending = this.#opening.get(frame.streamId);
        if (pending) {
          this.#opening.delete(frame.streamId);
          pending.reject(new SpdyStreamRefused(frame.streamId, frame.status));
        }
        this.#streams.get(frame.streamId)?.receiveReset(frame.status);
        return;
      }
      case "ping": {
        // Our own pings (we send none) would have our parity: odd for a client, even for a server.
        const peerParity = this.#o.role === "server" ? 1 : 0;
        if (frame.id % 2 === peerParity) void this.#send(() => encodeFrame(frame));
        return;
      }
      case "goaway":
        this.#goingAway = true;
        return;
      case "settings":
      case "window_update":
      case "unknown":
        return;
    }
  }

  #acceptStream(id: number, block: Buffer, fin: boolean, unidirectional: boolean): void {
    const peerOpens = this.#o.role === "server" ? 1 : 0;
    if (id % 2 !== peerOpens || id <= this.#lastPeerStreamId) {
      void this.#send(() => encodeFrame({ kind: "rst_stream", streamId: id, status: RstStatus.ProtocolError }));
      return;
    }
    this.#lastPeerStreamId = id;
    let headers: SpdyHeaders;
    try {
      headers = decodeHeaderBlock(block);
    } catch {
      void this.#send(() => encodeFrame({ kind: "rst_stream", streamId: id, status: RstStatus.ProtocolError }));
      return;
    }
    if (this.#goingAway) {
      void this.#send(() => encodeFrame({ kind: "rst_stream", streamId: id, status: RstStatus.RefusedStream }));
      return;
    }
    const stream = new SpdyStream({ id, headers, local: false, remoteFinished: fin, localFinished: unidirectional }, this.#link);
    this.#streams.set(id, stream);
    if (this.#o.onStream) this.#o.onStream(stream);
    else stream.reset(RstStatus.RefusedStream);
  }

  /**
   * Queues bytes for the connection, after everything queued before. Resolves true once they
   * are handed to it (and it has drained, if it asked to wait), false when the connection ended
   * first. Never rejects: a failure to build the bytes ends the connection.
   */
  #send(make: () => Buffer | Promise<Buffer>): Promise<boolean> {
    const sent = this.#outChain.then(async () => {
      if (this.#ended) return false;
      const bytes = await make();
      if (this.#ended) return false;
      if (!this.#transport.write(bytes)) await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
      return true;
    });
    const settled = sent.catch((error: unknown) => {
      this.#fail(error);
      return false;
    });
    this.#outChain = settled.then(() => undefined);
    return settled;
  }

  #sendWithHeaders(frame: (headerBlock: Buffer) => SpdyFrame, headers: SpdyHeaders): Promise<boolean> {
    // The block is compressed when its turn comes, so blocks enter the zlib context in send order.
    return this.#send(async () => encodeFrame(frame(await this.#deflater.deflate(encodeHeaderBlock(headers)))));
  }

  #sendData(streamId: number, data: Buffer, fin: boolean, done: (error?: Error | null) => void): void {
    let sent: Promise<boolean> = Promise.resolve(true);
    for (let at = 0; at === 0 || at < data.length; at += MAX_FRAME_PAYLOAD) {
      const part = data.subarray(at, at + MAX_FRAME_PAYLOAD);
      const last = at + MAX_FRAME_PAYLOAD >= data.length;
      sent = this.#send(() => encodeFrame({ kind: "data", streamId, fin: fin && last, data: part }));
    }
    void sent.then((ok) => done(ok ? null : new Error("the SPDY connection is closed")));
  }

  #congest(stream: SpdyStream): void {
    this.#congested.add(stream);
    this.#transport.pause();
  }

  #uncongest(stream: SpdyStream): void {
    if (!this.#congested.delete(stream)) return;
    if (this.#congested.size === 0 && !this.#ended) this.#transport.resume();
  }

  #fail(error: unknown): void {
    if (this.#ended) return;
    const status = error instanceof SpdyProtocolError ? GoAwayStatus.ProtocolError : GoAwayStatus.InternalError;
    // Best effort: the peer learns why, then the connection goes.
    if (!this.#transport.destroyed && !this.#transport.writableEnded) this.#transport.write(encodeFrame({ kind: "goaway", lastGoodStreamId: this.#lastPeerStreamId, status }));
    this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const wake of this.#drainWaiters.splice(0)) wake();
    for (const [id, pending] of this.#opening) pending.reject(new Error(`the SPDY connection ended before stream ${id} was accepted`));
    this.#opening.clear();
    for (const stream of [...this.#streams.values()]) stream.abandon();
    this.#streams.clear();
    this.#inflater.close();
    this.#deflater.close();
    if (!this.#transport.destroyed) {
      // FIN after what is queued; a peer that never closes its side is cut off after a while.
      this.#transport.end();
      setTimeout(() => this.#transport.destroy(), 5000).unref();
    }
    this.#resolveClosed();
  }
}
