// A single-consumer queue that turns pushes into an async iterator: the glue between a store's
// commit path (which pushes events) and a watch's `for await` loop.

/**
 * An unbounded FIFO read by one consumer through `next()` / `for await`. `push` never blocks;
 * `end()` finishes the iteration after the queued items are read; `fail(err)` makes the next
 * read throw `err` (queued items are dropped: the consumer must start over anyway).
 * After `end` or `fail`, further pushes are ignored.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #head = 0;
  #closed = false;
  #error: { err: unknown } | undefined;
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (err: unknown) => void } | undefined;

  /** How many items are waiting to be read. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** True once `end` or `fail` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Queues an item, or hands it straight to a waiting reader. */
  push(item: T): void {
    if (this.#closed) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve({ value: item, done: false });
      return;
    }
    this.#items.push(item);
  }

  /** Finishes the iteration once the queued items have been read. */
  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve({ value: undefined, done: true });
  }

  /** Fails the iteration: the next read throws `err`. */
  fail(err: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#error = { err };
    this.#items = [];
    this.#head = 0;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(err);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#error) return Promise.reject(this.#error.err);
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head++];
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter) return Promise.reject(new Error("AsyncQueue has a single reader"));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Called when the consumer leaves a `for await` early: drops the queue. */
  return(): Promise<IteratorResult<T>> {
    this.end();
    this.#items = [];
    this.#head = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
