import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { PodRecord } from "./pod-record.js";
import { parsePodRecord, readPodRecords, writePodRecord } from "./pod-record.js";

const good: PodRecord = {
  version: 1,
  key: "default/web",
  uid: "u-1",
  ip: "10.1.13.5",
  netns: "svcnet-up-pod-12345678",
  containers: {
    web: {
      info: { name: "web", restartCount: 2, current: { state: "running", startedAt: "2026-11-26T23:00:00Z", containerID: "svcnet://42" }, ready: true },
      process: { pid: 42, startTime: 123456 },
    },
    side: { info: { name: "side", restartCount: 1, waiting: { reason: "CrashLoopBackOff" } }, restartAt: 1_800_000_000_000 },
  },
};

describe("parsePodRecord", () => {
  it("accepts what writePodRecord writes", () => assert.deepEqual(parsePodRecord(JSON.parse(JSON.stringify(good))), good));
  const bad: { name: string; value: unknown; want: RegExp }[] = [
    { name: "not an object", value: [], want: /not an object/ },
    { name: "other version", value: { ...good, version: 2 }, want: /unknown version 2/ },
    { name: "empty key", value: { ...good, key: "" }, want: /key must be a non-empty string/ },
    { name: "no netns", value: { ...good, netns: undefined }, want: /netns must be/ },
    { name: "containers not an object", value: { ...good, containers: [] }, want: /containers must be an object/ },
    { name: "container without info", value: { ...good, containers: { web: {} } }, want: /container web has no info/ },
    { name: "info of another container", value: { ...good, containers: { web: { info: { name: "x", restartCount: 0 } } } }, want: /container web has a bad info/ },
    { name: "bad pid", value: { ...good, containers: { web: { info: { name: "web", restartCount: 0 }, process: { pid: "42", startTime: 1 } } } }, want: /bad process/ },
  ];
  for (const b of bad) it(`refuses: ${b.name}`, () => assert.throws(() => parsePodRecord(b.value), b.want));
});

describe("writePodRecord and readPodRecords", () => {
  it("round-trip records and report the directories they cannot read", () => {
    const pods = mkdtempSync(join(tmpdir(), "svcnet-pod-record-"));
    try {
      for (const d of ["a", "b", "c"]) mkdirSync(join(pods, d));
      writePodRecord(join(pods, "a"), good);
      writePodRecord(join(pods, "a"), { ...good, uid: "u-2" });
      writeFileSync(join(pods, "b", "pod.json"), "{not json");
      const { records, unreadable } = readPodRecords(pods);
      assert.deepEqual(records, [{ dir: join(pods, "a"), record: { ...good, uid: "u-2" } }]);
      assert.deepEqual(unreadable.map((u) => u.dir), [join(pods, "b"), join(pods, "c")]);
      assert.deepEqual(readPodRecords(join(pods, "missing")), { records: [], unreadable: [] });
    } finally {
      rmSync(pods, { recursive: true, force: true });
    }
  });
});
