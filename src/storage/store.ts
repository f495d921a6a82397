// The storage contract, in the style of kine: a revisioned key-value store with
// watch-from-revision and compaction. One implementation per engine (sqlite, etcd, memory).
//
// Contract:
// - Every successful write (create, update, delete) gets a new revision from one counter that
//   only grows; `modRevision` of a key is the revision of its last write, `createRevision` the
//   revision that created it. The API's resourceVersion is the modRevision.
// - `update` and `delete` with `expectedRevision` succeed only if the key's modRevision equals
//   it; otherwise they throw StoreConflictError carrying the current value (or StoreNotFoundError).
// - `watch(prefix, fromRevision)` yields every event with revision > fromRevision for keys under
//   prefix, in revision order, with no gaps and no duplicates, then live events until `signal`
//   aborts. A fromRevision older than the compacted revision throws StoreCompactedError at once.
// - Values are opaque strings (the API stores JSON).
// - A write that resolved is durable: it survives the process being killed.

export interface KeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
}

export type WatchEventType = "put" | "delete";

export interface StoreEvent {
  type: WatchEventType;
  /** For "put": the new value. For "delete": the value as it was when deleted, modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this event, when there was one. */
  prevKv?: KeyValue;
  revision: number;
}

export interface ListOptions {
  /** Return at most this many keys (0 or undefined: all). */
  limit?: number;
  /** Start at this key (inclusive), for paging. */
  startKey?: string;
  /** Read as of this revision (must not be compacted); default: the latest. */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The store revision the list was read at. */
  revision: number;
  /** True when more keys follow the last returned one. */
  more: boolean;
}

export interface Store {
  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Throws StoreKeyExistsError if the key exists. */
  create(key: string, value: string): Promise<KeyValue>;
  /** Throws StoreNotFoundError, or StoreConflictError when expectedRevision does not match. */
  update(key: string, value: string, expectedRevision: number): Promise<KeyValue>;
  /** Returns the deleted value. Throws StoreNotFoundError, or StoreConflictError on a revision mismatch. */
  delete(key: string, expectedRevision?: number): Promise<KeyValue>;
  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent>;
  currentRevision(): Promise<number>;
  /** Forget history at or below `revision`; watches from there fail with StoreCompactedError. */
  compact(revision: number): Promise<void>;
  /** The oldest revision still watchable (the compacted revision). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

export class StoreKeyExistsError extends Error {
  readonly code = "STORE_KEY_EXISTS";
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
  }
}

export class StoreNotFoundError extends Error {
  readonly code = "STORE_NOT_FOUND";
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
  }
}

export class StoreConflictError extends Error {
  readonly code = "STORE_CONFLICT";
  constructor(
    readonly key: string,
    readonly current: KeyValue,
  ) {
    super(`revision mismatch for ${key}: now at ${current.modRevision}`);
  }
}

export class StoreCompactedError extends Error {
  readonly code = "STORE_COMPACTED";
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`required revision ${requested} has been compacted (compacted revision ${compacted})`);
  }
}
