// The relay entry script run directly (this namespace, no `ip`): its usage errors, its ready
// line, and its exit when stdin ends.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { answers } from "./relay-server.js";

const SCRIPT = fileURLToPath(new URL("./relay-main.js", import.meta.url));

async function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ["pipe", "ignore", "pipe"] });
  const chunks: Buffer[] = [];
  child.stderr.on("data", (c: Buffer) => chunks.push(c));
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stderr: Buffer.concat(chunks).toString() };
}

describe("relay-main", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "svcnet-relay-main-test-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const usage: { name: string; args: string[]; message: RegExp }[] = [
    { name: "no arguments", args: [], message: /--socket and at least one --allow are required/ },
    { name: "no --allow", args: ["--socket", "/tmp/x.sock"], message: /--socket and at least one --allow are required/ },
    { name: "an unknown flag", args: ["--socket", "/tmp/x.sock", "--allow", "127.0.0.0/8", "--any"], message: /Unknown option '--any'/ },
  ];
  for (const c of usage) {
    it(`exits 2 with usage on ${c.name}`, async () => {
      const { code, stderr } = await run(c.args);
      assert.equal(code, 2);
      assert.match(stderr, c.message);
      assert.match(stderr, /usage: relay-main\.js --socket <path> --allow <ipv4 cidr>/);
    });
  }

  it("exits 1 on a bad range", async () => {
    const { code, stderr } = await run(["--socket", join(dir, "bad.sock"), "--allow", "10.0.0.0/40"]);
    assert.equal(code, 1);
    assert.match(stderr, /allowed range "10\.0\.0\.0\/40" is not an IPv4 CIDR/);
  });

  it("says ready once it listens, and exits 0 without its socket when stdin ends", async () => {
    const socketPath = join(dir, "main.sock");
    const child = spawn(process.execPath, [SCRIPT, "--socket", socketPath, "--allow", "127.0.0.0/8"], { stdio: ["pipe", "pipe", "inherit"] });
    const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
    assert.equal(line, "ready");
    assert.equal(await answers(socketPath), true);
    const closed = once(child, "close");
    child.stdin.end();
    const [code] = (await closed) as [number | null];
    assert.equal(code, 0);
    assert.equal(existsSync(socketPath), false);
  });
});
