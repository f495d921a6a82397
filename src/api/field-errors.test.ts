import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, fieldErrorMessage, fieldErrors, path } from "./field-errors.js";

test("field error messages read as Kubernetes writes them", async (t) => {
  const cases: { name: string; err: ReturnType<typeof fieldErrors.invalid>; want: string }[] = [
    {
      name: "invalid number",
      err: fieldErrors.invalid(path("spec", "ports").index(0).child("port"), 70000, "must be between 1 and 65535, inclusive"),
      want: "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
    },
    { name: "required", err: fieldErrors.required(path("spec", "ports")), want: "spec.ports: Required value" },
    {
      name: "duplicate string",
      err: fieldErrors.duplicate(path("spec", "ports").index(1).child("name"), "http"),
      want: `spec.ports[1].name: Duplicate value: "http"`,
    },
    {
      name: "not supported",
      err: fieldErrors.notSupported(path("spec", "sessionAffinity"), "Sticky", ["ClientIP", "None"]),
      want: `spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"`,
    },
    { name: "forbidden", err: fieldErrors.forbidden(path("spec", "clusterIP"), "may not change"), want: "spec.clusterIP: Forbidden: may not change" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(fieldErrorMessage(c.err), c.want));
  }
});

test("aggregate of several errors is bracketed, of one is bare", () => {
  const a = fieldErrors.required("spec.ports");
  const b = fieldErrors.required("spec.selector");
  assert.equal(aggregateMessage([a]), "spec.ports: Required value");
  assert.equal(aggregateMessage([a, b]), "[spec.ports: Required value, spec.selector: Required value]");
});
