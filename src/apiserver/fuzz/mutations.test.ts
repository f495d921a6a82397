import { test } from "node:test";
import assert from "node:assert/strict";
import { isApiError } from "../../api/errors.js";
import { resources } from "../../api/resources.js";
import { decodeObjectBody } from "../body.js";
import { expectedFor } from "../resource-handler.js";
import { docOf, encodeDoc } from "./json-doc.js";
import { textBytes } from "./hostile-body.js";
import { mutateDoc } from "./mutations.js";
import { Random } from "./random.js";
import { validObject } from "./valid-objects.js";

// The fuzzer demands a 4xx for a mutation it calls rejected: check that claim against the
// decoder itself, for every built-in kind (custom resources leave types to validation).
test("a mutation said to be rejected does not decode as its kind", () => {
  for (const r of resources.filter((x) => !x.customResource)) {
    for (let seed = 0; seed < 60; seed++) {
      const rng = new Random(seed * 7919 + r.resource.length);
      const doc = docOf(validObject(r, "ns", "obj"));
      const m = mutateDoc(rng, doc, { mustReject: true });
      assert.equal(m.rejected, true, `${r.resource} #${seed}: ${m.name}`);
      const body = textBytes(encodeDoc(doc));
      assert.throws(
        () => decodeObjectBody(body, "application/json", expectedFor(r), "Warn"),
        (e: unknown) => isApiError(e) && e.code === 400,
        `${r.resource} #${seed}: ${m.name} decoded: ${body.subarray(0, 300).toString()}`,
      );
    }
  }
});

test("mutations leave the original object alone and are reproducible", () => {
  const r = resources.find((x) => x.resource === "services");
  assert.ok(r);
  const a = docOf(validObject(r, "ns", "svc"));
  const b = docOf(validObject(r, "ns", "svc"));
  const ma = mutateDoc(new Random(5), a);
  const mb = mutateDoc(new Random(5), b);
  assert.equal(ma.name, mb.name);
  assert.equal(encodeDoc(a), encodeDoc(b));
});

test("on custom resources, a retype below metadata is not claimed to be rejected", () => {
  const untyped = (path: string): boolean => !path.startsWith("metadata");
  for (let seed = 0; seed < 200; seed++) {
    const doc = docOf({ apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", spec: { addresses: ["192.0.2.0/28"] } });
    const m = mutateDoc(new Random(seed), doc, { untyped });
    if (m.name.startsWith("retype spec") && !m.name.includes(",")) assert.equal(m.rejected, false, m.name);
  }
});
