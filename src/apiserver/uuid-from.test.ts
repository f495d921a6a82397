import { test } from "node:test";
import assert from "node:assert/strict";
import { uuidFrom } from "./uuid-from.js";

test("uuidFrom: the same text, the same UUID-shaped name", () => {
  const cases: { name: string; text: string; want: string }[] = [
    { name: "a built-in flow schema", text: "flowschema/global-default", want: "a7081d99-1ae5-aa5e-2b9b-7f18c72067fc" },
    { name: "the empty text", text: "", want: "e3b0c442-98fc-1c14-9afb-f4c8996fb924" },
  ];
  for (const c of cases) assert.equal(uuidFrom(c.text), c.want, c.name);
  assert.match(uuidFrom("/var/lib/svcnet"), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});
