// The sqlite layout: `kv` holds the current value of every live key, `history` one row per
// write (the event log watches replay and old-revision lists undo), `meta` the revision counter
// and the compacted revision. Both counters live in `meta` so they only grow, even when
// compaction empties `history`.
import type { KeyValue, StoreEvent } from "./store.js";

/** Creates the tables if they are missing; safe to run on every open. */
export const schemaSql = `
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0), ('compacted', 0);
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  mod_revision INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history (
  revision INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  value TEXT NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_value TEXT,
  prev_create_revision INTEGER,
  prev_mod_revision INTEGER
);
CREATE INDEX IF NOT EXISTS history_by_key ON history (key, revision);
`;

/** A `kv` row, or a list row built from `history`. */
export interface KvRow {
  key: string;
  value: string;
  create_revision: number;
  mod_revision: number;
}

/** A `history` row. For a delete, `value`/`create_revision` are those of the deleted value. */
export interface HistoryRow {
  revision: number;
  key: string;
  deleted: 0 | 1;
  value: string;
  create_revision: number;
  prev_value: string | null;
  prev_create_revision: number | null;
  prev_mod_revision: number | null;
}

/** A frozen KeyValue from a row. */
export function kvFromRow(row: KvRow): KeyValue {
  return Object.freeze({
    key: row.key,
    value: row.value,
    createRevision: row.create_revision,
    modRevision: row.mod_revision,
  });
}

/** A frozen StoreEvent from a history row. */
export function eventFromRow(row: HistoryRow): StoreEvent {
  const kv = kvFromRow({ ...row, mod_revision: row.revision });
  const prevKv =
    row.prev_value === null
      ? undefined
      : kvFromRow({
          key: row.key,
          value: row.prev_value,
          create_revision: row.prev_create_revision ?? 0,
          mod_revision: row.prev_mod_revision ?? 0,
        });
  const type = row.deleted ? "delete" : "put";
  return Object.freeze(prevKv ? { type, kv, prevKv, revision: row.revision } : { type, kv, revision: row.revision });
}

/** The history row recording `event`. */
export function rowFromEvent(event: StoreEvent): HistoryRow {
  return {
    revision: event.revision,
    key: event.kv.key,
    deleted: event.type === "delete" ? 1 : 0,
    value: event.kv.value,
    create_revision: event.kv.createRevision,
    prev_value: event.prevKv?.value ?? null,
    prev_create_revision: event.prevKv?.createRevision ?? null,
    prev_mod_revision: event.prevKv?.modRevision ?? null,
  };
}

/**
 * SQL listing keys in [start, end) as of a past revision `rev` (not compacted): keys whose
 * current row is not newer than `rev`, plus, for keys written after `rev`, the value before
 * their first write after `rev`. Parameters: start, [end], rev, limit (-1: all).
 */
export function listAtRevisionSql(bounded: boolean): string {
  const range = (alias: string): string => `${alias}.key >= @start${bounded ? ` AND ${alias}.key < @end` : ""}`;
  return `
SELECT key, value, create_revision, mod_revision FROM (
  SELECT k.key, k.value, k.create_revision, k.mod_revision FROM kv k
   WHERE ${range("k")} AND k.mod_revision <= @rev
  UNION ALL
  SELECT h.key, h.prev_value AS value, h.prev_create_revision AS create_revision, h.prev_mod_revision AS mod_revision
    FROM history h
   WHERE ${range("h")} AND h.revision > @rev AND h.prev_value IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM history e WHERE e.key = h.key AND e.revision > @rev AND e.revision < h.revision)
) ORDER BY key LIMIT @limit`;
}

/** SQL listing the current keys in [start, end). Parameters: start, [end], limit (-1: all). */
export function listLatestSql(bounded: boolean): string {
  return `SELECT key, value, create_revision, mod_revision FROM kv
   WHERE key >= @start${bounded ? " AND key < @end" : ""} ORDER BY key LIMIT @limit`;
}

/** SQL reading history events in (after, upTo] under [start, end), oldest first. */
export function historySql(bounded: boolean): string {
  return `SELECT * FROM history
   WHERE revision > @after AND revision <= @upTo AND key >= @start${bounded ? " AND key < @end" : ""}
   ORDER BY revision LIMIT @limit`;
}
