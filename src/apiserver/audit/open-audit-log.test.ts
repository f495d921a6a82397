import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { AuditEvent } from "./audit-event.js";
import { defaultAuditLogLimits, openAuditLog, streamAuditLog } from "./open-audit-log.js";

const ev = { kind: "Event", verb: "create" } as unknown as AuditEvent;

test("openAuditLog: an empty path is no audit log", async () => {
  assert.equal(await openAuditLog({ path: "", ...defaultAuditLogLimits }), undefined);
});

test("openAuditLog: '-' is standard output", async () => {
  const log = await openAuditLog({ path: "-", ...defaultAuditLogLimits });
  assert.equal(log?.destination, "standard output");
  await log?.close();
});

test("streamAuditLog: one JSON line per event", async () => {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (c: Buffer) => chunks.push(c.toString()));
  const log = streamAuditLog(out, "test");
  log.write(ev);
  log.write(ev);
  await log.close();
  assert.equal(chunks.join(""), '{"kind":"Event","verb":"create"}\n'.repeat(2));
});

test("openAuditLog: a file, rotated at the size given in megabytes", async () => {
  const dir = await mkdtemp(join(tmpdir(), "svcnet-audit-open-"));
  try {
    const path = join(dir, "audit.log");
    const log = await openAuditLog({ path, maxSizeMB: 1, maxBackups: 1, maxAgeDays: 0 });
    assert.equal(log?.destination, path);
    // Just over 1 MiB of events: one rotation.
    const big = { kind: "Event", pad: "x".repeat(1000) } as unknown as AuditEvent;
    for (let i = 0; i < 1100; i++) log?.write(big);
    await log?.close();
    const names = (await readdir(dir)).sort();
    assert.equal(names.length, 2);
    assert.match(names[0], /^audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.log$/);
    const lines = (await readFile(join(dir, names[0]), "utf8")).split("\n").filter(Boolean).length + (await readFile(path, "utf8")).split("\n").filter(Boolean).length;
    assert.equal(lines, 1100);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
