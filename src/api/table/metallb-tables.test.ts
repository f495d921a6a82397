import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../types.js";
import { customColumnsPrinter, valueAt } from "./custom-columns.js";
import { goJson } from "./go-json.js";
import { ipAddressPoolTablePrinter, l2AdvertisementTablePrinter } from "./metallb-tables.js";
import { printerFor } from "./printer.js";
import { ago, makeObject, NOW, renderLikeKubectl, rowsOf } from "./table-fixtures.js";

function makePool(name: string, spec: Record<string, unknown>): KubeObject {
  return makeObject("IPAddressPool", name, (p) => {
    p.apiVersion = "metallb.io/v1beta1";
    p.metadata.namespace = "metallb-system";
    p.spec = { autoAssign: true, avoidBuggyIPs: false, ...spec };
  });
}

function makeAdvertisement(name: string, spec?: Record<string, unknown>): KubeObject {
  return makeObject("L2Advertisement", name, (a) => {
    a.apiVersion = "metallb.io/v1beta1";
    a.metadata.namespace = "metallb-system";
    if (spec) a.spec = spec;
  });
}

describe("IPAddressPool table", () => {
  it("is the printer of metallb.io/ipaddresspools", () => assert.equal(printerFor("metallb.io", "ipaddresspools"), ipAddressPoolTablePrinter));

  it("has the CRD's columns and kube-apiserver's descriptions", () => {
    assert.deepEqual(
      ipAddressPoolTablePrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ["Name", "string", "name", 0],
        ["Auto Assign", "boolean", "", 0],
        ["Avoid Buggy IPs", "boolean", "", 0],
        ["Addresses", "string", "", 0],
      ],
    );
    assert.equal(ipAddressPoolTablePrinter.columns[3].description, "Custom resource definition column (in JSONPath format): .spec.addresses");
  });

  const cases: { name: string; pool: KubeObject; cells: unknown[] }[] = [
    { name: "the default pool", pool: makePool("default", { addresses: ["172.17.8.201-172.17.8.250"] }), cells: ["default", true, false, `["172.17.8.201-172.17.8.250"]`] },
    { name: "two entries, not auto-assigned", pool: makePool("reserved", { addresses: ["10.0.0.0/8", "fd00::/120"], autoAssign: false, avoidBuggyIPs: true }), cells: ["reserved", false, true, `["10.0.0.0/8","fd00::/120"]`] },
    { name: "a bare object: null cells", pool: makeObject("IPAddressPool", "bare"), cells: ["bare", null, null, null] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(ipAddressPoolTablePrinter.cells(c.pool, NOW), c.cells));

  it("prints like `kubectl get ipaddresspools` on a cluster with MetalLB", () => {
    const pools = [makePool("default", { addresses: ["172.17.8.201-172.17.8.250"] }), makePool("reserved", { addresses: ["172.17.9.0/24"], autoAssign: false })];
    assert.deepEqual(renderLikeKubectl(ipAddressPoolTablePrinter.columns, rowsOf(ipAddressPoolTablePrinter, pools)), [
      "NAME       AUTO ASSIGN   AVOID BUGGY IPS   ADDRESSES",
      `default    true          false             ["172.17.8.201-172.17.8.250"]`,
      `reserved   false         false             ["172.17.9.0/24"]`,
    ]);
  });
});

describe("L2Advertisement table", () => {
  it("is the printer of metallb.io/l2advertisements", () => assert.equal(printerFor("metallb.io", "l2advertisements"), l2AdvertisementTablePrinter));

  it("shows node selectors only with -o wide", () => {
    const advs = [
      makeAdvertisement("example", { ipAddressPools: ["first-pool"], nodeSelectors: [{ matchLabels: { "kubernetes.io/hostname": "NodeA" } }] }),
      makeAdvertisement("all"),
    ];
    const rows = rowsOf(l2AdvertisementTablePrinter, advs);
    assert.deepEqual(renderLikeKubectl(l2AdvertisementTablePrinter.columns, rows), [
      "NAME      IPADDRESSPOOLS   IPADDRESSPOOL SELECTORS   INTERFACES",
      `example   ["first-pool"]                             `,
      "all                                                  ",
    ]);
    assert.deepEqual(renderLikeKubectl(l2AdvertisementTablePrinter.columns, rows, { wide: true })[1], `example   ["first-pool"]                                          [{"matchLabels":{"kubernetes.io/hostname":"NodeA"}}]`);
  });

  it("prints selectors as Go's JSON, keys sorted", () => {
    const adv = makeAdvertisement("sel", { ipAddressPoolSelectors: [{ matchLabels: { tier: "a" }, matchExpressions: [{ values: ["x"], operator: "In", key: "k" }] }], interfaces: ["eth0"] });
    assert.deepEqual(l2AdvertisementTablePrinter.cells(adv, NOW), [
      "sel",
      null,
      `[{"matchExpressions":[{"key":"k","operator":"In","values":["x"]}],"matchLabels":{"tier":"a"}}]`,
      `["eth0"]`,
      null,
    ]);
  });
});

describe("custom columns", () => {
  const printer = customColumnsPrinter([
    { name: "Count", type: "integer", jsonPath: ".status.count" },
    { name: "Ratio", type: "number", jsonPath: ".status.ratio" },
    { name: "Created", type: "date", jsonPath: ".metadata.creationTimestamp" },
    { name: "Mode", type: "string", jsonPath: ".spec.mode" },
  ]);
  const cases: { name: string; obj: KubeObject; cells: unknown[] }[] = [
    { name: "values of each type", obj: makeObject("X", "x", (o) => ((o.status = { count: 3.7, ratio: 0.5 }), (o.spec = { mode: "fast" }))), cells: ["x", 3, 0.5, "60m", "fast"] },
    { name: "mistyped values are null", obj: makeObject("X", "x", (o) => ((o.status = { count: "3", ratio: true }), (o.spec = { mode: 7 }))), cells: ["x", null, null, "60m", "7"] },
    { name: "a path through a non-object", obj: makeObject("X", "x", (o) => ((o.status = "broken"), (o.metadata.creationTimestamp = ago({ d: 3 })))), cells: ["x", null, null, "3d", null] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(printer.cells(c.obj, NOW), c.cells));

  it("reads simple JSONPaths", () => {
    assert.equal(valueAt({ a: { b: [1] } }, ".a.b.0"), undefined);
    assert.deepEqual(valueAt({ a: { b: [1] } }, ".a.b"), [1]);
    assert.deepEqual(valueAt({ a: 1 }, ""), { a: 1 });
  });
});

describe("goJson", () => {
  const cases: { name: string; value: unknown; want: string }[] = [
    { name: "list of strings", value: ["a", "b"], want: `["a","b"]` },
    { name: "keys sorted at every level", value: { b: 1, a: { d: [], c: null } }, want: `{"a":{"c":null,"d":[]},"b":1}` },
    { name: "HTML characters escaped", value: ["<a&b>"], want: `["\\u003ca\\u0026b\\u003e"]` },
    { name: "line and paragraph separators escaped", value: "\u2028\u2029", want: `"\\u2028\\u2029"` },
  ];
  for (const c of cases) it(c.name, () => assert.equal(goJson(c.value), c.want));
});
