import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage } from "../field-errors.js";
import type { JsonObject } from "../json.js";
import { IP_ADDRESS_POOL_DEFINITION, L2_ADVERTISEMENT_DEFINITION } from "./metallb-schemas.js";
import { applySchemaDefaults, dropNullFields, schemaValidationErrors } from "./structural-schema.js";

const pool = (spec: unknown, more: JsonObject = {}): JsonObject => ({ apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: "p" }, spec: spec as JsonObject, ...more });

describe("schemaValidationErrors", () => {
  const cases: { name: string; definition: string; obj: JsonObject; want: string }[] = [
    { name: "fits", definition: IP_ADDRESS_POOL_DEFINITION, obj: pool({ addresses: ["a"], autoAssign: false, serviceAllocation: { priority: 3 } }), want: "" },
    { name: "required spec", definition: IP_ADDRESS_POOL_DEFINITION, obj: { metadata: { name: "p" } }, want: "spec: Required value" },
    { name: "spec not required on an advertisement", definition: L2_ADVERTISEMENT_DEFINITION, obj: { metadata: { name: "a" } }, want: "" },
    { name: "object expected", definition: IP_ADDRESS_POOL_DEFINITION, obj: pool("x"), want: `spec: Invalid value: "string": spec in body must be of type object: "string"` },
    { name: "integer expected, got a fraction", definition: IP_ADDRESS_POOL_DEFINITION, obj: pool({ addresses: [], serviceAllocation: { priority: 0.5 } }), want: `spec.serviceAllocation.priority: Invalid value: "number": spec.serviceAllocation.priority in body must be of type integer: "number"` },
    { name: "null in a list", definition: L2_ADVERTISEMENT_DEFINITION, obj: { metadata: {}, spec: { interfaces: [null] } }, want: `spec.interfaces[0]: Invalid value: "null": spec.interfaces[0] in body must be of type string: "null"` },
    { name: "metadata is not walked (ObjectMeta has rules of its own)", definition: IP_ADDRESS_POOL_DEFINITION, obj: pool({ addresses: [] }, { metadata: { name: 7 } as unknown as JsonObject }), want: "" },
    {
      name: "several errors",
      definition: IP_ADDRESS_POOL_DEFINITION,
      obj: pool({ autoAssign: 1, avoidBuggyIPs: "no" }),
      want: `[spec.addresses: Required value, spec.autoAssign: Invalid value: "integer": spec.autoAssign in body must be of type boolean: "integer", spec.avoidBuggyIPs: Invalid value: "string": spec.avoidBuggyIPs in body must be of type boolean: "string"]`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const errs = schemaValidationErrors(c.definition, c.obj);
      assert.equal(errs.length ? aggregateMessage(errs) : "", c.want);
    });
  }
});

describe("dropNullFields and applySchemaDefaults", () => {
  it("drop nulls of declared fields only, then fill defaults", () => {
    const obj = pool({ addresses: ["a"], autoAssign: null, unknown: null });
    dropNullFields(IP_ADDRESS_POOL_DEFINITION, obj);
    assert.deepEqual(obj.spec, { addresses: ["a"], unknown: null });
    applySchemaDefaults(IP_ADDRESS_POOL_DEFINITION, obj);
    assert.deepEqual(obj.spec, { addresses: ["a"], unknown: null, autoAssign: true, avoidBuggyIPs: false });
  });

  it("never touch metadata", () => {
    const obj = pool({ addresses: [] }, { metadata: { name: "p", labels: null } });
    dropNullFields(IP_ADDRESS_POOL_DEFINITION, obj);
    applySchemaDefaults(IP_ADDRESS_POOL_DEFINITION, obj);
    assert.deepEqual(obj.metadata, { name: "p", labels: null });
  });

  it("throw for an unknown definition", () => {
    assert.throws(() => applySchemaDefaults("io.example.v1.Nope", {}), /unknown schema definition/);
  });
});
