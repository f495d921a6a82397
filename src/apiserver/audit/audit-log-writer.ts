// The audit log file: one JSON line per event, appended in batches after the requests that made
// them have been answered, and rotated by size as lumberjack (which kube-apiserver uses) does —
// before a write would take the file past its limit, the file is renamed with the time in its
// name (rotated-file-name.ts) and a new one begun; the renamed files beyond the newest
// `maxBackups`, or older than `maxAgeDays`, are removed. Files are created 0600 in a 0700
// directory: the log says who did what.
//
// Contract: `write` never blocks and never throws. A failure of the disk never fails a request:
// the first one is logged, every one is counted (stats) and published on the
// `svcnet.apiserver.audit.error` diagnostics channel, and the events it cost are counted as
// dropped. When the disk falls behind by more than `maxPending` events, new ones are dropped
// (and counted) rather than held in memory without bound. `flush` resolves once every event
// written before it is on disk (or counted as lost); `close` flushes and closes the file.
// One writer per file: two processes rotating the same file would rename each other's data.

import { channel } from "node:diagnostics_channel";
import { mkdir, open, readdir, rename, stat, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { rotatedFilePath, rotationTimeOf } from "./rotated-file-name.js";

/** Each failure is published here: { path, error }. */
export const auditLogErrors = channel("svcnet.apiserver.audit.error");

export const megabyte = 1024 * 1024;
const defaultMaxSizeBytes = 100 * megabyte;
const dayMs = 24 * 3600_000;

export interface AuditLogWriterOptions {
  /** The log file; it and its directory are created if missing. */
  path: string;
  /** Rotate before a write would take the file past this many bytes; 0 or absent: 100 MiB, as lumberjack. */
  maxSizeBytes?: number;
  /** Rotated files kept, the newest first; 0 or absent: all. */
  maxBackups?: number;
  /** Days a rotated file is kept, judged by the time in its name; 0 or absent: regardless of age. */
  maxAgeDays?: number;
  /** Events that may wait for the disk before new ones are dropped; default 10 000. */
  maxPending?: number;
  /** Names rotated files and judges their age (default: the system clock). */
  now?: () => Date;
  /** Told of the first failure only (default: console.error); later ones are counted. */
  onFirstError?: (message: string) => void;
}

export interface AuditLogStats {
  /** Events on disk. */
  written: number;
  /** Events lost: to a failed write, to a full queue, or written after close. */
  dropped: number;
  /** Failed file operations (open, write, rename, remove). */
  errors: number;
  /** Times the file was rotated. */
  rotations: number;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export class AuditLogWriter {
  readonly #path: string;
  readonly #maxSize: number;
  readonly #maxBackups: number;
  readonly #maxAgeDays: number;
  readonly #maxPending: number;
  readonly #now: () => Date;
  readonly #onFirstError: (message: string) => void;
  readonly #stats: AuditLogStats = { written: 0, dropped: 0, errors: 0, rotations: 0 };
  #queue: string[] = [];
  #file: FileHandle | undefined;
  #size = 0;
  #scheduled = false;
  #running: Promise<void> | undefined;
  #closed = false;
  #reported = false;

  private constructor(o: AuditLogWriterOptions) {
    this.#path = o.path;
    this.#maxSize = o.maxSizeBytes || defaultMaxSizeBytes;
    this.#maxBackups = o.maxBackups ?? 0;
    this.#maxAgeDays = o.maxAgeDays ?? 0;
    this.#maxPending = o.maxPending ?? 10_000;
    this.#now = o.now ?? (() => new Date());
    this.#onFirstError = o.onFirstError ?? ((m) => console.error(`svcnet: ${m}`));
  }

  /**
   * Opens (or creates) the log and removes rotated files past their limits. Fails when the file
   * cannot be opened, so that a server is not started with an audit log it cannot write.
   */
  static async open(options: AuditLogWriterOptions): Promise<AuditLogWriter> {
    const w = new AuditLogWriter(options);
    await w.#openFile();
    await w.#removeOldFiles();
    return w;
  }

  get path(): string {
    return this.#path;
  }

  /** Counters since open. */
  get stats(): AuditLogStats {
    return { ...this.#stats };
  }

  /** Queues one event as a JSON line. Never blocks, never throws. */
  write(event: object): void {
    if (this.#closed) {
      this.#stats.dropped++;
      return;
    }
    if (this.#queue.length >= this.#maxPending) {
      this.#stats.dropped++;
      this.#report(new Error(`more than ${this.#maxPending} audit events are waiting for the disk; dropping new ones`), false);
      return;
    }
    let line: string;
    try {
      line = `${JSON.stringify(event)}\n`;
    } catch (e) {
      this.#stats.dropped++;
      this.#report(e, false);
      return;
    }
    this.#queue.push(line);
    // Events of the same tick go to the disk together.
    if (!this.#scheduled && !this.#running) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#run();
      });
    }
  }

  /** Resolves once every event written so far is on disk or counted as dropped. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#running) {
      this.#run();
      await this.#running;
    }
  }

  /** Flushes, then closes the file; later writes are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    await this.#closeFile();
  }

  #run(): void {
    if (this.#running || this.#queue.length === 0) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      // Writes that came while the last batch was finishing.
      this.#run();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const lines = this.#queue;
      this.#queue = [];
      let batch: string[] = [];
      let batchBytes = 0;
      for (const line of lines) {
        const n = Buffer.byteLength(line);
        // A line larger than the limit still goes out, alone in a fresh file: events are never
        // dropped for their size.
        if (this.#size + batchBytes + n > this.#maxSize && this.#size + batchBytes > 0) {
          await this.#append(batch, batchBytes);
          batch = [];
          batchBytes = 0;
          await this.#rotate();
        }
        batch.push(line);
        batchBytes += n;
      }
      await this.#append(batch, batchBytes);
    }
  }

  async #openFile(): Promise<FileHandle> {
    if (this.#file) return this.#file;
    await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
    const file = await open(this.#path, "a", 0o600);
    try {
      this.#size = (await file.stat()).size;
    } catch (e) {
      await file.close().catch(() => {});
      throw e;
    }
    this.#file = file;
    return file;
  }

  async #closeFile(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    if (!file) return;
    try {
      await file.close();
    } catch (e) {
      this.#report(e, true);
    }
  }

  async #append(lines: string[], bytes: number): Promise<void> {
    if (lines.length === 0) return;
    try {
      const file = await this.#openFile();
      await file.appendFile(lines.join(""));
      this.#size += bytes;
      this.#stats.written += lines.length;
    } catch (e) {
      this.#stats.dropped += lines.length;
      this.#report(e, true);
      // Opened afresh for the next batch: the file may have been removed or its disk remounted.
      await this.#closeFile();
    }
  }

  async #rotate(): Promise<void> {
    await this.#closeFile();
    try {
      let time = this.#now().getTime();
      // Two rotations within a millisecond would otherwise share a name.
      while (await exists(rotatedFilePath(this.#path, new Date(time)))) time++;
      await rename(this.#path, rotatedFilePath(this.#path, new Date(time)));
      this.#size = 0;
      this.#stats.rotations++;
    } catch (e) {
      // The file stays as it is and keeps growing; the next write tries again.
      this.#report(e, true);
    }
    await this.#removeOldFiles();
  }

  async #removeOldFiles(): Promise<void> {
    if (this.#maxBackups === 0 && this.#maxAgeDays === 0) return;
    let names: string[];
    try {
      names = await readdir(dirname(this.#path));
    } catch (e) {
      this.#report(e, true);
      return;
    }
    const rotated = names
      .map((name) => ({ name, time: rotationTimeOf(this.#path, name)?.getTime() }))
      .filter((f): f is { name: string; time: number } => f.time !== undefined)
      .sort((a, b) => b.time - a.time);
    const cutoff = this.#maxAgeDays > 0 ? this.#now().getTime() - this.#maxAgeDays * dayMs : -Infinity;
    const doomed = rotated.filter((f, i) => (this.#maxBackups > 0 && i >= this.#maxBackups) || f.time < cutoff);
    for (const f of doomed) {
      try {
        await unlink(join(dirname(this.#path), f.name));
      } catch (e) {
        this.#report(e, true);
      }
    }
  }

  #report(e: unknown, counted: boolean): void {
    if (counted) this.#stats.errors++;
    auditLogErrors.publish({ path: this.#path, error: e });
    if (this.#reported) return;
    this.#reported = true;
    this.#onFirstError(`audit log ${this.#path}: ${errorText(e)} (further audit log errors are counted, not logged)`);
  }
}
