import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { deepFreeze } from "../json.js";
import type { ConfigMap, KubeObject, ServiceAccount } from "../types.js";
import { configMapTablePrinter } from "./configmap-table.js";
import { serviceAccountTablePrinter } from "./serviceaccount-table.js";
import { defaultTablePrinter, formatRfc3339Utc } from "./default-table.js";
import { leaseTablePrinter } from "./lease-table.js";
import { namespaceTablePrinter } from "./namespace-table.js";
import { printerFor } from "./printer.js";
import { ago, makeNamespace, makeObject, NOW } from "./table-fixtures.js";

const NAME_DOC_START = "Name must be unique within a namespace.";
const AGE_DOC_START = "CreationTimestamp is a timestamp representing the server time";

describe("printerFor", () => {
  const resources: { group: string; resource: string; first: string[] }[] = [
    { group: "", resource: "pods", first: ["Name", "Ready", "Status"] },
    { group: "", resource: "services", first: ["Name", "Type", "Cluster-IP"] },
    { group: "", resource: "endpoints", first: ["Name", "Endpoints", "Age"] },
    { group: "", resource: "nodes", first: ["Name", "Status", "Roles"] },
    { group: "", resource: "namespaces", first: ["Name", "Status", "Age"] },
    { group: "", resource: "replicationcontrollers", first: ["Name", "Desired", "Current"] },
    { group: "", resource: "events", first: ["Last Seen", "Type", "Reason"] },
    { group: "discovery.k8s.io", resource: "endpointslices", first: ["Name", "AddressType", "Ports"] },
    { group: "coordination.k8s.io", resource: "leases", first: ["Name", "Holder", "Age"] },
    { group: "apps", resource: "deployments", first: ["Name", "Ready", "Up-to-date"] },
    { group: "apps", resource: "replicasets", first: ["Name", "Desired", "Current"] },
    { group: "", resource: "serviceaccounts", first: ["Name", "Secrets", "Age"] },
    { group: "", resource: "configmaps", first: ["Name", "Data", "Age"] },
    { group: "metallb.io", resource: "ipaddresspools", first: ["Name", "Auto Assign", "Avoid Buggy IPs", "Addresses"] },
    { group: "metallb.io", resource: "l2advertisements", first: ["Name", "IPAddressPools", "IPAddressPool Selectors", "Interfaces", "Node Selectors"] },
    { group: "", resource: "secrets", first: ["Name", "Type", "Data", "Age"] },
    { group: "rbac.authorization.k8s.io", resource: "rolebindings", first: ["Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"] },
    { group: "rbac.authorization.k8s.io", resource: "clusterrolebindings", first: ["Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"] },
    { group: "rbac.authorization.k8s.io", resource: "roles", first: ["Name", "Created At"] },
    { group: "rbac.authorization.k8s.io", resource: "clusterroles", first: ["Name", "Created At"] },
    { group: "certificates.k8s.io", resource: "certificatesigningrequests", first: ["Name", "Age", "SignerName", "Requestor", "RequestedDuration", "Condition"] },
    { group: "discovery.k8s.io", resource: "services", first: ["Name", "Created At"] },
  ];
  for (const r of resources) {
    const printer = printerFor(r.group, r.resource);
    it(`${r.group || "core"}/${r.resource}: columns`, () => {
      assert.deepEqual(printer.columns.slice(0, r.first.length).map((c) => c.name), r.first);
    });
    it(`${r.group || "core"}/${r.resource}: definitions are complete, frozen and stable`, () => {
      assert.ok(Object.isFrozen(printer.columns));
      assert.equal(printerFor(r.group, r.resource).columns, printer.columns);
      for (const c of printer.columns) {
        assert.deepEqual(Object.keys(c).sort(), ["description", "format", "name", "priority", "type"]);
        assert.ok(c.description.length > 0, `${c.name} has a description`);
        if (c.name === "Name") {
          assert.equal(c.format, "name");
          assert.ok(c.description.startsWith(NAME_DOC_START));
        }
        if (c.name === "Age") assert.ok(c.description.startsWith(AGE_DOC_START));
      }
    });
    it(`${r.group || "core"}/${r.resource}: a bare object still yields one cell per column`, () => {
      const bare = deepFreeze<KubeObject>({ metadata: { name: "x" } });
      const cells = printer.cells(bare, NOW);
      assert.equal(cells.length, printer.columns.length);
      assert.ok(cells.every((c) => c !== undefined));
    });
  }
});

