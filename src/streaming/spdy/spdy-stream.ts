// One SPDY stream as a Node Duplex: what the peer sends on it is readable (ending at its FIN),
// what is written goes out as DATA frames (end() sends FIN). Reading slowly slows the whole
// connection, as SPDY/3 peers without flow control (moby/spdystream) expect. A stream closed
// before both sides sent FIN is reset (RST_STREAM CANCEL), unless the peer reset it first.

import { Duplex } from "node:stream";
import { RstStatus } from "./frame-types.js";
import type { SpdyHeaders } from "./header-block.js";

/** What a stream needs from its session. Internal to the spdy package. */
export interface StreamLink {
  /** Sends SYN_REPLY with `headers`. */
  reply(stream: SpdyStream, headers: SpdyHeaders): void;
  /** Sends `data` (FIN when `fin`); `done` runs once it is handed to the connection. */
  data(stream: SpdyStream, data: Buffer, fin: boolean, done: (error?: Error | null) => void): void;
  /** Sends RST_STREAM. */
  reset(stream: SpdyStream, status: number): void;
  /** The stream's reader wants more: resume reading the connection if it was paused for it. */
  readMore(stream: SpdyStream): void;
  /** The stream is gone; forget it. */
  closed(stream: SpdyStream): void;
}

export interface SpdyStreamInit {
  id: number;
  /** The headers of its SYN_STREAM. */
  headers: SpdyHeaders;
  /** True for a stream this side opened (it gets, rather than sends, the SYN_REPLY). */
  local: boolean;
  /** The peer will send nothing (SYN_STREAM with FIN). */
  remoteFinished?: boolean;
  /** This side may send nothing (a unidirectional stream from the peer). */
  localFinished?: boolean;
}

export class SpdyStream extends Duplex {
  readonly id: number;
  readonly headers: SpdyHeaders;
  /** True for a stream this side opened. */
  readonly local: boolean;
  readonly #link: StreamLink;
  #replied: boolean;
  #finSent: boolean;
  #finReceived = false;
  /** The RST_STREAM status the peer sent, if it reset the stream. */
  #peerReset: number | undefined;
  #resetSent = false;

  constructor(init: SpdyStreamInit, link: StreamLink) {
    super({ allowHalfOpen: true });
    this.id = init.id;
    this.headers = init.headers;
    this.local = init.local;
    this.#link = link;
    // A stream this side opened needs no reply from it; the peer's is awaited by the session.
    this.#replied = init.local;
    this.#finSent = init.localFinished === true;
    if (init.localFinished) this.end();
    if (init.remoteFinished) this.receiveFin();
  }

  /** The status of the peer's RST_STREAM, or undefined when it did not reset the stream. */
  get peerReset(): number | undefined {
    return this.#peerReset;
  }

  /** Accepts a stream the peer opened (SYN_REPLY). Writing without a reply sends an empty one first. */
  reply(headers: SpdyHeaders = {}): void {
    if (this.#replied || this.destroyed) return;
    this.#replied = true;
    this.#link.reply(this, headers);
  }

  /** Ends both directions at once (RST_STREAM `status`, default CANCEL). */
  reset(status: number = RstStatus.Cancel): void {
    if (this.destroyed) return;
    if (this.#peerReset === undefined && !this.#resetSent) {
      this.#resetSent = true;
      this.#link.reset(this, status);
    }
    this.destroy();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.reply();
    this.#link.data(this, chunk, false, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#finSent) {
      callback();
      return;
    }
    this.reply();
    this.#finSent = true;
    this.#link.data(this, Buffer.alloc(0), true, callback);
  }

  override _read(): void {
    this.#link.readMore(this);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!(this.#finSent && this.#finReceived) && this.#peerReset === undefined && !this.#resetSent) {
      this.#resetSent = true;
      this.#link.reset(this, error ? RstStatus.InternalError : RstStatus.Cancel);
    }
    this.#link.closed(this);
    callback(error);
  }

  /** Session side: data arrived. False when the reader is full (the session then pauses). */
  receiveData(data: Buffer): boolean {
    if (this.destroyed || this.#finReceived) return true;
    return this.push(data);
  }

  /** Session side: the peer sent FIN. */
  receiveFin(): void {
    if (this.#finReceived || this.destroyed) return;
    this.#finReceived = true;
    this.push(null);
  }

  /** Session side: the peer reset the stream. */
  receiveReset(status: number): void {
    if (this.destroyed) return;
    this.#peerReset = status;
    this.destroy();
  }

  /** Session side: the connection is gone; nothing can be sent any more. */
  abandon(): void {
    if (this.destroyed) return;
    this.#resetSent = true;
    this.destroy();
  }
}
