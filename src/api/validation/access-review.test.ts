import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import type { KubeObject } from "../types.js";
import { goObjectMeta, validateAccessReview } from "./access-review.js";

const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");

function review(kind: string, spec: Record<string, unknown>, metadata: KubeObject["metadata"] = {}): KubeObject {
  return { apiVersion: "authorization.k8s.io/v1", kind, metadata, spec };
}

describe("access review validation", () => {
  const cases: { name: string; kind: string; obj: KubeObject; want: string }[] = [
    { name: "self review of a resource", kind: "SelfSubjectAccessReview", obj: review("SelfSubjectAccessReview", { resourceAttributes: { verb: "list", resource: "pods" } }), want: "" },
    { name: "self review of a path", kind: "SelfSubjectAccessReview", obj: review("SelfSubjectAccessReview", { nonResourceAttributes: { path: "/healthz", verb: "get" } }), want: "" },
    {
      name: "managed fields do not count as metadata",
      kind: "SelfSubjectAccessReview",
      obj: review("SelfSubjectAccessReview", { resourceAttributes: {} }, { managedFields: [{ manager: "kubectl" }], labels: {}, creationTimestamp: null }),
      want: "",
    },
    {
      name: "a review of nothing",
      kind: "SubjectAccessReview",
      obj: review("SubjectAccessReview", { groups: ["devs"] }),
      want: `spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
    },
    {
      name: "a review of nothing by nobody",
      kind: "SubjectAccessReview",
      obj: review("SubjectAccessReview", {}),
      want:
        `[spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, ` +
        `spec.user: Invalid value: "": at least one of user or group must be specified]`,
    },
    { name: "a group is enough", kind: "SubjectAccessReview", obj: review("SubjectAccessReview", { groups: ["devs"], resourceAttributes: {} }), want: "" },
    {
      name: "local review of a path",
      kind: "LocalSubjectAccessReview",
      obj: review("LocalSubjectAccessReview", { user: "bob", nonResourceAttributes: { path: "/healthz" } }, { namespace: "default" }),
      want: `spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/healthz", Verb:""}: disallowed on this kind of request`,
    },
    {
      name: "local review with a name",
      kind: "LocalSubjectAccessReview",
      obj: review("LocalSubjectAccessReview", { user: "bob", resourceAttributes: { namespace: "default" } }, { namespace: "default", name: "n" }),
      want:
        `metadata: Invalid value: v1.ObjectMeta{Name:"n", GenerateName:"", Namespace:"default", SelfLink:"", UID:"", ResourceVersion:"", Generation:0, ` +
        `CreationTimestamp:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC), DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), ` +
        `Labels:map[string]string(nil), Annotations:map[string]string(nil), OwnerReferences:[]v1.OwnerReference(nil), Finalizers:[]string(nil), ` +
        `ManagedFields:[]v1.ManagedFieldsEntry(nil)}: must be empty except for namespace`,
    },
    { name: "rules reviews have no rules here", kind: "SelfSubjectRulesReview", obj: review("SelfSubjectRulesReview", {}, { name: "x" }), want: "" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(msg(validateAccessReview(c.kind, c.obj)), c.want));
});

describe("goObjectMeta", () => {
  it("renders set fields the way Go's %#v does", () => {
    const text = goObjectMeta({ name: "x", labels: { b: "2", a: "1" }, finalizers: ["f"], creationTimestamp: "2026-01-02T03:04:05Z", generation: 3 });
    assert.match(text, /Generation:3, CreationTimestamp:time\.Date\(2026, time\.January, 2, 3, 4, 5, 0, time\.Local\)/);
    assert.match(text, /Labels:map\[string\]string\{"a":"1", "b":"2"\}/);
    assert.match(text, /Finalizers:\[\]string\{"f"\}/);
  });
});
