// Header block compression of SPDY/3: zlib with the SPDY/3 dictionary, one compression context
// per direction for the whole connection. Each block is flushed (Z_SYNC_FLUSH) so the peer can
// read it at once, and later blocks may refer back to earlier ones — so every block received
// must pass through the inflater, in order, even when its headers are of no interest.

import { constants, createDeflate, createInflate } from "node:zlib";
import type { Deflate, Inflate } from "node:zlib";
import { SpdyProtocolError } from "./frame-types.js";
import { SPDY3_DICTIONARY } from "./header-dictionary.js";

/** Largest header block (uncompressed) accepted from a peer. */
export const MAX_HEADER_BLOCK_BYTES = 256 * 1024;

/** Runs blocks through one zlib stream, one at a time, each ended by a sync flush. */
class ZlibContext {
  readonly #z: Deflate | Inflate;
  readonly #what: string;
  #queue: Promise<unknown> = Promise.resolve();
  #failure: Error | undefined;

  constructor(z: Deflate | Inflate, what: string) {
    this.#z = z;
    this.#what = what;
    z.on("error", (e: Error) => (this.#failure ??= e));
  }

  run(block: Buffer): Promise<Buffer> {
    const next = this.#queue.then(() => this.#runNow(block));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #runNow(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.#failure) {
        reject(this.#error(this.#failure));
        return;
      }
      const out: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        out.push(chunk);
      };
      const onError = (e: Error): void => finish(e);
      const finish = (e?: Error): void => {
        this.#z.off("data", onData);
        this.#z.off("error", onError);
        if (e) reject(this.#error(e));
        else if (size > MAX_HEADER_BLOCK_BYTES) reject(new SpdyProtocolError("HeaderBlockTooLarge", `a ${this.#what} header block of more than ${MAX_HEADER_BLOCK_BYTES} bytes`));
        else resolve(Buffer.concat(out, size));
      };
      this.#z.on("data", onData);
      this.#z.once("error", onError);
      this.#z.write(block);
      this.#z.flush(constants.Z_SYNC_FLUSH, () => finish(this.#failure));
    });
  }

  #error(e: Error): SpdyProtocolError {
    return e instanceof SpdyProtocolError ? e : new SpdyProtocolError("InvalidHeaderBlock", `cannot ${this.#what} a header block: ${e.message}`);
  }

  close(): void {
    this.#z.destroy();
  }
}

/** Compresses the header blocks one side sends. */
export class HeaderDeflater {
  readonly #ctx = new ZlibContext(createDeflate({ dictionary: SPDY3_DICTIONARY, level: constants.Z_BEST_COMPRESSION }), "compress");

  /** The compressed form of the uncompressed `block`; calls complete in call order. */
  deflate(block: Buffer): Promise<Buffer> {
    return this.#ctx.run(block);
  }

  close(): void {
    this.#ctx.close();
  }
}

/** Decompresses the header blocks one side receives. */
export class HeaderInflater {
  readonly #ctx = new ZlibContext(createInflate({ dictionary: SPDY3_DICTIONARY }), "decompress");

  /**
   * The uncompressed form of a received `block`; calls complete in call order. Rejects with
   * SpdyProtocolError when the bytes are not a continuation of the peer's zlib stream (after
   * which no later block can be read either).
   */
  inflate(block: Buffer): Promise<Buffer> {
    return this.#ctx.run(block);
  }

  close(): void {
    this.#ctx.close();
  }
}
