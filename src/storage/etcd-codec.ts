// Conversions between etcd's wire shapes (snake_case, int64 as strings, bytes as Buffers) and
// the Store types, for a store whose keys live under a key prefix inside etcd.
import type { IEvent, IKeyValue } from "etcd3";
import { StoreFutureRevisionError } from "./store-errors.js";
import type { KeyValue, StoreEvent } from "./store.js";
import { StoreCompactedError } from "./store.js";

/** The smallest byte string above every key starting with `prefix`; [0] (no end) if none. */
export function bytesPrefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  // etcd reads range_end "\0" as "every key at or above `key`".
  return Buffer.from([0]);
}

/** A frozen KeyValue from etcd's, with the store's key prefix taken off. */
export function kvFromEtcd(kv: IKeyValue, keyPrefix: string): KeyValue {
  return Object.freeze({
    key: kv.key.toString("utf8").slice(keyPrefix.length),
    value: kv.value.toString("utf8"),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  });
}

/**
 * A StoreEvent from an etcd watch event (requested with prev_kv). etcd's delete events carry an
 * empty kv; the Store's carries the deleted value at the delete's revision.
 */
export function eventFromEtcd(event: IEvent, keyPrefix: string): StoreEvent {
  const revision = Number(event.kv.mod_revision);
  const prevKv = event.prev_kv ? kvFromEtcd(event.prev_kv, keyPrefix) : undefined;
  if (event.type === "Delete") {
    const kv = Object.freeze({
      key: event.kv.key.toString("utf8").slice(keyPrefix.length),
      value: prevKv?.value ?? "",
      createRevision: prevKv?.createRevision ?? 0,
      modRevision: revision,
    });
    return Object.freeze(prevKv ? { type: "delete", kv, prevKv, revision } : { type: "delete", kv, revision });
  }
  const kv = kvFromEtcd(event.kv, keyPrefix);
  return Object.freeze(prevKv ? { type: "put", kv, prevKv, revision } : { type: "put", kv, revision });
}

/** Which etcd error an error is, by etcd's message ("mvcc: required revision has been compacted"). */
export function etcdErrorKind(err: unknown): "compacted" | "future" | undefined {
  const message = err instanceof Error ? err.message : String(err);
  if (message.includes("required revision has been compacted")) return "compacted";
  if (message.includes("required revision is a future revision")) return "future";
  return undefined;
}

/** Turns etcd's revision errors into Store errors; other errors pass through unchanged. */
export function mapEtcdError(err: unknown, context: { requested: number; compacted: number; current: number }): unknown {
  switch (etcdErrorKind(err)) {
    case "compacted":
      return new StoreCompactedError(context.requested, context.compacted);
    case "future":
      return new StoreFutureRevisionError(context.requested, context.current);
    default:
      return err;
  }
}
