import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "./sqlite-store.js";

// Run the writer the way this file runs: as TypeScript through tsx, or compiled JavaScript.
const self = fileURLToPath(import.meta.url);
const ext = self.endsWith(".ts") ? ".ts" : ".js";
const writer = join(self, "..", `crash-writer${ext}`);
const nodeArgs = ext === ".ts" ? ["--import", "tsx"] : [];

for (const synchronous of ["full", "normal"] as const) {
  test(`SqliteStore (synchronous=${synchronous}): every write that resolved survives kill -9`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "svcnet-crash-"));
    try {
      const file = join(dir, "state.db");
      const child = spawn(process.execPath, [...nodeArgs, writer, file, synchronous, "8"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        child.once("exit", (code, signal) => resolve(signal ?? code)),
      );
      // Let it write for a while once it is up (tsx startup takes a moment).
      const deadline = Date.now() + 10_000;
      while (out.split("\n").length < 50 && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      child.kill("SIGKILL");
      assert.equal(await exited, "SIGKILL", `the writer died by itself: ${err}`);

      const printed = out.split("\n").filter((line) => line.startsWith("/crash/"));
      assert.ok(printed.length >= 50, `too few writes before the kill (${printed.length}): ${err}`);
      const store = SqliteStore.open(file, { autoCompact: false });
      try {
        const missing: string[] = [];
        for (const key of printed) {
          const kv = await store.get(key);
          if (kv?.value !== `value of ${key}`) missing.push(key);
        }
        assert.deepEqual(missing, [], `${missing.length} of ${printed.length} acknowledged writes lost`);
        const listed = await store.list("/crash/");
        assert.ok(listed.items.length >= printed.length);
        assert.equal(await store.currentRevision(), listed.items.length, "one revision per create, no holes");
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
