import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage } from "../field-errors.js";
import type { ObjectMeta } from "../types.js";
import { nameIsDNSLabel, nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";

const ok = "";
const msg = (errs: Parameters<typeof aggregateMessage>[0]): string => (errs.length ? aggregateMessage(errs) : ok);

test("object metadata on create", async (t) => {
  const cases: { name: string; meta: ObjectMeta; namespaced?: boolean; want: string }[] = [
    { name: "valid", meta: { name: "nginx", namespace: "default", labels: { app: "nginx" } }, want: ok },
    { name: "namespace required", meta: { name: "nginx" }, want: "metadata.namespace: Required value" },
    {
      name: "namespace not a label",
      meta: { name: "nginx", namespace: "my.ns" },
      want: `metadata.namespace: Invalid value: "my.ns": must not contain dots`,
    },
    { name: "namespace forbidden on cluster-scoped kinds", meta: { name: "n1", namespace: "default" }, namespaced: false, want: "metadata.namespace: Forbidden: not allowed on this type" },
    {
      name: "bad generateName",
      meta: { generateName: "Web-", name: "web-abcde", namespace: "default" },
      want:
        `metadata.generateName: Invalid value: "Web-": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
    {
      name: "bad label key",
      meta: { name: "a", namespace: "default", labels: { "-x": "y" } },
      want:
        `metadata.labels: Invalid value: "-x": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    },
    {
      name: "annotations too large",
      meta: { name: "a", namespace: "default", annotations: { big: "x".repeat(256 * 1024) } },
      want: "metadata.annotations: Too long: may not be more than 262144 bytes",
    },
    { name: "annotation keys are case-insensitive", meta: { name: "a", namespace: "default", annotations: { "Example.COM/Key": "v" } }, want: ok },
    {
      name: "owner without uid",
      meta: { name: "a", namespace: "default", ownerReferences: [{ apiVersion: "v1", kind: "ReplicationController", name: "rc", uid: "" }] },
      want: `metadata.ownerReferences.uid: Invalid value: "": must not be empty`,
    },
    {
      name: "two controllers",
      meta: {
        name: "a",
        namespace: "default",
        ownerReferences: [
          { apiVersion: "v1", kind: "ReplicationController", name: "a", uid: "1", controller: true },
          { apiVersion: "apps/v1", kind: "ReplicaSet", name: "b", uid: "2", controller: true },
        ],
      },
      want:
        `metadata.ownerReferences: Invalid value: []v1.OwnerReference{v1.OwnerReference{APIVersion:"v1", Kind:"ReplicationController", Name:"a", UID:"1", Controller:(*bool)(true), BlockOwnerDeletion:(*bool)(nil)}, ` +
        `v1.OwnerReference{APIVersion:"apps/v1", Kind:"ReplicaSet", Name:"b", UID:"2", Controller:(*bool)(true), BlockOwnerDeletion:(*bool)(nil)}}: ` +
        `Only one reference can have Controller set to true. Found "true" in references for ReplicationController/a and ReplicaSet/b`,
    },
    {
      name: "conflicting finalizers",
      meta: { name: "a", namespace: "default", finalizers: ["orphan", "foregroundDeletion"] },
      want: `metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set`,
    },
    { name: "negative generation", meta: { name: "a", namespace: "default", generation: -1 }, want: "metadata.generation: Invalid value: -1: must be greater than or equal to 0" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const namespaced = c.namespaced ?? true;
      assert.equal(msg(validateObjectMeta(c.meta, { namespaced, nameValidator: namespaced ? nameIsDNSSubdomain : nameIsDNSLabel })), c.want);
    });
  }
});

test("object metadata on update", async (t) => {
  const old: ObjectMeta = { name: "a", namespace: "default", uid: "u1", generation: 2, creationTimestamp: "2025-01-01T00:00:00Z", finalizers: ["x.io/f"] };
  const cases: { name: string; next: ObjectMeta; old?: ObjectMeta; want: string }[] = [
    { name: "unchanged", next: { ...old }, want: ok },
    { name: "label change", next: { ...old, labels: { tier: "web" } }, want: ok },
    { name: "name immutable", next: { ...old, name: "b" }, want: `metadata.name: Invalid value: "b": field is immutable` },
    { name: "generation decremented", next: { ...old, generation: 1 }, want: "metadata.generation: Invalid value: 1: must not be decremented" },
    {
      name: "no new finalizers while deleting",
      old: { ...old, deletionTimestamp: "2025-01-02T00:00:00Z" },
      next: { ...old, deletionTimestamp: "2025-01-02T00:00:00Z", finalizers: ["x.io/f", "y.io/g"] },
      want: `metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"y.io/g"}`,
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(msg(validateObjectMetaUpdate(c.next, c.old ?? old)), c.want));
});
