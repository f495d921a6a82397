import { test } from "node:test";
import assert from "node:assert/strict";
import { etcdDataMismatch } from "./etcd-data-check.js";

test("etcdDataMismatch: nothing or the same members is fine; another size says how to fix it", () => {
  const root = "/d/etcd";
  const cases: [string[], number, RegExp | undefined][] = [
    [[], 3, undefined],
    [["lost+found"], 3, undefined],
    [["etcd-1", "etcd-2", "etcd-3"], 3, undefined],
    [["etcd-3", "etcd-1", "etcd-2"], 3, undefined],
    [["etcd-1"], 1, undefined],
    [["etcd-1", "etcd-2", "etcd-3"], 5, /^\/d\/etcd holds the data of a 3-member etcd cluster \(etcd-1, etcd-2, etcd-3\), not 5: run with --etcd-members 3, or remove \/d\/etcd/],
    [["etcd-1", "etcd-2", "etcd-3"], 1, /3-member .* not 1/],
    [["etcd-1", "etcd-3"], 2, /2-member etcd cluster \(etcd-1, etcd-3\), not 2/],
  ];
  for (const [existing, members, want] of cases) {
    const got = etcdDataMismatch(existing, members, root);
    if (want === undefined) assert.equal(got, undefined, existing.join());
    else assert.match(got ?? "", want, existing.join());
  }
});
