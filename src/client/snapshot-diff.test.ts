import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../api/types.js";
import { diffSnapshot } from "./snapshot-diff.js";

const o = (name: string, rv: string): KubeObject => ({ metadata: { namespace: "ns", name, resourceVersion: rv } });

const cases: { name: string; cached: KubeObject[]; fresh: KubeObject[]; want: { added: string[]; updated: string[]; deleted: string[] } }[] = [
  { name: "first list: everything is added", cached: [], fresh: [o("b", "2"), o("a", "1")], want: { added: ["ns/a@1", "ns/b@2"], updated: [], deleted: [] } },
  { name: "nothing changed: nothing to deliver", cached: [o("a", "1")], fresh: [o("a", "1")], want: { added: [], updated: [], deleted: [] } },
  {
    name: "changed, new and vanished objects",
    cached: [o("a", "1"), o("b", "2"), o("c", "3")],
    fresh: [o("a", "9"), o("c", "3"), o("d", "10")],
    want: { added: ["ns/d@10"], updated: ["ns/a@1->9"], deleted: ["ns/b@2"] },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const d = diffSnapshot(new Map(c.cached.map((x) => [`ns/${x.metadata.name}`, x])), c.fresh);
    const at = (x: KubeObject): string => `ns/${x.metadata.name}@${x.metadata.resourceVersion}`;
    assert.deepEqual(
      {
        added: d.added.map(at),
        updated: d.updated.map(([a, b]) => `${at(a)}->${b.metadata.resourceVersion}`),
        deleted: d.deleted.map(([k, x]) => `${k}@${x.metadata.resourceVersion}`),
      },
      c.want,
    );
  });
}
