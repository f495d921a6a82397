// A Transport wrapper for tests of code built on the client: it records every request, can end
// all open watches as if the server had closed them, and can hold new requests back — which
// is how tests take an informer "offline" long enough for its resourceVersion to expire.

import type { ClientRequest, ClientResponse, Transport } from "./transport.js";

/** What the wrapper saw: method, path and query string ("" when none). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  watch: boolean;
}

/**
 * Forwards to `inner`. `endWatches()` ends every open watch stream cleanly (the consumer sees
 * the iteration finish, as when the server closes it); `hold()` makes new requests wait until
 * `release()`. Safe to use from many callers at once.
 */
export class InterruptibleTransport implements Transport {
  readonly #inner: Transport;
  readonly #open = new Set<AbortController>();
  #gate: Promise<void> | undefined;
  #openGate: (() => void) | undefined;
  readonly requests: RecordedRequest[] = [];

  constructor(inner: Transport) {
    this.#inner = inner;
  }

  /** Requests recorded so far that match. */
  count(match: Partial<RecordedRequest>): number {
    return this.requests.filter((r) => (Object.keys(match) as (keyof RecordedRequest)[]).every((k) => r[k] === match[k])).length;
  }

  hold(): void {
    this.#gate ??= new Promise((resolve) => (this.#openGate = resolve));
  }

  release(): void {
    this.#openGate?.();
    this.#gate = undefined;
    this.#openGate = undefined;
  }

  endWatches(): void {
    for (const ac of this.#open) ac.abort();
    this.#open.clear();
  }

  async request(r: ClientRequest): Promise<ClientResponse> {
    this.requests.push({ method: r.method, path: r.path, query: r.query?.toString() ?? "", watch: r.stream === true });
    while (this.#gate) await this.#gate;
    if (!r.stream) return this.#inner.request(r);
    const ac = new AbortController();
    this.#open.add(ac);
    const signal = r.signal ? AbortSignal.any([r.signal, ac.signal]) : ac.signal;
    try {
      const res = await this.#inner.request({ ...r, signal });
      if (!res.lines) {
        this.#open.delete(ac);
        return res;
      }
      const lines = res.lines;
      const open = this.#open;
      const wrapped = async function* (): AsyncGenerator<string> {
        try {
          yield* lines;
        } finally {
          open.delete(ac);
        }
      };
      return { ...res, lines: wrapped() };
    } catch (e) {
      this.#open.delete(ac);
      throw e;
    }
  }
}
