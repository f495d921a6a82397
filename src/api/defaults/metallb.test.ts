import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../types.js";
import { defaultIPAddressPool, defaultL2Advertisement } from "./metallb.js";

const meta = { name: "p", namespace: "metallb-system" };

describe("MetalLB defaults", () => {
  const cases: { name: string; apply: (o: KubeObject) => void; spec: unknown; want: unknown }[] = [
    { name: "pool: autoAssign true, avoidBuggyIPs false", apply: defaultIPAddressPool, spec: { addresses: ["172.17.8.0/24"] }, want: { addresses: ["172.17.8.0/24"], autoAssign: true, avoidBuggyIPs: false } },
    { name: "pool: values given are kept", apply: defaultIPAddressPool, spec: { addresses: [], autoAssign: false, avoidBuggyIPs: true }, want: { addresses: [], autoAssign: false, avoidBuggyIPs: true } },
    { name: "pool: null is dropped, then defaulted", apply: defaultIPAddressPool, spec: { addresses: [], autoAssign: null, serviceAllocation: null }, want: { addresses: [], autoAssign: true, avoidBuggyIPs: false } },
    { name: "pool: a value of the wrong type is left for validation", apply: defaultIPAddressPool, spec: { autoAssign: "yes" }, want: { autoAssign: "yes", avoidBuggyIPs: false } },
    { name: "pool: no spec, nothing to default into", apply: defaultIPAddressPool, spec: undefined, want: undefined },
    { name: "pool: nulls inside selectors are dropped", apply: defaultIPAddressPool, spec: { serviceAllocation: { serviceSelectors: [{ matchLabels: null }] } }, want: { serviceAllocation: { serviceSelectors: [{}] }, autoAssign: true, avoidBuggyIPs: false } },
    { name: "advertisement: nothing to default", apply: defaultL2Advertisement, spec: { ipAddressPools: ["a"], interfaces: null }, want: { ipAddressPools: ["a"] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const obj: KubeObject = { metadata: { ...meta, labels: { a: "b" } } };
      if (c.spec !== undefined) obj.spec = structuredClone(c.spec);
      c.apply(obj);
      assert.deepEqual(obj.spec, c.want);
      assert.deepEqual(obj.metadata, { ...meta, labels: { a: "b" } });
    });
  }
});