describe("default printer", () => {
  it("columns are Name and Created At (date)", () => {
    assert.deepEqual(defaultTablePrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]), [
      ["Name", "string", "name", 0],
      ["Created At", "date", "", 0],
    ]);
  });
  const cases = [
    { name: "UTC seconds", ts: "2016-06-18T03:29:42Z", want: "2016-06-18T03:29:42Z" },
    { name: "offset normalised to UTC", ts: "2016-06-18T11:29:42+08:00", want: "2016-06-18T03:29:42Z" },
    { name: "fractions dropped", ts: "2016-06-18T03:29:42.999999Z", want: "2016-06-18T03:29:42Z" },
    { name: "missing is Go's zero time", ts: undefined, want: "0001-01-01T00:00:00Z" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const obj = makeObject("ConfigMap", "cm", (o) => {
        o.metadata.creationTimestamp = c.ts;
      });
      assert.deepEqual(defaultTablePrinter.cells(obj, NOW), ["cm", c.want]);
    });
  }
  it("formatRfc3339Utc", () => assert.equal(formatRfc3339Utc(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), "2024-01-02T03:04:05Z"));
});

describe("namespace printer", () => {
  const cases = [
    { name: "active", ns: makeNamespace("default"), want: ["default", "Active", "9m"] },
    {
      name: "terminating",
      ns: makeNamespace("doomed", (n) => {
        n.status = { phase: "Terminating" };
        n.metadata.deletionTimestamp = ago({ s: 3 });
      }),
      want: ["doomed", "Terminating", "9m"],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(namespaceTablePrinter.cells(c.ns, NOW), c.want));
});

describe("lease printer", () => {
  const cases = [
    {
      name: "held",
      lease: makeObject("Lease", "svcnet-controller-manager", (o) => {
        o.spec = { holderIdentity: "core-v2-01_6f1c", leaseDurationSeconds: 15 };
      }),
      want: ["svcnet-controller-manager", "core-v2-01_6f1c", "60m"],
    },
    { name: "unheld", lease: makeObject("Lease", "free"), want: ["free", "", "60m"] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(leaseTablePrinter.cells(c.lease, NOW), c.want));
});

describe("service account and config map printers", () => {
  const sa = (secrets: number): ServiceAccount =>
    deepFreeze({ metadata: { name: "default", namespace: "default", creationTimestamp: ago({ m: 4 }) }, secrets: Array.from({ length: secrets }, (_, i) => ({ name: `s${i}` })) });
  const cm = (data: Record<string, string>, binaryData?: Record<string, string>): ConfigMap =>
    deepFreeze({ metadata: { name: "kube-root-ca.crt", namespace: "default", creationTimestamp: ago({ h: 2 }) }, data, ...(binaryData && { binaryData }) });
  const cases: { name: string; got: () => unknown[]; want: unknown[] }[] = [
    { name: "a service account without secrets", got: () => serviceAccountTablePrinter.cells(sa(0), NOW), want: ["default", 0, "4m"] },
    { name: "a service account with two secrets", got: () => serviceAccountTablePrinter.cells(sa(2), NOW), want: ["default", 2, "4m"] },
    { name: "a config map counts data and binaryData keys", got: () => configMapTablePrinter.cells(cm({ "ca.crt": "x" }, { b: "AA==" }), NOW), want: ["kube-root-ca.crt", 2, "120m"] },
    { name: "an empty config map", got: () => configMapTablePrinter.cells(cm({}), NOW), want: ["kube-root-ca.crt", 0, "120m"] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.want));
});
