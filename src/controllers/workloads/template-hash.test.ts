import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { PodTemplateSpec } from "../../api/types.js";
import { canonicalJson, fnv32a, podTemplateHash, safeEncodeString } from "./template-hash.js";

const template = (image: string): PodTemplateSpec => deepFreeze({ metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image }] } });

test("fnv32a matches the published FNV-1a test vectors", async (t) => {
  const cases: { name: string; input: string; want: number }[] = [
    { name: "empty", input: "", want: 0x811c9dc5 },
    { name: "a", input: "a", want: 0xe40c292c },
    { name: "foobar", input: "foobar", want: 0xbf9cf968 },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(fnv32a(new TextEncoder().encode(c.input)), c.want));
});

test("safeEncodeString maps digits as rand.SafeEncodeString", () => {
  assert.equal(safeEncodeString("0123456789"), "456789bcdf");
  assert.equal(safeEncodeString("185947362"), "5d9f8c7b6");
});

test("canonicalJson sorts keys and drops undefined", () => {
  assert.equal(canonicalJson({ b: 1, a: [true, { d: undefined, c: "x" }] }), `{"a":[true,{"c":"x"}],"b":1}`);
});

test("podTemplateHash", async (t) => {
  const h = podTemplateHash(template("nginx:1.0"));
  await t.test("is short and uses the safe alphabet", () => assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/));
  await t.test("is deterministic, whatever the key order", () => {
    const reordered: PodTemplateSpec = { spec: { containers: [{ image: "nginx:1.0", name: "nginx" }] }, metadata: { labels: { app: "nginx" } } };
    assert.equal(podTemplateHash(reordered), h);
  });
  await t.test("changes with the template", () => assert.notEqual(podTemplateHash(template("nginx:1.1")), h));
  await t.test("changes with the collision count, and 0 differs from none", () => {
    const c0 = podTemplateHash(template("nginx:1.0"), 0);
    const c1 = podTemplateHash(template("nginx:1.0"), 1);
    assert.notEqual(c0, h);
    assert.notEqual(c1, c0);
  });
});
