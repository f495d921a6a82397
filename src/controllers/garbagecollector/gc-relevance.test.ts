import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../api/types.js";
import { addAffectsGarbageCollection, updateAffectsGarbageCollection } from "./gc-relevance.js";

const owner = { apiVersion: "v1", kind: "ReplicationController", name: "web", uid: "u-rc", controller: true };
const obj = (metadata: Partial<KubeObject["metadata"]> = {}, status: unknown = undefined): KubeObject =>
  ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default", uid: "u-p", ...metadata }, ...(status === undefined ? {} : { status }) }) as KubeObject;

describe("addAffectsGarbageCollection", () => {
  const cases: { name: string; o: KubeObject; want: boolean }[] = [
    { name: "no owners, not deleting (an Endpoints object, a ConfigMap)", o: obj(), want: false },
    { name: "with owners (they may be gone already)", o: obj({ ownerReferences: [owner] }), want: true },
    { name: "already being deleted", o: obj({ deletionTimestamp: "2026-11-27T00:00:00Z", finalizers: ["foregroundDeletion"] }), want: true },
  ];
  for (const c of cases) it(c.name, () => assert.equal(addAffectsGarbageCollection(c.o), c.want));
});

describe("updateAffectsGarbageCollection", () => {
  const base = obj({ ownerReferences: [owner] }, { phase: "Pending" });
  const cases: { name: string; now: KubeObject; want: boolean }[] = [
    { name: "status only (a pod becoming Running)", now: obj({ ownerReferences: [owner] }, { phase: "Running" }), want: false },
    { name: "labels only", now: obj({ ownerReferences: [owner], labels: { a: "b" } }, { phase: "Pending" }), want: false },
    { name: "owner removed (orphaned by hand)", now: obj({}, { phase: "Pending" }), want: true },
    { name: "owner added", now: obj({ ownerReferences: [owner, { ...owner, uid: "u-2", name: "other", controller: false }] }, { phase: "Pending" }), want: true },
    { name: "deletion starts", now: obj({ ownerReferences: [owner], deletionTimestamp: "2026-11-27T00:00:00Z" }, { phase: "Pending" }), want: true },
    { name: "a finalizer goes", now: obj({ ownerReferences: [owner], finalizers: ["orphan"] }, { phase: "Pending" }), want: true },
    { name: "blockOwnerDeletion changes", now: obj({ ownerReferences: [{ ...owner, blockOwnerDeletion: true }] }, { phase: "Pending" }), want: true },
  ];
  for (const c of cases) it(c.name, () => assert.equal(updateAffectsGarbageCollection(base, c.now), c.want));
});
