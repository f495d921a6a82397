import { test } from "node:test";
import assert from "node:assert/strict";
import type { TerminalSize } from "./terminal-size.js";
import { TerminalResizer } from "./terminal-resizer.js";

/** A terminal that appears after `appearsAfter` lookups; records what was applied where. */
function fakeTerminal(appearsAfter: number, o: { failOn?: string[] } = {}) {
  let lookups = 0;
  const applied: [string, TerminalSize][] = [];
  return {
    applied,
    get lookups() {
      return lookups;
    },
    find: async () => (++lookups > appearsAfter ? `/proc/${lookups}/fd/0` : undefined),
    apply: async (device: string, size: TerminalSize) => {
      if (o.failOn?.includes(device)) throw new Error("gone");
      applied.push([device, size]);
    },
  };
}

test("a size waits for the terminal to appear, then the terminal is remembered", async () => {
  const term = fakeTerminal(3);
  const resizer = new TerminalResizer(1, { find: term.find, apply: term.apply, pollMs: 1 });
  assert.equal(await resizer.resize({ cols: 100, rows: 30 }), true);
  assert.equal(await resizer.resize({ cols: 90, rows: 20 }), true);
  assert.deepEqual(term.applied, [
    ["/proc/4/fd/0", { cols: 100, rows: 30 }],
    ["/proc/4/fd/0", { cols: 90, rows: 20 }],
  ]);
  assert.equal(term.lookups, 4);
});

test("a terminal that stops answering is looked for once more", async () => {
  const term = fakeTerminal(0, { failOn: ["/proc/1/fd/0"] });
  const resizer = new TerminalResizer(1, { find: term.find, apply: term.apply, pollMs: 1 });
  assert.equal(await resizer.resize({ cols: 1, rows: 2 }), true);
  assert.deepEqual(term.applied, [["/proc/2/fd/0", { cols: 1, rows: 2 }]]);
});

test("no terminal in time, or a stopped resizer: the size is dropped", async () => {
  const never = fakeTerminal(Infinity);
  const started = Date.now();
  assert.equal(await new TerminalResizer(1, { find: never.find, apply: never.apply, pollMs: 5, waitMs: 50 }).resize({ cols: 1, rows: 1 }), false);
  assert.ok(Date.now() - started < 1000);
  const stopped = new TerminalResizer(1, { find: never.find, apply: never.apply, pollMs: 5, waitMs: 10_000 });
  const pending = stopped.resize({ cols: 1, rows: 1 });
  stopped.stop();
  assert.equal(await pending, false);
  assert.deepEqual(never.applied, []);
});
