import { test } from "node:test";
import assert from "node:assert/strict";
import { auditIdOf } from "./audit-id.js";

const fresh = "00000000-0000-4000-8000-000000000001";

const cases: { name: string; header?: string; want: string }[] = [
  { name: "none sent: a new one", want: fresh },
  { name: "a front proxy's UUID is kept", header: "3f2b8c1e-9d4a-4f6b-a1c2-7e8d9f0a1b2c", want: "3f2b8c1e-9d4a-4f6b-a1c2-7e8d9f0a1b2c" },
  { name: "letters and digits", header: "trace42", want: "trace42" },
  { name: "empty", header: "", want: fresh },
  { name: "a single character", header: "a", want: fresh },
  { name: "leading hyphen", header: "-abc", want: fresh },
  { name: "trailing hyphen", header: "abc-", want: fresh },
  { name: "spaces and quotes", header: 'a"b c', want: fresh },
  { name: "longer than 256", header: "a".repeat(257), want: fresh },
  { name: "exactly 256", header: "a".repeat(256), want: "a".repeat(256) },
];

for (const c of cases) {
  test(`auditIdOf: ${c.name}`, () => {
    assert.equal(auditIdOf(c.header === undefined ? {} : { "audit-id": c.header }, () => fresh), c.want);
  });
}

test("auditIdOf: new IDs are UUIDs, different each time", () => {
  const a = auditIdOf({});
  const b = auditIdOf({});
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
});
