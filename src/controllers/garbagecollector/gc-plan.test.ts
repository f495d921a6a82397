import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import { findResource } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import type { GcEntry } from "./gc-plan.js";
import { planGarbageCollection } from "./gc-plan.js";

const rc = findResource("", "v1", "replicationcontrollers");
const pods = findResource("", "v1", "pods");
assert.ok(rc && pods);

function entry(kind: "rc" | "pod", name: string, meta: Partial<KubeObject["metadata"]> = {}): GcEntry {
  return deepFreeze({ resource: kind === "rc" ? rc : pods, object: { metadata: { name, namespace: "default", uid: `uid-${name}`, ...meta } } }) as GcEntry;
}

const ref = (owner: string, block = false) => ({ apiVersion: "v1", kind: "ReplicationController", name: owner, uid: `uid-${owner}`, controller: true, blockOwnerDeletion: block });

test("garbage collection plans", async (t) => {
  const cases: { name: string; all: GcEntry[]; want: string[] }[] = [
    { name: "owner present: nothing", all: [entry("rc", "web"), entry("pod", "web-1", { ownerReferences: [ref("web")] })], want: [] },
    { name: "owner gone: dependent deleted in background", all: [entry("pod", "web-1", { ownerReferences: [ref("web")] })], want: ["deleteIfOwnersGone web-1"] },
    {
      name: "one of two owners left: kept",
      all: [entry("rc", "a"), entry("pod", "p", { ownerReferences: [ref("a"), ref("gone")] })],
      want: [],
    },
    {
      name: "orphan: references removed, then the finalizer",
      all: [entry("rc", "web", { deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: ["orphan"] }), entry("pod", "web-1", { ownerReferences: [ref("web")] })],
      want: ["removeOwnerReference web-1", "removeFinalizer web orphan"],
    },
    {
      name: "foreground: dependents first, owner waits for blocking ones",
      all: [
        entry("rc", "web", { deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: ["foregroundDeletion"] }),
        entry("pod", "web-1", { ownerReferences: [ref("web", true)] }),
      ],
      want: ["deleteDependent web-1"],
    },
    {
      name: "foreground: no blocking dependents, the finalizer goes",
      all: [entry("rc", "web", { deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: ["foregroundDeletion"] }), entry("pod", "web-1", { ownerReferences: [ref("web")] })],
      want: ["deleteDependent web-1", "removeFinalizer web foregroundDeletion"],
    },
    {
      name: "a dependent already being deleted is left to finish",
      all: [entry("pod", "web-1", { ownerReferences: [ref("web")], deletionTimestamp: "2026-01-01T00:00:00Z" })],
      want: [],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = planGarbageCollection(c.all).map((a) =>
        a.type === "removeFinalizer" ? `${a.type} ${a.target.object.metadata.name} ${a.finalizer}` : `${a.type} ${a.target.object.metadata.name}`,
      );
      assert.deepEqual(got, c.want);
    });
  }
});
