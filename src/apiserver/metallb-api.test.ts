// metallb.io/v1beta1 IPAddressPool and L2Advertisement through the whole in-process pipeline:
// discovery, defaults, schema and MetalLB validation, overlap between pools, the status
// subresource, generation, tables and the patch types a custom resource takes.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TestApi } from "./test-api.js";
import { startTestApi } from "./test-api.js";

const gv = "/apis/metallb.io/v1beta1";
const pools = `${gv}/namespaces/metallb-system/ipaddresspools`;
const advs = `${gv}/namespaces/metallb-system/l2advertisements`;
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

interface Obj {
  metadata: { name: string; generation?: number; resourceVersion?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
interface StatusBody {
  kind: string;
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { field: string; reason: string; message: string }[] };
}

function pool(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name }, spec };
}

describe("metallb.io/v1beta1 through the API server", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
    const ns = await t.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "metallb-system" } } });
    assert.equal(ns.status, 201, String(ns.body));
  });
  after(() => t.close());

  test("discovery lists the group, both resources and their status subresources", async () => {
    const group = t.json<{ name: string; preferredVersion: { groupVersion: string } }>(await t.request("GET", "/apis/metallb.io"));
    assert.deepEqual([group.name, group.preferredVersion.groupVersion], ["metallb.io", "metallb.io/v1beta1"]);
    const list = t.json<{ resources: { name: string; namespaced: boolean; kind: string; shortNames?: string[]; verbs: string[] }[] }>(await t.request("GET", gv));
    assert.deepEqual(
      list.resources.map((r) => [r.name, r.kind, r.namespaced]),
      [
        ["ipaddresspools", "IPAddressPool", true],
        ["ipaddresspools/status", "IPAddressPool", true],
        ["l2advertisements", "L2Advertisement", true],
        ["l2advertisements/status", "L2Advertisement", true],
      ],
    );
    assert.equal(list.resources[0].shortNames, undefined);
    assert.deepEqual([...list.resources[0].verbs].sort(), ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]);
    const agg = t.json<{ items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; subresources?: { subresource: string }[] }[] }[] }[] }>(
      await t.request("GET", "/apis", { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" }),
    );
    const metallb = agg.items.find((i) => i.metadata.name === "metallb.io");
    assert.ok(metallb);
    assert.deepEqual(
      metallb.versions[0].resources.map((r) => [r.resource, r.subresources?.map((s) => s.subresource)]),
      [
        ["ipaddresspools", ["status"]],
        ["l2advertisements", ["status"]],
      ],
    );
  });

  test("create defaults the pool, sets generation 1 and drops a status sent along", async () => {
    const r = await t.request("POST", pools, { body: { ...pool("first-pool", { addresses: ["172.17.8.201-172.17.8.250"] }), status: { assignedIPv4: 9 } } });
    assert.equal(r.status, 201, String(r.body));
    const created = t.json<Obj>(r);
    assert.deepEqual(created.spec, { addresses: ["172.17.8.201-172.17.8.250"], autoAssign: true, avoidBuggyIPs: false });
    assert.equal(created.metadata.generation, 1);
    assert.equal(created.status, undefined);
  });

  test("kubectl get's Table has the CRD's columns", async () => {
    const table = t.json<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>(await t.request("GET", pools, { accept: tableAccept }));
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ["Name", "Auto Assign", "Avoid Buggy IPs", "Addresses"],
    );
    assert.deepEqual(table.rows.find((r) => r.cells[0] === "first-pool")?.cells, ["first-pool", true, false, `["172.17.8.201-172.17.8.250"]`]);
  });

  test("bad pools are refused with the field and the reason", async (tt) => {
    const cases: { name: string; path?: string; body: unknown; code: number; message: RegExp; field?: string }[] = [
      {
        name: "a bad address",
        body: pool("bad", { addresses: ["172.17.9.0/24", "not-an-address"] }),
        code: 422,
        message: /^IPAddressPool\.metallb\.io "bad" is invalid: spec\.addresses\[1\]: Invalid value: "not-an-address": both ends of a range must be IP addresses$/,
        field: "spec.addresses[1]",
      },
      {
        name: "a reversed range",
        body: pool("bad", { addresses: ["172.17.9.20-172.17.9.10"] }),
        code: 422,
        message: /spec\.addresses\[0\]: Invalid value: "172\.17\.9\.20-172\.17\.9\.10": the first address of a range must not be after the last/,
        field: "spec.addresses[0]",
      },
      {
        name: "a value of the wrong type (a schema error, 422 as for a CRD)",
        body: pool("bad", { addresses: ["172.17.9.0/24"], autoAssign: "no" }),
        code: 422,
        message: /spec\.autoAssign: Invalid value: "string": spec\.autoAssign in body must be of type boolean: "string"/,
        field: "spec.autoAssign",
      },
      {
        name: "an overlap with another pool",
        body: pool("bad", { addresses: ["172.17.8.0/24"] }),
        code: 422,
        message: /spec\.addresses\[0\]: Invalid value: "172\.17\.8\.0\/24": overlaps with "172\.17\.8\.201-172\.17\.8\.250" of IPAddressPool "first-pool"/,
        field: "spec.addresses[0]",
      },
      {
        name: "metadata of the wrong type (still a decode error)",
        body: { ...pool("bad", { addresses: ["172.17.9.0/24"] }), metadata: { name: "bad", labels: "x" } },
        code: 400,
        message: /^IPAddressPool in version "v1beta1" cannot be handled as a IPAddressPool: json: cannot unmarshal string into Go struct field ObjectMeta\.metadata\.labels of type map\[string\]string$/,
      },
      {
        name: "an unknown field under Strict",
        path: `${pools}?fieldValidation=Strict`,
        body: pool("bad", { addresses: ["172.17.9.0/24"], autoassign: false }),
        code: 400,
        message: /^IPAddressPool in version "v1beta1" cannot be handled as a IPAddressPool: strict decoding error: unknown field "spec\.autoassign"$/,
      },
    ];
    for (const c of cases) {
      await tt.test(c.name, async () => {
        const r = await t.request("POST", c.path ?? pools, { body: c.body });
        assert.equal(r.status, c.code, String(r.body));
        const st = t.json<StatusBody>(r);
        assert.match(st.message, c.message);
        if (c.field) assert.ok(st.details?.causes?.some((x) => x.field === c.field), JSON.stringify(st.details));
      });
    }
    assert.equal((await t.request("GET", `${pools}/bad`)).status, 404);
  });

  test("unknown fields are warned about and dropped under Warn", async () => {
    const r = await t.request("POST", `${pools}?fieldValidation=Warn`, { body: pool("warned", { addresses: ["172.17.12.0/24"], autoassign: false }) });
    assert.equal(r.status, 201, String(r.body));
    assert.equal(r.headers.warning, '299 - "unknown field \\"spec.autoassign\\""');
    assert.deepEqual(t.json<Obj>(r).spec, { addresses: ["172.17.12.0/24"], autoAssign: true, avoidBuggyIPs: false });
  });

  test("a dry run is checked for overlap too, and stores nothing", async () => {
    const ok = await t.request("POST", `${pools}?dryRun=All`, { body: pool("dry", { addresses: ["172.17.10.0/24"] }) });
    assert.equal(ok.status, 201, String(ok.body));
    assert.equal((await t.request("GET", `${pools}/dry`)).status, 404);
    const clash = await t.request("POST", `${pools}?dryRun=All`, { body: pool("dry", { addresses: ["172.17.8.250/32"] }) });
    assert.equal(clash.status, 422);
  });

  test("pools live in metallb-system only", async () => {
    const r = await t.request("POST", `${gv}/namespaces/default/ipaddresspools`, { body: pool("elsewhere", { addresses: ["172.17.11.0/24"] }) });
    assert.equal(r.status, 422);
    assert.match(t.json<StatusBody>(r).message, /metadata\.namespace: Invalid value: "default": must be metallb-system/);
  });

  test("spec and status are written apart; generation follows the spec", async () => {
    const live = t.json<Obj>(await t.request("GET", `${pools}/first-pool`));
    const put = await t.request("PUT", `${pools}/first-pool`, {
      body: { ...pool("first-pool", { addresses: ["172.17.8.201-172.17.8.240"] }), metadata: live.metadata, status: { assignedIPv4: 5 } },
    });
    assert.equal(put.status, 200, String(put.body));
    const updated = t.json<Obj>(put);
    assert.equal(updated.metadata.generation, 2);
    assert.equal(updated.spec?.autoAssign, true, "defaults apply on update too");
    assert.equal(updated.status, undefined, "status is ignored on the main resource");

    const st = await t.request("PATCH", `${pools}/first-pool/status`, {
      body: { spec: { addresses: ["10.0.0.0/8"] }, status: { assignedIPv4: 1, availableIPv4: 39 } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(st.status, 200, String(st.body));
    const withStatus = t.json<Obj>(st);
    assert.deepEqual(withStatus.status, { assignedIPv4: 1, availableIPv4: 39 });
    assert.deepEqual(withStatus.spec?.addresses, ["172.17.8.201-172.17.8.240"], "spec is ignored on /status");
    assert.equal(withStatus.metadata.generation, 2);

    const badStatus = await t.request("PATCH", `${pools}/first-pool/status`, { body: { status: { assignedIPv4: "one" } }, contentType: "application/merge-patch+json" });
    assert.equal(badStatus.status, 422);

    const same = await t.request("PATCH", `${pools}/first-pool`, { body: { metadata: { labels: { tier: "a" } } }, contentType: "application/merge-patch+json" });
    assert.equal(t.json<Obj>(same).metadata.generation, 2, "a metadata change is not a new generation");
  });

  test("no strategic merge patch on a custom resource; JSON and merge patches and apply work", async () => {
    const smp = await t.request("PATCH", `${pools}/first-pool`, { body: { spec: { autoAssign: false } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(smp.status, 415);
    assert.equal(
      t.json<StatusBody>(smp).message,
      "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
    );
    const jp = await t.request("PATCH", `${pools}/first-pool`, { body: [{ op: "replace", path: "/spec/autoAssign", value: false }], contentType: "application/json-patch+json" });
    assert.equal(jp.status, 200, String(jp.body));
    assert.equal(t.json<Obj>(jp).spec?.autoAssign, false);
    const apply = await t.request("PATCH", `${advs}/example?fieldManager=test`, {
      body: "apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: example\nspec:\n  ipAddressPools: [first-pool]\n",
      contentType: "application/apply-patch+yaml",
    });
    assert.equal(apply.status, 201, String(apply.body));
    assert.deepEqual(t.json<Obj>(apply).spec, { ipAddressPools: ["first-pool"] });
  });

  test("an advertisement with a repeated pool is refused", async () => {
    const r = await t.request("POST", advs, { body: { apiVersion: "metallb.io/v1beta1", kind: "L2Advertisement", metadata: { name: "twice" }, spec: { ipAddressPools: ["a", "a"] } } });
    assert.equal(r.status, 422);
    assert.match(t.json<StatusBody>(r).message, /^L2Advertisement\.metallb\.io "twice" is invalid: spec\.ipAddressPools\[1\]: Duplicate value: "a"$/);
  });
});
