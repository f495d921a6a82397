import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import { deepFreeze } from "../json.js";
import type { KubeObject } from "../types.js";
import { validateIPAddressPool, validateIPAddressPoolStatusUpdate, validateIPAddressPoolUpdate } from "./ip-address-pool.js";
import { poolOverlapErrors } from "./ip-address-pool-overlap.js";

const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");

/** A defaulted pool in metallb-system (frozen: validation must not mutate it). */
function makePool(name: string, spec: Record<string, unknown>, edit: (p: KubeObject) => void = () => {}): KubeObject {
  const pool: KubeObject = {
    apiVersion: "metallb.io/v1beta1",
    kind: "IPAddressPool",
    metadata: { name, namespace: "metallb-system" },
    spec: { autoAssign: true, avoidBuggyIPs: false, ...spec },
  };
  edit(pool);
  return deepFreeze(pool);
}

const selectorDNS = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

describe("validateIPAddressPool", () => {
  const cases: { name: string; pool: KubeObject; want: string }[] = [
    { name: "CIDR and range", pool: makePool("first-pool", { addresses: ["192.168.10.0/24", "192.168.9.1-192.168.9.5", "fc00:f853:0ccd:e799::/124"] }), want: "" },
    { name: "range with spaces around the dash", pool: makePool("p", { addresses: ["172.17.8.201 - 172.17.8.250"] }), want: "" },
    { name: "one address as /32", pool: makePool("p", { addresses: ["172.17.8.201/32"] }), want: "" },
    {
      name: "serviceAllocation as documented",
      pool: makePool("p", {
        addresses: ["172.20.0.100/30"],
        serviceAllocation: { priority: 50, namespaces: ["namespace1"], namespaceSelectors: [{ matchLabels: { foo: "bar" } }], serviceSelectors: [{ matchExpressions: [{ key: "serviceName", operator: "In", values: ["prod", "dev"] }] }] },
      }),
      want: "",
    },
    { name: "spec missing", pool: makePool("p", {}, (p) => delete p.spec), want: "spec: Required value" },
    { name: "addresses missing", pool: makePool("p", {}), want: "spec.addresses: Required value" },
    { name: "addresses empty", pool: makePool("p", { addresses: [] }), want: "spec.addresses: Required value: a pool needs at least one CIDR or address range" },
    {
      name: "addresses not a list (schema, other rules not run)",
      pool: makePool("p", { addresses: "172.17.8.0/24", serviceAllocation: { priority: -1 } }),
      want: `spec.addresses: Invalid value: "string": spec.addresses in body must be of type array: "string"`,
    },
    {
      name: "autoAssign not a boolean",
      pool: makePool("p", { addresses: ["172.17.8.0/24"], autoAssign: "yes" }),
      want: `spec.autoAssign: Invalid value: "string": spec.autoAssign in body must be of type boolean: "string"`,
    },
    {
      name: "an entry not a string",
      pool: makePool("p", { addresses: ["172.17.8.0/24", 7] }),
      want: `spec.addresses[1]: Invalid value: "integer": spec.addresses[1] in body must be of type string: "integer"`,
    },
    {
      name: "a bad entry",
      pool: makePool("p", { addresses: ["172.17.8.0/24", "x"] }),
      want: `spec.addresses[1]: Invalid value: "x": must be a CIDR (e.g. 172.17.8.0/24, or /32 for one address) or a range of two addresses (e.g. 172.17.8.201-172.17.8.250)`,
    },
    { name: "a bad CIDR", pool: makePool("p", { addresses: ["172.17.8.0/33"] }), want: `spec.addresses[0]: Invalid value: "172.17.8.0/33": must be a CIDR (e.g. 172.17.8.0/24) or a range of two addresses (e.g. 172.17.8.201-172.17.8.250)` },
    {
      name: "a range reversed",
      pool: makePool("p", { addresses: ["172.17.8.250-172.17.8.201"] }),
      want: `spec.addresses[0]: Invalid value: "172.17.8.250-172.17.8.201": the first address of a range must not be after the last`,
    },
    {
      name: "a range across families",
      pool: makePool("p", { addresses: ["172.17.8.1-fd00::1"] }),
      want: `spec.addresses[0]: Invalid value: "172.17.8.1-fd00::1": both ends of a range must be of the same IP family`,
    },
    {
      name: "overlapping entries",
      pool: makePool("p", { addresses: ["172.17.8.201-172.17.8.250", "172.17.8.0/24", "fd00::/120", "172.17.9.0/24"] }),
      want: `spec.addresses[1]: Invalid value: "172.17.8.0/24": overlaps with "172.17.8.201-172.17.8.250" (spec.addresses[0])`,
    },
    {
      name: "the same entry twice",
      pool: makePool("p", { addresses: ["172.17.8.201/32", "172.17.8.201/32"] }),
      want: `spec.addresses[1]: Invalid value: "172.17.8.201/32": overlaps with "172.17.8.201/32" (spec.addresses[0])`,
    },
    {
      name: "negative priority",
      pool: makePool("p", { addresses: ["172.17.8.0/24"], serviceAllocation: { priority: -1 } }),
      want: "spec.serviceAllocation.priority: Invalid value: -1: must be greater than or equal to 0",
    },
    {
      name: "priority not an integer",
      pool: makePool("p", { addresses: ["172.17.8.0/24"], serviceAllocation: { priority: 1.5 } }),
      want: `spec.serviceAllocation.priority: Invalid value: "number": spec.serviceAllocation.priority in body must be of type integer: "number"`,
    },
    {
      name: "bad and repeated namespaces",
      pool: makePool("p", { addresses: ["172.17.8.0/24"], serviceAllocation: { namespaces: ["Prod", "dev", "dev"] } }),
      want: `[spec.serviceAllocation.namespaces[0]: Invalid value: "Prod": ${selectorDNS} (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), spec.serviceAllocation.namespaces[2]: Duplicate value: "dev"]`,
    },
    {
      name: "bad selector operator",
      pool: makePool("p", { addresses: ["172.17.8.0/24"], serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: "app", operator: "Near", values: ["x"] }] }] } }),
      want: `spec.serviceAllocation.serviceSelectors[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`,
    },
    {
      name: "selector In without values",
      pool: makePool("p", { addresses: ["172.17.8.0/24"], serviceAllocation: { namespaceSelectors: [{ matchExpressions: [{ key: "team", operator: "In" }] }] } }),
      want: "spec.serviceAllocation.namespaceSelectors[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    },
    {
      name: "selector expression without an operator (schema)",
      pool: makePool("p", { addresses: ["172.17.8.0/24"], serviceAllocation: { namespaceSelectors: [{ matchExpressions: [{ key: "team" }] }] } }),
      want: "spec.serviceAllocation.namespaceSelectors[0].matchExpressions[0].operator: Required value",
    },
    {
      name: "repeated selector",
      pool: makePool("p", { addresses: ["172.17.8.0/24"], serviceAllocation: { namespaceSelectors: [{ matchLabels: { a: "b" } }, { matchLabels: { a: "b" } }] } }),
      want: `spec.serviceAllocation.namespaceSelectors[1]: Duplicate value: {"matchLabels":{"a":"b"}}`,
    },
    {
      name: "another namespace",
      pool: makePool("p", { addresses: ["172.17.8.0/24"] }, (p) => (p.metadata.namespace = "default")),
      want: `metadata.namespace: Invalid value: "default": must be metallb-system: address pools and advertisements are read from that namespace only`,
    },
    {
      name: "bad name",
      pool: makePool("First_Pool", { addresses: ["172.17.8.0/24"] }),
      want: `metadata.name: Invalid value: "First_Pool": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(msg(validateIPAddressPool(c.pool)), c.want));
});

describe("validateIPAddressPoolUpdate and status updates", () => {
  const old = makePool("p", { addresses: ["172.17.8.0/24"] }, (p) => (p.metadata = { ...p.metadata, uid: "u1", resourceVersion: "5" }));
  const cases: { name: string; got: FieldError[]; want: string }[] = [
    { name: "addresses may change", got: validateIPAddressPoolUpdate(makePool("p", { addresses: ["172.17.9.0/24"] }, (p) => (p.metadata.uid = "u1")), old), want: "" },
    {
      name: "the spec rules apply on update",
      got: validateIPAddressPoolUpdate(makePool("p", { addresses: ["172.17.9.9-172.17.9.1"] }, (p) => (p.metadata.uid = "u1")), old),
      want: `spec.addresses[0]: Invalid value: "172.17.9.9-172.17.9.1": the first address of a range must not be after the last`,
    },
    {
      name: "status counts",
      got: validateIPAddressPoolStatusUpdate(makePool("p", { addresses: ["172.17.8.0/24"] }, (p) => ((p.metadata.uid = "u1"), (p.status = { assignedIPv4: 1, availableIPv4: 255 }))), old),
      want: "",
    },
    {
      name: "status count of the wrong type",
      got: validateIPAddressPoolStatusUpdate(makePool("p", { addresses: ["172.17.8.0/24"] }, (p) => ((p.metadata.uid = "u1"), (p.status = { assignedIPv4: "one" }))), old),
      want: `status.assignedIPv4: Invalid value: "string": status.assignedIPv4 in body must be of type integer: "string"`,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(msg(c.got), c.want));
});

describe("poolOverlapErrors", () => {
  const defaultPool = makePool("default", { addresses: ["172.17.8.201-172.17.8.250"] });
  const v6 = makePool("v6", { addresses: ["fd00::/120"] });
  const cases: { name: string; pool: KubeObject; others: KubeObject[]; want: string }[] = [
    { name: "no other pools", pool: makePool("a", { addresses: ["172.17.8.0/24"] }), others: [], want: "" },
    { name: "disjoint", pool: makePool("a", { addresses: ["172.17.8.100-172.17.8.200"] }), others: [defaultPool, v6], want: "" },
    {
      name: "a CIDR over another pool's range",
      pool: makePool("a", { addresses: ["10.9.0.0/16", "172.17.8.0/24"] }),
      others: [defaultPool, v6],
      want: `spec.addresses[1]: Invalid value: "172.17.8.0/24": overlaps with "172.17.8.201-172.17.8.250" of IPAddressPool "default"`,
    },
    { name: "the pool itself (an update) is skipped", pool: makePool("default", { addresses: ["172.17.8.201-172.17.8.240"] }), others: [defaultPool], want: "" },
    { name: "other families never overlap", pool: makePool("a", { addresses: ["fd01::/120"] }), others: [v6, defaultPool], want: "" },
    { name: "unparsable entries are validation's, not overlap's", pool: makePool("a", { addresses: ["nonsense"] }), others: [defaultPool], want: "" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(msg(poolOverlapErrors(c.pool, c.others)), c.want));
});
