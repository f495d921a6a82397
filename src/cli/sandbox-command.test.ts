import { test } from "node:test";
import assert from "node:assert/strict";
import { partsTable } from "./sandbox-command.js";

test("partsTable: kubectl-style columns; stopped, not ready and running parts", () => {
  const since = "2026-11-27T05:00:00.123Z";
  const table = partsTable([
    { name: "etcd-1", kind: "etcd", running: true, ready: true, pid: 4242, since, detail: "http://172.17.8.11:2379 in svcnet-up-cp-1" },
    { name: "etcd-2", kind: "etcd", running: true, ready: false, pid: 4243, since, detail: "no quorum" },
    { name: "core-v2-02", kind: "node", running: false, ready: false, since, detail: "unplugged" },
  ]);
  assert.deepEqual(table.split("\n"), [
    "NAME         KIND   STATUS     PID      SINCE                  DETAIL",
    "etcd-1       etcd   Running    4242     2026-11-27T05:00:00Z   http://172.17.8.11:2379 in svcnet-up-cp-1",
    "etcd-2       etcd   NotReady   4243     2026-11-27T05:00:00Z   no quorum",
    "core-v2-02   node   Stopped    <none>   2026-11-27T05:00:00Z   unplugged",
  ]);
});
