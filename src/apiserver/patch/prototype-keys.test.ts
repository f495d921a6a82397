// Keys that name Object.prototype's properties (`__proto__`, `constructor`) in every kind of
// patch: each is an ordinary key of the result, and no object of the process changes.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../api/json.js";
import { deepFreeze } from "../../api/json.js";
import { applyPatch } from "./index.js";

const live = (): JsonObject => deepFreeze({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "default" }, data: { a: "b" } });

const cases: { name: string; type: string; body: string; key: (o: JsonObject) => unknown }[] = [
  { name: "merge patch, top level", type: "application/merge-patch+json", body: '{"__proto__":{"polluted":true}}', key: (o) => o },
  { name: "merge patch, nested", type: "application/merge-patch+json", body: '{"metadata":{"__proto__":{"polluted":true}}}', key: (o) => o.metadata },
  { name: "merge patch, constructor.prototype", type: "application/merge-patch+json", body: '{"data":{"constructor":{"prototype":{"polluted":true}}}}', key: (o) => o.data },
  { name: "strategic merge patch, top level", type: "application/strategic-merge-patch+json", body: '{"__proto__":{"polluted":true}}', key: (o) => o },
  { name: "strategic merge patch, nested", type: "application/strategic-merge-patch+json", body: '{"data":{"__proto__":{"polluted":true}}}', key: (o) => o.data },
  { name: "JSON patch add", type: "application/json-patch+json", body: '[{"op":"add","path":"/data/__proto__","value":{"polluted":true}}]', key: (o) => o.data },
  { name: "JSON patch replace", type: "application/json-patch+json", body: '[{"op":"add","path":"/__proto__","value":{}},{"op":"replace","path":"/__proto__","value":{"polluted":true}}]', key: (o) => o },
  {
    name: "apply",
    type: "application/apply-patch+yaml",
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"__proto__":{"polluted":true}}}',
    key: (o) => o.data,
  },
];

for (const c of cases) {
  test(`${c.name}: __proto__ is an own key and pollutes nothing`, () => {
    const out = applyPatch({ apiVersion: "v1", kind: "ConfigMap" }, live(), c.type, c.body, { manager: "m", now: "2026-01-01T00:00:00Z" });
    assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype");
    const holder = c.key(out) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(holder), Object.prototype, "the holder's prototype");
    assert.equal(holder.polluted, undefined, "the holder inherits nothing");
    if (c.body.includes("__proto__")) assert.ok(Object.hasOwn(holder, "__proto__"), "kept as an own key");
  });
}
