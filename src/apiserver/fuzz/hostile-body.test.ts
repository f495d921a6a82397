import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { docOf, encodeDoc, invalidUtf8Marker, raw, val } from "./json-doc.js";
import { aliasBomb, capturedProtobuf, damageProtobuf, objectBody, patchBody, textBytes, truncate, yamlText } from "./hostile-body.js";
import { Random } from "./random.js";

const doc = docOf({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "b" } });

test("textBytes: the marker becomes bytes that are not UTF-8", () => {
  const bytes = textBytes(`"a${invalidUtf8Marker}b"`);
  assert.notEqual(bytes.toString("utf8"), `"a${invalidUtf8Marker}b"`);
  assert.ok(bytes.toString("utf8").includes("\uFFFD"));
  assert.deepEqual(textBytes("plain"), Buffer.from("plain"));
});

test("truncate: a proper prefix, never valid JSON for an object", () => {
  const rng = new Random(3);
  const text = Buffer.from(encodeDoc(doc));
  for (let i = 0; i < 100; i++) {
    const cut = truncate(rng, text);
    assert.ok(cut.length < text.length && text.subarray(0, cut.length).equals(cut));
    assert.throws(() => JSON.parse(cut.toString()) as unknown);
  }
});

test("yamlText: block YAML where it can, JSON text otherwise; both mean the same", () => {
  assert.deepEqual(parse(yamlText(doc)), JSON.parse(encodeDoc(doc)));
  assert.ok(!yamlText(doc).trimStart().startsWith("{"));
  const withMarker = { t: "obj" as const, entries: [["a", val(`x${invalidUtf8Marker}`)] as [string, typeof doc]] };
  assert.equal(yamlText(withMarker), encodeDoc(withMarker));
  const deep = { t: "obj" as const, entries: [["a", raw("[".repeat(200) + "]".repeat(200))] as [string, typeof doc]] };
  assert.equal(yamlText(deep), encodeDoc(deep));
});

test("aliasBomb: each level nine aliases of the one before", () => {
  assert.equal(aliasBomb(2), "l0: &l0 [x, x, x, x, x, x, x, x, x]\nl1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]");
});

test("damageProtobuf: a captured kubectl body, changed", () => {
  const captured = capturedProtobuf("ConfigMap");
  assert.ok(captured);
  const rng = new Random(11);
  for (let i = 0; i < 20; i++) assert.ok(!damageProtobuf(rng, captured).body.equals(captured));
  assert.equal(capturedProtobuf("Lease"), undefined);
});

test("objectBody and patchBody with keepRefusal: only bodies that carry the tree or are refused anyway", () => {
  const rng = new Random(1);
  for (let i = 0; i < 300; i++) {
    const o = objectBody(rng, doc, "ConfigMap", { keepRefusal: true, emptyIsValid: i % 2 === 0 });
    assert.ok(o.carriesDoc || o.rejected, o.name);
    const p = patchBody(rng, doc, "application/apply-patch+yaml", { keepRefusal: true });
    assert.ok(p.carriesDoc || p.rejected, p.name);
  }
});
