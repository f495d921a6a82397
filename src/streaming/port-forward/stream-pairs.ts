// Pairs the two streams of one forwarded connection (error and data) by their request id, in
// whichever order they arrive, as the kubelet does. Pure: no I/O, no timers.

import type { StreamType } from "./port-forward-protocol.js";

export interface StreamPair<S> {
  error: S;
  data: S;
}

export type AddResult<S> =
  /** Both streams are here: forward. */
  | { complete: StreamPair<S> }
  /** Waiting for the other stream; `first` is true when this request was not known before. */
  | { waiting: true; first: boolean }
  /** A second stream of the same type for the request (the kubelet's wording). */
  | { duplicate: string };

export class StreamPairs<S> {
  readonly #pending = new Map<string, Partial<StreamPair<S>>>();

  /** Adds a stream; a completed pair is forgotten (the request is then unknown again). */
  add(requestId: string, type: StreamType, stream: S): AddResult<S> {
    const known = this.#pending.get(requestId);
    const pair = known ?? {};
    if (pair[type] !== undefined) return { duplicate: `${type} stream already assigned` };
    pair[type] = stream;
    if (pair.error !== undefined && pair.data !== undefined) {
      this.#pending.delete(requestId);
      return { complete: { error: pair.error, data: pair.data } };
    }
    this.#pending.set(requestId, pair);
    return { waiting: true, first: known === undefined };
  }

  /** The streams of a request still waiting for its other stream, and forgets it. */
  take(requestId: string): Partial<StreamPair<S>> | undefined {
    const pair = this.#pending.get(requestId);
    this.#pending.delete(requestId);
    return pair;
  }

  /** The error stream of a waiting request, if it has arrived. */
  errorStreamOf(requestId: string): S | undefined {
    return this.#pending.get(requestId)?.error;
  }

  /** Requests waiting for their other stream. */
  get size(): number {
    return this.#pending.size;
  }
}
