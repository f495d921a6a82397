// A fixed-capacity FIFO over an array: the watch cache's window of recent events.

/**
 * Holds at most `capacity` items; pushing onto a full buffer evicts (and returns) the oldest.
 * `at(0)` is the oldest item, `at(length - 1)` the newest.
 */
export class RingBuffer<T> {
  #slots: (T | undefined)[];
  #start = 0;
  #length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer: ${capacity}`);
    this.#slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.#length;
  }

  /** Appends `item`; returns the evicted oldest item when the buffer was full. */
  push(item: T): T | undefined {
    if (this.#length < this.capacity) {
      this.#slots[(this.#start + this.#length) % this.capacity] = item;
      this.#length++;
      return undefined;
    }
    const evicted = this.#slots[this.#start];
    this.#slots[this.#start] = item;
    this.#start = (this.#start + 1) % this.capacity;
    return evicted;
  }

  /** The item at `index` (0 = oldest); undefined outside [0, length). */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#slots[(this.#start + index) % this.capacity];
  }

  /** The first index whose item satisfies `pred`, assuming `pred` is false then true along the buffer; `length` if none. */
  findFirst(pred: (item: T) => boolean): number {
    let lo = 0;
    let hi = this.#length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pred(this.at(mid) as T)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Drops every item. */
  clear(): void {
    this.#slots = new Array<T | undefined>(this.capacity);
    this.#start = 0;
    this.#length = 0;
  }
}
