// A pool of items (IPs or ports) kept in a Store as one key per taken item, so that several API
// servers sharing one store never hand out the same item: taking an item is `store.create`,
// which fails for everyone but the first. The value names the owner.
//
// Contract:
// - reserve/reserveNext are atomic per item (create-if-absent); nothing is cached between
//   calls, so a pool survives restarts and sees other servers' work at once.
// - reserveNext reads the taken set from the store, picks with the band rule of bitmap.ts and
//   retries on a lost race; it reports "full" only when the fresh read left nothing free.
// - release deletes a key only while it still names the same owner, with the revision it read,
//   so it never frees an item another service has taken in the meantime.

import type { KeyValue, Store } from "../storage/store.js";
import { BitmapAllocator } from "./bitmap.js";
import type { RandomInt } from "./random.js";
import { mathRandomInt } from "./random.js";

/** Who holds an item: a service, by namespace/name and (when known) uid. */
export interface PoolOwner {
  namespace: string;
  name: string;
  uid?: string;
}

/** One taken item as stored. `owner` is undefined when the value could not be read. */
export interface PoolEntry {
  item: string;
  owner: PoolOwner | undefined;
  kv: KeyValue;
}

/** Options of a StorePool. */
export interface StorePoolOptions {
  store: Store;
  /** Key prefix, ending in "/": the item's key is prefix + item. */
  prefix: string;
  /** Items are offsets 0..size-1, named by itemAt. */
  size: number;
  /** Offsets [0, staticBand) are used by reserveNext only when the rest is taken. */
  staticBand: number;
  itemAt(offset: number): string;
  /** The offset of an item name, undefined when the name is not in this pool's range. */
  offsetOf(item: string): number | undefined;
  /** Default: Math.random. */
  random?: RandomInt;
}

/** Options of reserveNext. */
export interface ReserveNextOptions {
  /** Items not to pick (already chosen in this operation). */
  exclude?: ReadonlySet<string>;
  /** Pick a free item but write nothing. */
  dryRun?: boolean;
}

/** True when two owners name the same service: by uid when both have one, else by name. */
export function sameOwner(a: PoolOwner, b: PoolOwner): boolean {
  if (a.uid && b.uid) return a.uid === b.uid;
  return a.namespace === b.namespace && a.name === b.name;
}

/** The JSON stored for an owner. */
export function encodeOwner(owner: PoolOwner): string {
  const v: PoolOwner = { namespace: owner.namespace, name: owner.name };
  if (owner.uid) v.uid = owner.uid;
  return JSON.stringify(v);
}

/** Reads a stored owner; undefined when the value is not one. */
export function decodeOwner(value: string): PoolOwner | undefined {
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.namespace !== "string" || typeof o.name !== "string") return undefined;
  const owner: PoolOwner = { namespace: o.namespace, name: o.name };
  if (typeof o.uid === "string" && o.uid) owner.uid = o.uid;
  return owner;
}

function hasCode(e: unknown, code: string): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === code;
}

/** A store-backed pool of items; see the file comment for its guarantees. */
export class StorePool {
  readonly #o: StorePoolOptions;
  readonly #random: RandomInt;

  constructor(options: StorePoolOptions) {
    this.#o = options;
    this.#random = options.random ?? mathRandomInt;
  }

  /** The store key of an item. */
  keyOf(item: string): string {
    return this.#o.prefix + item;
  }

  /** The offset of an item in this pool's range, undefined when outside it. */
  offsetOf(item: string): number | undefined {
    return this.#o.offsetOf(item);
  }

  /** Every taken item, in range or not (keys left from an earlier range are listed too). */
  async entries(): Promise<PoolEntry[]> {
    const out: PoolEntry[] = [];
    let startKey: string | undefined;
    for (;;) {
      const page = await this.#o.store.list(this.#o.prefix, startKey === undefined ? { limit: 1000 } : { limit: 1000, startKey });
      for (const kv of page.items) {
        if (kv.key === startKey) continue;
        out.push({ item: kv.key.slice(this.#o.prefix.length), owner: decodeOwner(kv.value), kv });
      }
      const last = page.items.at(-1);
      if (!page.more || !last) return out;
      startKey = last.key;
    }
  }

  /** The entry of one item, undefined when it is free. */
  async get(item: string): Promise<PoolEntry | undefined> {
    const kv = await this.#o.store.get(this.keyOf(item));
    return kv && { item, owner: decodeOwner(kv.value), kv };
  }

  /** Takes `item` for `owner`; false when someone holds it already. */
  async reserve(item: string, owner: PoolOwner): Promise<boolean> {
    try {
      await this.#o.store.create(this.keyOf(item), encodeOwner(owner));
      return true;
    } catch (e) {
      if (hasCode(e, "STORE_KEY_EXISTS")) return false;
      throw e;
    }
  }

  /**
   * Takes a free item for `owner` (or, with dryRun, only picks one) and returns it; undefined
   * when the range is full.
   */
  async reserveNext(owner: PoolOwner, options: ReserveNextOptions = {}): Promise<string | undefined> {
    const bits = new BitmapAllocator(this.#o.size, { staticBand: this.#o.staticBand });
    for (const e of await this.entries()) {
      const off = this.#o.offsetOf(e.item);
      if (off !== undefined) bits.allocate(off);
    }
    for (const item of options.exclude ?? []) {
      const off = this.#o.offsetOf(item);
      if (off !== undefined) bits.allocate(off);
    }
    for (;;) {
      const off = bits.allocateNext(this.#random);
      if (off === undefined) return undefined;
      const item = this.#o.itemAt(off);
      if (options.dryRun) return item;
      if (await this.reserve(item, owner)) return item;
    }
  }

  /** Frees `item` if `owner` still holds it; false when it was free or held by someone else. */
  async release(item: string, owner: PoolOwner): Promise<boolean> {
    const e = await this.get(item);
    if (!e?.owner || !sameOwner(e.owner, owner)) return false;
    return this.deleteEntry(e);
  }

  /** Deletes an entry if it is unchanged since it was read; false when it changed or vanished. */
  async deleteEntry(entry: PoolEntry): Promise<boolean> {
    try {
      await this.#o.store.delete(entry.kv.key, entry.kv.modRevision);
      return true;
    } catch (e) {
      if (hasCode(e, "STORE_CONFLICT") || hasCode(e, "STORE_NOT_FOUND")) return false;
      throw e;
    }
  }

  /** Re-records an entry under a new owner if it is unchanged since it was read. */
  async setOwner(entry: PoolEntry, owner: PoolOwner): Promise<boolean> {
    try {
      await this.#o.store.update(entry.kv.key, encodeOwner(owner), entry.kv.modRevision);
      return true;
    } catch (e) {
      if (hasCode(e, "STORE_CONFLICT") || hasCode(e, "STORE_NOT_FOUND")) return false;
      throw e;
    }
  }
}
