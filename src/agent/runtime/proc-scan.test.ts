import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findProcesses, isRunning, isSameProcessRunning, mountNamespaceOf, parseProcStat, processEnvironment, readProcStat } from "./proc-scan.js";

describe("parseProcStat", () => {
  const cases = [
    {
      name: "simple",
      text: "123 (sleep) S 100 123 123 0 -1 4194304 90 0 0 0 0 0 0 0 20 0 1 0 5261234 2240512 230",
      want: { pid: 123, state: "S", ppid: 100, pgid: 123, startTime: 5261234 },
    },
    {
      name: "name with spaces and parens",
      text: "7 (a) b (c)) Z 1 5 5 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 0 0",
      want: { pid: 7, state: "Z", ppid: 1, pgid: 5, startTime: 42 },
    },
    { name: "truncated", text: "7 (a) S", want: undefined },
    { name: "no start time", text: "123 (sleep) S 100 123 123 0 -1", want: undefined },
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
  it("tell a process by pid and start time, and read its environment", async () => {
    const self = await readProcStat(process.pid);
    assert.ok(self);
    assert.equal(await isSameProcessRunning(process.pid, self.startTime), true);
    assert.equal(await isSameProcessRunning(process.pid, self.startTime + 1), false, "another start time is another process");
    assert.equal((await processEnvironment(process.pid))?.["PATH"], process.env["PATH"]);
    assert.equal(await processEnvironment(2 ** 22 + 1), undefined);
  });
});
