import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import { deepFreeze } from "../json.js";
import type { KubeObject } from "../types.js";
import { isInterfaceName, validateL2Advertisement, validateL2AdvertisementUpdate } from "./l2-advertisement.js";

const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");

function makeAdvertisement(name: string, spec?: Record<string, unknown>, edit: (a: KubeObject) => void = () => {}): KubeObject {
  const adv: KubeObject = { apiVersion: "metallb.io/v1beta1", kind: "L2Advertisement", metadata: { name, namespace: "metallb-system" } };
  if (spec !== undefined) adv.spec = spec;
  edit(adv);
  return deepFreeze(adv);
}

describe("validateL2Advertisement", () => {
  const cases: { name: string; adv: KubeObject; want: string }[] = [
    { name: "no spec: every pool, every node", adv: makeAdvertisement("example"), want: "" },
    {
      name: "pools and node selectors as documented",
      adv: makeAdvertisement("example", {
        ipAddressPools: ["first-pool"],
        nodeSelectors: [{ matchLabels: { "kubernetes.io/hostname": "NodeA" } }, { matchLabels: { "kubernetes.io/hostname": "NodeB" } }],
      }),
      want: "",
    },
    { name: "pool selectors and interfaces", adv: makeAdvertisement("e", { ipAddressPoolSelectors: [{ matchExpressions: [{ key: "tier", operator: "Exists" }] }], interfaces: ["eth0", "br-lan.10"] }), want: "" },
    {
      name: "a pool name that is not an object name",
      adv: makeAdvertisement("e", { ipAddressPools: ["First_Pool"] }),
      want: `spec.ipAddressPools[0]: Invalid value: "First_Pool": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
    { name: "a pool named twice", adv: makeAdvertisement("e", { ipAddressPools: ["a", "b", "a"] }), want: `spec.ipAddressPools[2]: Duplicate value: "a"` },
    {
      name: "ipAddressPools not a list",
      adv: makeAdvertisement("e", { ipAddressPools: "first-pool" }),
      want: `spec.ipAddressPools: Invalid value: "string": spec.ipAddressPools in body must be of type array: "string"`,
    },
    {
      name: "a bad node selector",
      adv: makeAdvertisement("e", { nodeSelectors: [{ matchExpressions: [{ key: "zone", operator: "Exists", values: ["a"] }] }] }),
      want: "spec.nodeSelectors[0].matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    },
    {
      name: "a bad label key in a pool selector",
      adv: makeAdvertisement("e", { ipAddressPoolSelectors: [{ matchLabels: { "bad key": "x" } }] }),
      want: `spec.ipAddressPoolSelectors[0].matchLabels: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    },
    {
      name: "a matchLabels value of the wrong type",
      adv: makeAdvertisement("e", { nodeSelectors: [{ matchLabels: { zone: 1 } }] }),
      want: `spec.nodeSelectors[0].matchLabels.zone: Invalid value: "integer": spec.nodeSelectors[0].matchLabels.zone in body must be of type string: "integer"`,
    },
    {
      name: "interfaces the kernel refuses",
      adv: makeAdvertisement("e", { interfaces: ["eth0", "averyveryverylongname", "eth:1"] }),
      want: `[spec.interfaces[1]: Invalid value: "averyveryverylongname": must be no more than 15 bytes, spec.interfaces[2]: Invalid value: "eth:1": must not contain '/', ':' or white space]`,
    },
    {
      name: "another namespace",
      adv: makeAdvertisement("e", {}, (a) => (a.metadata.namespace = "default")),
      want: `metadata.namespace: Invalid value: "default": must be metallb-system: address pools and advertisements are read from that namespace only`,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(msg(validateL2Advertisement(c.adv)), c.want));

  it("applies the spec rules on update", () => {
    const old = makeAdvertisement("e", { ipAddressPools: ["a"] }, (a) => (a.metadata.uid = "u"));
    const bad = makeAdvertisement("e", { ipAddressPools: ["a", "a"] }, (a) => (a.metadata.uid = "u"));
    assert.equal(msg(validateL2AdvertisementUpdate(bad, old)), `spec.ipAddressPools[1]: Duplicate value: "a"`);
  });
});

describe("isInterfaceName", () => {
  const cases: { name: string; value: string; ok: boolean }[] = [
    { name: "eth0", value: "eth0", ok: true },
    { name: "a VLAN with a dot", value: "eth0.100", ok: true },
    { name: "15 bytes", value: "abcdefghijklmno", ok: true },
    { name: "16 bytes", value: "abcdefghijklmnop", ok: false },
    { name: "empty", value: "", ok: false },
    { name: "dot", value: ".", ok: false },
    { name: "dot dot", value: "..", ok: false },
    { name: "slash", value: "a/b", ok: false },
    { name: "space", value: "eth 0", ok: false },
    { name: "tab", value: "eth\t0", ok: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(isInterfaceName(c.value).length === 0, c.ok));
});
