import assert from "node:assert/strict";
import { test } from "node:test";
import type { ReadyzCheck } from "./readyz.js";
import { conditionCheck, pingCheck, readyzResponse, storageCheck } from "./readyz.js";

const failing: ReadyzCheck = { name: "etcd", run: () => Promise.reject(new Error("storage unavailable: etcd has no leader")) };
const passing: ReadyzCheck = { name: "etcd", run: () => Promise.resolve() };

test("readyzResponse answers as kube-apiserver's /readyz", async () => {
  const cases: { name: string; checks: ReadyzCheck[]; query: string; status: number; body: string }[] = [
    { name: "all pass", checks: [pingCheck, passing], query: "", status: 200, body: "ok" },
    { name: "all pass, verbose", checks: [pingCheck, passing], query: "verbose", status: 200, body: "[+]ping ok\n[+]etcd ok\nreadyz check passed\n" },
    { name: "storage failing: every line, reason withheld", checks: [pingCheck, failing], query: "", status: 503, body: "[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n" },
    { name: "storage failing but excluded", checks: [pingCheck, failing], query: "exclude=etcd", status: 200, body: "ok" },
    {
      name: "not bootstrapped",
      checks: [pingCheck, passing, conditionCheck("poststarthook/svcnet-bootstrap", () => false, "not yet")],
      query: "",
      status: 503,
      body: "[+]ping ok\n[+]etcd ok\n[-]poststarthook/svcnet-bootstrap failed: reason withheld\nreadyz check failed\n",
    },
  ];
  for (const c of cases) {
    const res = await readyzResponse(c.checks, new URLSearchParams(c.query));
    assert.equal(res.status, c.status, c.name);
    assert.equal(res.body, c.body, c.name);
  }
});

test("storageCheck reads at most once per ttl, fails on a slow store, and reports changes", async () => {
  let now = 0;
  let reads = 0;
  let mode: "ok" | "fail" | "hang" = "ok";
  const changes: string[] = [];
  const check = storageCheck(
    () => {
      reads++;
      if (mode === "fail") return Promise.reject(new Error("no leader"));
      if (mode === "hang") return new Promise(() => undefined);
      return Promise.resolve(7);
    },
    { ttlMs: 1000, timeoutMs: 50, now: () => now, onChange: (ready, why) => changes.push(ready ? "ready" : `unready: ${why}`) },
  );
  await Promise.all([check.run(), check.run()]);
  assert.equal(reads, 1, "concurrent runs share one read");
  mode = "fail";
  await check.run();
  assert.equal(reads, 1, "within the ttl the result is reused");
  now = 1000;
  await assert.rejects(check.run(), /no leader/);
  now = 2000;
  mode = "hang";
  await assert.rejects(check.run(), /no answer from the storage within 50 ms/);
  now = 3000;
  mode = "ok";
  await check.run();
  assert.deepEqual(changes, ["unready: no leader", "ready"]);
});
