// The embedded Store on SQLite (better-sqlite3, synchronous). One process writes; its watches
// are fed in-process right after each commit and replay the `history` table to catch up.
import Database from "better-sqlite3";
import type { AutoCompactOptions, IntervalClock } from "./auto-compactor.js";
import { startAutoCompaction } from "./auto-compactor.js";
import { prefixEnd, rangeStart } from "./key-range.js";
import type { HistoryRow, KvRow } from "./sqlite-schema.js";
import { eventFromRow, historySql, kvFromRow, listAtRevisionSql, listLatestSql, rowFromEvent, schemaSql } from "./sqlite-schema.js";
import { StoreClosedError, StoreFutureRevisionError } from "./store-errors.js";
import type { KeyValue, ListOptions, ListResult, Store, StoreEvent } from "./store.js";
import { StoreCompactedError, StoreConflictError, StoreKeyExistsError, StoreNotFoundError } from "./store.js";
import type { HistoryReader } from "./watch-hub.js";
import { WatchHub } from "./watch-hub.js";

/** Options for SqliteStore.open. */
export interface SqliteStoreOptions {
  /**
   * SQLite `synchronous` setting. "full" (default) fsyncs the WAL at every commit, so a write
   * whose promise resolved survives power loss and OS crashes too, as etcd's writes do.
   * "normal" only syncs at checkpoints: resolved writes still survive the process being killed
   * (the WAL is in the OS page cache) but the last ones may be lost if the machine goes down.
   */
  synchronous?: "full" | "normal";
  /** Periodic compaction (default: every minute, keep 5 minutes of history); false disables it. */
  autoCompact?: AutoCompactOptions | false;
  /** Timers for auto-compaction (tests). */
  clock?: IntervalClock;
  /** How long to wait for another connection's lock (default 5000 ms). */
  busyTimeoutMs?: number;
}

type WriteOp = (tx: WriteContext) => KeyValue;

interface PendingWrite {
  op: WriteOp;
  resolve: (kv: KeyValue) => void;
  reject: (err: unknown) => void;
}

/** What a write sees inside the batch transaction. */
interface WriteContext {
  current(key: string): KeyValue | undefined;
  commit(event: Omit<StoreEvent, "revision">): StoreEvent;
}

const storeErrorCodes = new Set(["STORE_KEY_EXISTS", "STORE_NOT_FOUND", "STORE_CONFLICT"]);

/**
 * A Store in one SQLite file (WAL mode). Writes issued in the same event-loop turn are committed
 * together in one transaction (one fsync), each with its own revision; each write's promise
 * resolves only after that commit. Writes from other processes are not seen by this process's
 * watches: one process writes.
 */
export class SqliteStore implements Store {
  #db: Database.Database;
  #hub = new WatchHub();
  #pending: PendingWrite[] = [];
  #flushScheduled = false;
  #closed = false;
  #stopCompaction: () => void = () => {};
  #stmts: ReturnType<typeof prepare>;
  #reader: HistoryReader;

