// The audit log writer on a real disk: lines, modes, rotation by size, the limits on rotated
// files, and failures that are counted instead of thrown.

import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { AuditLogWriter } from "./audit-log-writer.js";
import { rotatedFilePath } from "./rotated-file-name.js";

const start = Date.UTC(2026, 0, 2, 15, 4, 5, 0);

/** A clock that moves one second each time it is read. */
function steppingClock(from = start): () => Date {
  let t = from - 1000;
  return () => new Date((t += 1000));
}

/** An event whose JSON line is exactly `bytes` long, newline included. */
function event(i: number, bytes = 100): { i: number; pad: string } {
  const bare = JSON.stringify({ i, pad: "" }).length + 1;
  return { i, pad: "x".repeat(bytes - bare) };
}

/** Every line of the log and its rotated files, oldest file first. */
async function allLines(dir: string): Promise<{ i: number }[]> {
  const names = (await readdir(dir)).filter((n) => n.startsWith("audit-")).sort();
  names.push("audit.log");
  const out: { i: number }[] = [];
  for (const n of names) {
    const text = await readFile(join(dir, n), "utf8");
    for (const line of text.split("\n").filter(Boolean)) out.push(JSON.parse(line) as { i: number });
  }
  return out;
}

describe("AuditLogWriter", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "svcnet-audit-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("one JSON line per event, in a 0600 file in a new 0700 directory", async () => {
    const path = join(dir, "logs", "audit.log");
    const w = await AuditLogWriter.open({ path });
    w.write({ verb: "create", n: 1 });
    w.write({ verb: "delete", n: 2 });
    await w.close();
    assert.equal(await readFile(path, "utf8"), '{"verb":"create","n":1}\n{"verb":"delete","n":2}\n');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, "logs"))).mode & 0o777, 0o700);
    assert.deepEqual(w.stats, { written: 2, dropped: 0, errors: 0, rotations: 0 });
  });

  test("write returns before the disk is touched; flush waits for it", async () => {
    const path = join(dir, "audit.log");
    const w = await AuditLogWriter.open({ path });
    w.write(event(0));
    assert.equal(w.stats.written, 0);
    await w.flush();
    assert.equal(w.stats.written, 1);
    assert.equal((await readFile(path, "utf8")).split("\n").length, 2);
    await w.close();
  });

  test("appends to the log a previous run left", async () => {
    const path = join(dir, "audit.log");
    await writeFile(path, '{"i":-1}\n');
    const w = await AuditLogWriter.open({ path });
    w.write({ i: 0 });
    await w.close();
    assert.deepEqual(await allLines(dir), [{ i: -1 }, { i: 0 }]);
  });

  test("rotates by size: no file past the limit, nothing lost, order kept", async () => {
    const path = join(dir, "audit.log");
    const w = await AuditLogWriter.open({ path, maxSizeBytes: 350, now: steppingClock() });
    // Some in one burst (one batch), some one by one.
    for (let i = 0; i < 7; i++) w.write(event(i));
    await w.flush();
    for (let i = 7; i < 10; i++) {
      w.write(event(i));
      await w.flush();
    }
    await w.close();
    const names = (await readdir(dir)).sort();
    assert.deepEqual(names, ["audit-2026-01-02T15-04-05.000.log", "audit-2026-01-02T15-04-06.000.log", "audit-2026-01-02T15-04-07.000.log", "audit.log"]);
    for (const n of names) assert.ok((await stat(join(dir, n))).size <= 350, n);
    assert.deepEqual(
      (await allLines(dir)).map((l) => l.i),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(w.stats, { written: 10, dropped: 0, errors: 0, rotations: 3 });
  });

  test("a log a previous run filled is rotated before the first write", async () => {
    const path = join(dir, "audit.log");
    await writeFile(path, `${JSON.stringify(event(-1, 300))}\n`.slice(0, 300));
    const w = await AuditLogWriter.open({ path, maxSizeBytes: 350, now: steppingClock() });
    w.write(event(0));
    await w.close();
    assert.deepEqual((await readdir(dir)).sort(), ["audit-2026-01-02T15-04-05.000.log", "audit.log"]);
    assert.equal(await readFile(path, "utf8"), `${JSON.stringify(event(0))}\n`);
  });

  test("an event larger than the limit is written whole, in a file of its own", async () => {
    const path = join(dir, "audit.log");
    const w = await AuditLogWriter.open({ path, maxSizeBytes: 150, now: steppingClock() });
    w.write(event(0));
    w.write(event(1, 400));
    w.write(event(2));
    await w.close();
    assert.deepEqual(
      (await allLines(dir)).map((l) => l.i),
      [0, 1, 2],
    );
    assert.equal((await stat(rotatedFilePath(path, new Date(start + 1000)))).size, 400);
  });

  test("maxBackups keeps the newest rotated files", async () => {
    const path = join(dir, "audit.log");
    const w = await AuditLogWriter.open({ path, maxSizeBytes: 100, maxBackups: 2, now: steppingClock() });
    for (let i = 0; i < 6; i++) {
      w.write(event(i));
      await w.flush();
    }
    await w.close();
    assert.deepEqual((await readdir(dir)).sort(), ["audit-2026-01-02T15-04-08.000.log", "audit-2026-01-02T15-04-09.000.log", "audit.log"]);
    assert.deepEqual(
      (await allLines(dir)).map((l) => l.i),
      [3, 4, 5],
    );
  });

  test("maxAgeDays removes rotated files older than that, at open and after a rotation; other files stay", async () => {
    const path = join(dir, "audit.log");
    const day = 24 * 3600_000;
    const old = rotatedFilePath(path, new Date(start - 10 * day));
    const recent = rotatedFilePath(path, new Date(start - 2 * day));
    for (const p of [old, recent, join(dir, "notes.txt"), join(dir, "other-2020-01-01T00-00-00.000.log")]) await writeFile(p, "x\n");
    let now = start;
    const w = await AuditLogWriter.open({ path, maxSizeBytes: 100, maxAgeDays: 7, now: () => new Date(now) });
    assert.deepEqual((await readdir(dir)).sort(), ["audit-2025-12-31T15-04-05.000.log", "audit.log", "notes.txt", "other-2020-01-01T00-00-00.000.log"]);
    // Six days on, the recent one is eight days old: the next rotation removes it.
    now = start + 6 * day;
    w.write(event(0));
    w.write(event(1));
    await w.close();
    assert.deepEqual((await readdir(dir)).sort(), ["audit-2026-01-08T15-04-05.000.log", "audit.log", "notes.txt", "other-2020-01-01T00-00-00.000.log"]);
  });

  test("two rotations within one millisecond get distinct names", async () => {
    const path = join(dir, "audit.log");
    const w = await AuditLogWriter.open({ path, maxSizeBytes: 100, now: () => new Date(start) });
    for (let i = 0; i < 4; i++) w.write(event(i));
    await w.close();
    assert.deepEqual((await readdir(dir)).sort(), ["audit-2026-01-02T15-04-05.000.log", "audit-2026-01-02T15-04-05.001.log", "audit-2026-01-02T15-04-05.002.log", "audit.log"]);
    assert.deepEqual(
      (await allLines(dir)).map((l) => l.i),
      [0, 1, 2, 3],
    );
  });

  test("a write error is counted, logged once and published, never thrown", async () => {
    const logged: string[] = [];
    const published: unknown[] = [];
    const onError = (m: unknown): void => void published.push(m);
    subscribe("svcnet.apiserver.audit.error", onError);
    try {
      // Every write to /dev/full fails with ENOSPC.
      const w = await AuditLogWriter.open({ path: "/dev/full", onFirstError: (m) => logged.push(m) });
      w.write({ n: 1 });
      await w.flush();
      w.write({ n: 2 });
      w.write({ n: 3 });
      await w.close();
      assert.deepEqual(w.stats, { written: 0, dropped: 3, errors: 2, rotations: 0 });
      assert.equal(logged.length, 1);
      assert.match(logged[0], /^audit log \/dev\/full: .*ENOSPC.*\(further audit log errors are counted, not logged\)$/);
      assert.equal(published.length, 2);
    } finally {
      unsubscribe("svcnet.apiserver.audit.error", onError);
    }
  });

  test("a full queue drops new events instead of holding them", async () => {
    const path = join(dir, "audit.log");
    const logged: string[] = [];
    const w = await AuditLogWriter.open({ path, maxPending: 3, onFirstError: (m) => logged.push(m) });
    for (let i = 0; i < 5; i++) w.write(event(i));
    await w.close();
    assert.deepEqual(
      (await allLines(dir)).map((l) => l.i),
      [0, 1, 2],
    );
    assert.deepEqual(w.stats, { written: 3, dropped: 2, errors: 0, rotations: 0 });
    assert.match(logged[0], /more than 3 audit events are waiting for the disk/);
  });

  test("a log that cannot be opened fails the open", async () => {
    await writeFile(join(dir, "file"), "");
    await assert.rejects(AuditLogWriter.open({ path: join(dir, "file", "audit.log") }), /ENOTDIR|EEXIST/);
  });

  test("writes after close are dropped, not thrown", async () => {
    const w = await AuditLogWriter.open({ path: join(dir, "audit.log") });
    await w.close();
    w.write({ late: true });
    assert.equal(w.stats.dropped, 1);
    assert.equal(await readFile(join(dir, "audit.log"), "utf8"), "");
  });
});
