import { test } from "node:test";
import assert from "node:assert/strict";
import { rotatedFilePath, rotationTimeOf } from "./rotated-file-name.js";

const at = new Date(Date.UTC(2026, 0, 2, 15, 4, 5, 123));

const paths: { name: string; log: string; want: string }[] = [
  { name: "with an extension", log: "/var/lib/svcnet/audit.log", want: "/var/lib/svcnet/audit-2026-01-02T15-04-05.123.log" },
  { name: "without one", log: "/tmp/audit", want: "/tmp/audit-2026-01-02T15-04-05.123" },
  { name: "dots in the name", log: "/tmp/kube.audit.json", want: "/tmp/kube.audit-2026-01-02T15-04-05.123.json" },
];

for (const c of paths) {
  test(`rotatedFilePath: ${c.name}`, () => {
    assert.equal(rotatedFilePath(c.log, at), c.want);
  });
}

const names: { name: string; file: string; want: Date | undefined }[] = [
  { name: "a rotated file", file: "audit-2026-01-02T15-04-05.123.log", want: at },
  { name: "the log itself", file: "audit.log", want: undefined },
  { name: "another log's rotated file", file: "other-2026-01-02T15-04-05.123.log", want: undefined },
  { name: "another extension", file: "audit-2026-01-02T15-04-05.123.log.gz", want: undefined },
  { name: "not a time", file: "audit-yesterday.log", want: undefined },
  { name: "an impossible date", file: "audit-2026-13-45T15-04-05.123.log", want: undefined },
];

for (const c of names) {
  test(`rotationTimeOf: ${c.name}`, () => {
    assert.deepEqual(rotationTimeOf("/var/lib/svcnet/audit.log", c.file), c.want);
  });
}

test("rotationTimeOf reads back what rotatedFilePath wrote", () => {
  const p = rotatedFilePath("/d/audit.log", at);
  assert.deepEqual(rotationTimeOf("/d/audit.log", p.slice("/d/".length)), at);
});
