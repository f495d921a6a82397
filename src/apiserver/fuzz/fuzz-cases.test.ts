import { test } from "node:test";
import assert from "node:assert/strict";
import { resources } from "../../api/resources.js";
import type { FuzzCase, FuzzTargets } from "./fuzz-cases.js";
import { describeCase, fuzzCase, operationsFor } from "./fuzz-cases.js";

const targets: FuzzTargets = { protectedNamespace: "fixed-ns", scratchNamespace: "scratch-ns", token: "tok" };
const writes = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function cases(seed: number, n: number): FuzzCase[] {
  return Array.from({ length: n }, (_, i) => fuzzCase(seed, i, targets));
}

test("fuzzCase: case n of a seed is always the same request", () => {
  for (const i of [0, 1, 19, 500, 4321]) {
    const a = fuzzCase(77, i, targets);
    const b = fuzzCase(77, i, targets);
    assert.equal(describeCase(a), describeCase(b));
    assert.ok(a.body.equals(b.body));
  }
  assert.notEqual(describeCase(fuzzCase(77, 3, targets)), describeCase(fuzzCase(78, 3, targets)));
});

test("fuzzCase: the first cases try every operation of every resource", () => {
  const maxOps = Math.max(...resources.map((r) => operationsFor(r).length));
  const n = Math.ceil((resources.length * maxOps * 20) / 19) + 20;
  const seen = new Set(cases(1, n).map((c) => c.name.split(";")[0].replace(/ (protected|scratch).*$/, "")));
  for (const r of resources) {
    for (const op of operationsFor(r)) {
      const what = `${op.subresource ? `${r.resource}/${op.subresource}` : r.resource}${op.patchType ? ` (${op.patchType.split("/")[1]})` : ""} ${op.verb}`;
      assert.ok([...seen].some((s) => s.endsWith(what)), `never tried: ${what}`);
    }
  }
});

// The contract that keeps "stored data unchanged" checkable (fuzz-cases.ts).
test("fuzzCase: a write at the protected objects must be refused or is a dry run", () => {
  for (const c of cases(5, 5000)) {
    if (!writes.has(c.method) || !/ protected/.test(c.name.split(";")[0])) continue;
    assert.ok(c.expect === "reject" || new URLSearchParams(c.query).getAll("dryRun").includes("All"), describeCase(c));
  }
});

test("fuzzCase: a write that may succeed names no protected object, unless a dry run", () => {
  for (const c of cases(6, 5000)) {
    if (!writes.has(c.method) || c.expect === "reject") continue;
    if (new URLSearchParams(c.query).getAll("dryRun").includes("All")) continue;
    assert.ok(!c.path.includes(targets.protectedNamespace) && !c.body.includes(targets.protectedNamespace), describeCase(c));
  }
});
