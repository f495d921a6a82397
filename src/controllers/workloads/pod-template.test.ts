import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Pod } from "../../api/types.js";
import { adoptedOwnerReferences, claimPods, controllerOf, isControlledBy, releasedOwnerReferences } from "./claim.js";
import { selectorOf } from "./owner-selector.js";
import { newControllerRef, podFromTemplate, podNamePrefix } from "./pod-template.js";
import { makePod, makeRC, ownedBy } from "./workload-fixtures.js";

test("podFromTemplate builds the pod a ReplicationController posts", () => {
  const rc = deepFreeze(
    makeRC((r) => {
      r.spec.template = {
        metadata: { name: "ignored", labels: { app: "nginx" }, annotations: { note: "x" }, finalizers: ["f"] },
        spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] },
      };
    }),
  );
  const pod = podFromTemplate(rc, rc.spec.template!, { ownerKind: "ReplicationController", apiVersion: "v1" });
  assert.deepEqual(pod, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: "nginx-controller-",
      namespace: "default",
      labels: { app: "nginx" },
      annotations: { note: "x" },
      finalizers: ["f"],
      ownerReferences: [{ apiVersion: "v1", kind: "ReplicationController", name: "nginx-controller", uid: "uid-rc", controller: true, blockOwnerDeletion: true }],
    },
    spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] },
  });
  // The spec is a copy: changing it leaves the (frozen) template alone.
  pod.spec.containers[0].image = "other";
  assert.equal(rc.spec.template!.spec.containers[0].image, "nginx");
  // Owner reference fields in upstream's order.
  assert.deepEqual(Object.keys(newControllerRef(rc, { ownerKind: "ReplicationController", apiVersion: "v1" })), ["apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"]);
});

test("podNamePrefix", async (t) => {
  const cases: { name: string; owner: string; want: string }[] = [
    { name: "short name gets a dash", owner: "nginx-controller", want: "nginx-controller-" },
    { name: "252 chars still fits", owner: "a".repeat(252), want: "a".repeat(252) + "-" },
    { name: "253 chars: no room for the dash", owner: "a".repeat(253), want: "a".repeat(253) },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(podNamePrefix(c.owner), c.want));
});

test("claimPods adopts, keeps and releases as the ControllerRefManager", async (t) => {
  const rc = makeRC();
  const other = { metadata: { name: "other", uid: "uid-other" } };
  const cases: { name: string; pod: Pod; ownerDeleting?: boolean; want: "owned" | "adopt" | "release" | "ignored" }[] = [
    { name: "controlled and matching", pod: makePod("a", ownedBy(rc, "ReplicationController", "v1")), want: "owned" },
    { name: "controlled, labels changed", pod: makePod("b", (p) => (ownedBy(rc, "ReplicationController", "v1")(p), (p.metadata.labels = { app: "x" }))), want: "release" },
    { name: "controlled, labels changed, owner deleting", pod: makePod("c", (p) => (ownedBy(rc, "ReplicationController", "v1")(p), (p.metadata.labels = { app: "x" }))), ownerDeleting: true, want: "ignored" },
    { name: "controlled by another", pod: makePod("d", ownedBy(other)), want: "ignored" },
    { name: "matching orphan", pod: makePod("e"), want: "adopt" },
    { name: "matching orphan, owner deleting", pod: makePod("f"), ownerDeleting: true, want: "ignored" },
    { name: "non-matching orphan", pod: makePod("g", (p) => (p.metadata.labels = { app: "x" })), want: "ignored" },
    { name: "orphan being deleted", pod: makePod("h", (p) => (p.metadata.deletionTimestamp = "2024-01-01T00:00:00Z")), want: "ignored" },
    { name: "orphan in another namespace", pod: makePod("i", (p) => (p.metadata.namespace = "kube-system")), want: "ignored" },
    {
      name: "non-controller owner reference counts as orphan",
      pod: makePod("j", (p) => (p.metadata.ownerReferences = [{ apiVersion: "v1", kind: "X", name: "x", uid: "uid-x" }])),
      want: "adopt",
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const owner = deepFreeze(makeRC((r) => c.ownerDeleting && (r.metadata.deletionTimestamp = "2024-01-01T00:00:00Z")));
      const res = claimPods(owner, [deepFreeze(c.pod)], { selector: selectorOf(owner) });
      const got = res.owned.length ? "owned" : res.adopt.length ? "adopt" : res.release.length ? "release" : "ignored";
      assert.equal(got, c.want);
    });
  }
});

test("controller references", () => {
  const rc = makeRC();
  const pod = deepFreeze(makePod("a", (p) => (p.metadata.ownerReferences = [{ apiVersion: "v1", kind: "X", name: "x", uid: "uid-x" }])));
  assert.equal(controllerOf(pod), undefined);
  assert.equal(isControlledBy(pod, rc), false);
  const ref = newControllerRef(rc, { ownerKind: "ReplicationController", apiVersion: "v1" });
  const adopted = adoptedOwnerReferences(pod, ref);
  assert.deepEqual(adopted.map((r) => r.uid), ["uid-x", "uid-rc"]);
  const withRef = deepFreeze({ ...pod, metadata: { ...pod.metadata, ownerReferences: adopted } });
  assert.equal(isControlledBy(withRef, rc), true);
  assert.deepEqual(releasedOwnerReferences(withRef, "uid-rc").map((r) => r.uid), ["uid-x"]);
});
