import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findProcesses, isRunning, mountNamespaceOf, parseProcStat } from "./proc-scan.js";

describe("parseProcStat", () => {
  const cases = [
    { name: "simple", text: "123 (sleep) S 100 123 123 0 -1", want: { pid: 123, state: "S", ppid: 100, pgid: 123 } },
    { name: "name with spaces and parens", text: "7 (a) b (c)) Z 1 5 5 0", want: { pid: 7, state: "Z", ppid: 1, pgid: 5 } },
    { name: "truncated", text: "7 (a) S", want: undefined },
    { name: "garbage", text: "hello", want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseProcStat(c.text), c.want));
});

describe("proc readers", () => {
  it("see this process and not a pid that does not exist", async () => {
    assert.equal(await isRunning(process.pid), true);
    assert.equal(await isRunning(2 ** 22 + 1), false);
    assert.match((await mountNamespaceOf(process.pid)) ?? "", /^mnt:\[\d+\]$/);
    assert.equal(await mountNamespaceOf(2 ** 22 + 1), undefined);
    assert.deepEqual(await findProcesses({ pgid: 2 ** 22 + 1 }), []);
  });
});