  /** Wraps an open, initialised database; use SqliteStore.open. */
  private constructor(db: Database.Database) {
    this.#db = db;
    this.#stmts = prepare(db);
    this.#reader = {
      currentRevision: () => this.#meta("revision"),
      compactedRevision: () => this.#meta("compacted"),
      readHistory: (prefix, range) => {
        const end = prefixEnd(prefix);
        const stmt = end === undefined ? this.#stmts.historyOpen : this.#stmts.historyBounded;
        const rows = stmt.all({ ...range, start: prefix, ...(end === undefined ? {} : { end }) }) as HistoryRow[];
        return rows.map(eventFromRow);
      },
    };
  }

  /**
   * Opens (creating if needed) the store in `file`: WAL mode, the chosen `synchronous` level,
   * the schema, and auto-compaction unless disabled. The directory must exist.
   */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    const db = new Database(file);
    try {
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      db.exec(schemaSql);
    } catch (err) {
      db.close();
      throw err;
    }
    const store = new SqliteStore(db);
    if (options.autoCompact !== false) {
      store.#stopCompaction = startAutoCompaction(store, { ...options.autoCompact, clock: options.clock });
    }
    return store;
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.#read(() => {
      const row = this.#stmts.get.get(key) as KvRow | undefined;
      return row && kvFromRow(row);
    });
  }

  list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    return this.#read(() =>
      this.#db.transaction(() => {
        const current = this.#meta("revision");
        const revision = options.revision || current;
        if (revision > current) throw new StoreFutureRevisionError(revision, current);
        const compacted = this.#meta("compacted");
        if (revision < compacted) throw new StoreCompactedError(revision, compacted);
        const end = prefixEnd(prefix);
        const limit = options.limit && options.limit > 0 ? options.limit : 0;
        const params = {
          start: rangeStart(prefix, options.startKey),
          ...(end === undefined ? {} : { end }),
          limit: limit ? limit + 1 : -1,
          ...(revision === current ? {} : { rev: revision }),
        };
        const stmt =
          revision === current
            ? end === undefined ? this.#stmts.latestOpen : this.#stmts.latestBounded
            : end === undefined ? this.#stmts.atOpen : this.#stmts.atBounded;
        const rows = stmt.all(params) as KvRow[];
        const more = limit > 0 && rows.length > limit;
        return { items: (more ? rows.slice(0, limit) : rows).map(kvFromRow), revision, more };
      })(),
    );
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.#write((tx) => {
      if (tx.current(key)) throw new StoreKeyExistsError(key);
      return tx.commit({ type: "put", kv: { key, value, createRevision: 0, modRevision: 0 } }).kv;
    });
  }

  update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    return this.#write((tx) => {
      const prevKv = tx.current(key);
      if (!prevKv) throw new StoreNotFoundError(key);
      if (prevKv.modRevision !== expectedRevision) throw new StoreConflictError(key, prevKv);
      return tx.commit({ type: "put", kv: { ...prevKv, value }, prevKv }).kv;
    });
  }

  delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    return this.#write((tx) => {
      const prevKv = tx.current(key);
      if (!prevKv) throw new StoreNotFoundError(key);
      if (expectedRevision !== undefined && prevKv.modRevision !== expectedRevision) {
        throw new StoreConflictError(key, prevKv);
      }
      return tx.commit({ type: "delete", kv: prevKv, prevKv }).kv;
    });
  }

  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return this.#hub.watch(this.#reader, { prefix, fromRevision, signal });
  }

  currentRevision(): Promise<number> {
    return this.#read(() => this.#meta("revision"));
  }

  compact(revision: number): Promise<void> {
    return this.#read(() =>
      this.#db
        .transaction(() => {
          const current = this.#meta("revision");
          if (revision > current) throw new StoreFutureRevisionError(revision, current);
          if (revision <= this.#meta("compacted")) return;
          this.#stmts.compact.run(revision);
          this.#stmts.setMeta.run({ name: "compacted", value: revision });
        })
        .immediate(),
    );
  }

  compactedRevision(): Promise<number> {
    return this.#read(() => this.#meta("compacted"));
  }

  /** Commits writes already accepted, fails open watches, stops auto-compaction, closes the file. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#flush();
    this.#closed = true;
    this.#stopCompaction();
    this.#hub.close();
    this.#db.close();
    return Promise.resolve();
  }

  #meta(name: "revision" | "compacted"): number {
    return (this.#stmts.getMeta.get(name) as { value: number }).value;
  }

  #read<T>(fn: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #write(op: WriteOp): Promise<KeyValue> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return new Promise((resolve, reject) => {
      this.#pending.push({ op, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /**
   * Runs every queued write in one IMMEDIATE transaction. A write refused by the contract
   * (exists, not found, conflict) fails alone; any other error rolls the whole batch back and
   * fails every write in it. Events are published only after the commit.
   */
  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0 || this.#closed) return;
    const outcomes: ({ ok: true; kv: KeyValue } | { ok: false; err: unknown })[] = [];
    const events: StoreEvent[] = [];
    try {
      this.#db
        .transaction(() => {
          let revision = this.#meta("revision");
          const context: WriteContext = {
            current: (key) => {
              const row = this.#stmts.get.get(key) as KvRow | undefined;
              return row && kvFromRow(row);
            },
            commit: (change) => {
              revision++;
              const kv = Object.freeze({
                ...change.kv,
                createRevision: change.type === "put" && !change.prevKv ? revision : change.kv.createRevision,
                modRevision: revision,
              });
              const event: StoreEvent = Object.freeze({ ...change, kv, revision });
              this.#stmts.insertHistory.run(rowFromEvent(event));
              if (event.type === "put") {
                this.#stmts.upsert.run({ key: kv.key, value: kv.value, create_revision: kv.createRevision, mod_revision: revision });
              } else {
                this.#stmts.remove.run(kv.key);
              }
              events.push(event);
              return event;
            },
          };
          for (const { op } of batch) {
            try {
              outcomes.push({ ok: true, kv: op(context) });
            } catch (err) {
              if (!isRefusal(err)) throw err;
              outcomes.push({ ok: false, err });
            }
          }
          this.#stmts.setMeta.run({ name: "revision", value: revision });
        })
        .immediate();
    } catch (err) {
      for (const write of batch) write.reject(err);
      return;
    }
    for (const event of events) this.#hub.publish(event);
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) write.resolve(outcome.kv);
      else write.reject(outcome.err);
    });
  }
}

function isRefusal(err: unknown): boolean {
  return err instanceof Error && storeErrorCodes.has((err as { code?: unknown }).code as string);
}

function prepare(db: Database.Database) {
  return {
    getMeta: db.prepare("SELECT value FROM meta WHERE name = ?"),
    setMeta: db.prepare("UPDATE meta SET value = @value WHERE name = @name"),
    get: db.prepare("SELECT key, value, create_revision, mod_revision FROM kv WHERE key = ?"),
    upsert: db.prepare(
      `INSERT INTO kv (key, value, create_revision, mod_revision) VALUES (@key, @value, @create_revision, @mod_revision)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, create_revision = excluded.create_revision, mod_revision = excluded.mod_revision`,
    ),
    remove: db.prepare("DELETE FROM kv WHERE key = ?"),
    insertHistory: db.prepare(
      `INSERT INTO history (revision, key, deleted, value, create_revision, prev_value, prev_create_revision, prev_mod_revision)
       VALUES (@revision, @key, @deleted, @value, @create_revision, @prev_value, @prev_create_revision, @prev_mod_revision)`,
    ),
    compact: db.prepare("DELETE FROM history WHERE revision <= ?"),
    latestOpen: db.prepare(listLatestSql(false)),
    latestBounded: db.prepare(listLatestSql(true)),
    atOpen: db.prepare(listAtRevisionSql(false)),
    atBounded: db.prepare(listAtRevisionSql(true)),
    historyOpen: db.prepare(historySql(false)),
    historyBounded: db.prepare(historySql(true)),
  };
}
