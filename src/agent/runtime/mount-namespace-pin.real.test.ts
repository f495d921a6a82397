// Why a container's mount namespace is held (as root): the kernel gives a freed namespace's number
// to the next one made, so a number read from a process that has ended names someone else's
// namespace at once. Held, the number stays the container's.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { test } from "node:test";
import { pinMountNamespace } from "./mount-namespace-pin.js";

const skip = process.getuid?.() === 0 ? false : "needs root (unshare --mount)";

/** The mount namespace id a fresh `unshare --mount` process gets. */
const freshNamespace = (): string => spawnSync("unshare", ["--mount", "readlink", "/proc/self/ns/mnt"], { encoding: "utf8" }).stdout.trim();

test("a held mount namespace keeps its number after its last process ended; released, the number goes to the next namespace", { skip }, async () => {
  const child = spawn("unshare", ["--mount", "sleep", "30"], { stdio: "ignore" });
  const ended = new Promise((r) => child.once("exit", r));
  // Wait until unshare has moved into its namespace (it execs sleep there).
  let pin = await pinMountNamespace(child.pid ?? 0);
  for (let i = 0; i < 50 && pin?.id === spawnSync("readlink", ["/proc/self/ns/mnt"], { encoding: "utf8" }).stdout.trim(); i++) {
    await pin?.release();
    await new Promise((r) => setTimeout(r, 20));
    pin = await pinMountNamespace(child.pid ?? 0);
  }
  assert.ok(pin, "the process's namespace could be opened");
  const id = pin.id;
  child.kill("SIGKILL");
  await ended;
  for (let i = 0; i < 5; i++) assert.notEqual(freshNamespace(), id, "a new namespace never gets the number of one still held");
  assert.equal(pin.held, true);
  await pin.release();
  assert.equal(pin.held, false);
  await pin.release();
  const reused = Array.from({ length: 5 }, freshNamespace);
  assert.ok(reused.includes(id), `once released, the number is handed out again (${id} not in ${reused.join(", ")}): without the hold, killing "everything in ${id}" would hit these`);
});

test("pinMountNamespace: undefined for a process that does not exist", async () => {
  assert.equal(await pinMountNamespace(2 ** 22 + 7), undefined);
});
