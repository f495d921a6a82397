import { test } from "node:test";
import assert from "node:assert/strict";
import { addedName, endpointsObject, listResourceVersion } from "./workloads.js";

test("addedName", async (t) => {
  const cases: { name: string; line: string; want: string | undefined }[] = [
    { name: "ADDED event", line: JSON.stringify({ type: "ADDED", object: { metadata: { name: "fan-3" } } }), want: "fan-3" },
    { name: "MODIFIED is ignored", line: JSON.stringify({ type: "MODIFIED", object: { metadata: { name: "fan-3" } } }), want: undefined },
    { name: "BOOKMARK is ignored", line: JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } }), want: undefined },
    { name: "ERROR is ignored", line: JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410 } }), want: undefined },
    { name: "not JSON", line: "{half", want: undefined },
    { name: "name not a string", line: JSON.stringify({ type: "ADDED", object: { metadata: { name: 3 } } }), want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(addedName(c.line), c.want));
});

test("listResourceVersion", async (t) => {
  const cases: { name: string; body: string; want?: string; throws?: RegExp }[] = [
    { name: "list with rv", body: JSON.stringify({ kind: "EndpointsList", metadata: { resourceVersion: "42" }, items: [] }), want: "42" },
    { name: "no metadata", body: JSON.stringify({ items: [] }), throws: /no metadata.resourceVersion/ },
    { name: "empty rv", body: JSON.stringify({ metadata: { resourceVersion: "" } }), throws: /no metadata.resourceVersion/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (c.throws) assert.throws(() => listResourceVersion(c.body), c.throws);
      else assert.equal(listResourceVersion(c.body), c.want);
    });
  }
});

test("endpointsObject is a namespaced v1 Endpoints with one address and port", () => {
  assert.deepEqual(endpointsObject("ns", "ep-1"), {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "ep-1", namespace: "ns", labels: { app: "bench" } },
    subsets: [{ addresses: [{ ip: "10.1.2.3" }], ports: [{ name: "http", port: 80, protocol: "TCP" }] }],
  });
});
