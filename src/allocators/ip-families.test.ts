import { test } from "node:test";
import assert from "node:assert/strict";
import { fieldErrorMessage } from "../api/field-errors.js";
import type { Service, ServiceSpec } from "../api/types.js";
import { initIPFamilies } from "./ip-families.js";

function svc(spec: Partial<ServiceSpec>): Service {
  return { metadata: { namespace: "default", name: "s" }, spec: { type: "ClusterIP", selector: { app: "a" }, ...spec } };
}

test("initIPFamilies on an IPv4 single-stack cluster", async (t) => {
  const cases: { name: string; spec: Partial<ServiceSpec>; old?: Partial<ServiceSpec>; errors?: string[]; policy?: string; families?: string[] }[] = [
    { name: "defaults to SingleStack IPv4", spec: {}, policy: "SingleStack", families: ["IPv4"] },
    { name: "requested IPv4 clusterIP infers the family", spec: { clusterIPs: ["10.0.0.9"] }, policy: "SingleStack", families: ["IPv4"] },
    { name: "PreferDualStack stays single", spec: { ipFamilyPolicy: "PreferDualStack" }, policy: "PreferDualStack", families: ["IPv4"] },
    {
      name: "headless without selector defaults to RequireDualStack with both families",
      spec: { clusterIP: "None", selector: undefined },
      policy: "RequireDualStack",
      families: ["IPv4", "IPv6"],
    },
    { name: "headless with selector is SingleStack", spec: { clusterIP: "None" }, policy: "SingleStack", families: ["IPv4"] },
    { name: "update adopts the old policy", spec: {}, old: { ipFamilyPolicy: "PreferDualStack" }, policy: "PreferDualStack", families: ["IPv4"] },
    { name: "ExternalName is untouched", spec: { type: "ExternalName" } },
    {
      name: "IPv6 clusterIP refused",
      spec: { clusterIPs: ["fd00::1"] },
      errors: ['spec.clusterIPs[0]: Invalid value: []string{"fd00::1"}: IPv6 is not configured on this cluster'],
    },
    {
      name: "IPv6 family refused",
      spec: { ipFamilies: ["IPv6"] },
      errors: ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'],
    },
    {
      name: "RequireDualStack refused",
      spec: { ipFamilyPolicy: "RequireDualStack" },
      errors: ['spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services'],
    },
    {
      name: "SingleStack with two IPs",
      spec: { ipFamilyPolicy: "SingleStack", clusterIPs: ["10.0.0.9", "fd00::9"] },
      errors: [
        `spec.ipFamilyPolicy: Invalid value: "SingleStack": must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified`,
        'spec.clusterIPs[1]: Invalid value: []string{"10.0.0.9", "fd00::9"}: IPv6 is not configured on this cluster',
      ],
    },
    {
      name: "garbage clusterIP",
      spec: { clusterIP: "10.0.0.x" },
      errors: ['spec.clusterIPs[0]: Invalid value: "10.0.0.x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const s = svc(c.spec);
      if (c.spec.selector === undefined && "selector" in c.spec) delete s.spec.selector;
      const errs = initIPFamilies(s, "IPv4", c.old ? svc(c.old) : undefined);
      assert.deepEqual(errs.map(fieldErrorMessage), c.errors ?? []);
      // With errors the object is left as it came.
      assert.equal(s.spec.ipFamilyPolicy, c.errors ? c.spec.ipFamilyPolicy : c.policy);
      assert.deepEqual(s.spec.ipFamilies, c.errors ? c.spec.ipFamilies : c.families);
    });
  }
});

test("initIPFamilies on an IPv6 cluster", () => {
  const s = svc({ clusterIPs: ["fd00::5"] });
  assert.deepEqual(initIPFamilies(s, "IPv6"), []);
  assert.deepEqual(s.spec.ipFamilies, ["IPv6"]);
});
