import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../json.js";
import { isJsonObject } from "../json.js";
import { IP_ADDRESS_POOL_DEFINITION, L2_ADVERTISEMENT_DEFINITION } from "./metallb-schemas.js";
import { openApiDocument } from "./openapi-v3.js";
import { definitionForKind } from "./schema-registry.js";
import { findUnknownFields } from "./strict-decoding.js";

function obj(v: unknown): JsonObject {
  assert.ok(isJsonObject(v));
  return v;
}

const doc = (): JsonObject => {
  const d = openApiDocument("apis/metallb.io/v1beta1");
  assert.ok(d);
  return d;
};
const paths = (): JsonObject => obj(doc().paths);
const schemas = (): JsonObject => obj(obj(doc().components).schemas);
const poolItem = "/apis/metallb.io/v1beta1/namespaces/{namespace}/ipaddresspools/{name}";

describe("metallb.io/v1beta1 OpenAPI document", () => {
  it("names the kinds as kube-apiserver names a CRD's schemas", () => {
    assert.equal(definitionForKind({ group: "metallb.io", version: "v1beta1", kind: "IPAddressPool" }), IP_ADDRESS_POOL_DEFINITION);
    assert.equal(definitionForKind({ group: "metallb.io", version: "v1beta1", kind: "L2AdvertisementList" }), "io.metallb.v1beta1.L2AdvertisementList");
  });

  it("serves both kinds with status subresources and all-namespaces lists", () => {
    const want = [
      "/apis/metallb.io/v1beta1/ipaddresspools",
      "/apis/metallb.io/v1beta1/l2advertisements",
      "/apis/metallb.io/v1beta1/namespaces/{namespace}/ipaddresspools",
      poolItem,
      `${poolItem}/status`,
      "/apis/metallb.io/v1beta1/namespaces/{namespace}/l2advertisements",
      "/apis/metallb.io/v1beta1/namespaces/{namespace}/l2advertisements/{name}",
      "/apis/metallb.io/v1beta1/namespaces/{namespace}/l2advertisements/{name}/status",
    ];
    assert.deepEqual(Object.keys(paths()).sort(), want.sort());
  });

  it("offers no strategic merge patch, and validates fields on the server", () => {
    const patch = obj(obj(paths()[poolItem]).patch);
    assert.equal(patch.operationId, "patchMetallbIoV1beta1NamespacedIPAddressPool");
    assert.deepEqual(patch.tags, ["metallbIo_v1beta1"]);
    assert.deepEqual(patch["x-kubernetes-group-version-kind"], { group: "metallb.io", version: "v1beta1", kind: "IPAddressPool" });
    assert.deepEqual(Object.keys(obj(obj(patch.requestBody).content)), ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"]);
    assert.ok((patch.parameters as JsonObject[]).some((p) => p.name === "fieldValidation"));
    assert.equal(obj(obj(paths()[`${poolItem}/status`]).put).operationId, "replaceMetallbIoV1beta1NamespacedIPAddressPoolStatus");
  });

  it("keeps the built-in groups' patch types and ids", () => {
    const lease = obj(obj(obj(openApiDocument("apis/coordination.k8s.io/v1")?.paths)["/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}"]).patch);
    assert.equal(lease.operationId, "patchCoordinationV1NamespacedLease");
    assert.deepEqual(lease.tags, ["coordination_v1"]);
    assert.equal(Object.keys(obj(obj(lease.requestBody).content)).length, 4);
  });

  it("has the schemas kubectl explain reads, in the CRD's shape", () => {
    const pool = obj(schemas()[IP_ADDRESS_POOL_DEFINITION]);
    assert.deepEqual(pool.required, ["spec"]);
    const spec = obj(obj(pool.properties).spec);
    assert.deepEqual(spec.required, ["addresses"]);
    const fields = obj(spec.properties);
    assert.deepEqual(Object.keys(fields), ["addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation"]);
    assert.equal(obj(fields.autoAssign).default, true);
    assert.equal(obj(fields.avoidBuggyIPs).default, false);
    const selector = obj(obj(obj(obj(fields.serviceAllocation).properties).namespaceSelectors).items);
    assert.equal(selector["x-kubernetes-map-type"], "atomic");
    for (const name of ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", L2_ADVERTISEMENT_DEFINITION]) {
      assert.ok(name in schemas(), name);
    }
  });
});

describe("unknown fields of MetalLB kinds", () => {
  const cases: { name: string; definition: string; obj: unknown; want: string[] }[] = [
    { name: "none", definition: IP_ADDRESS_POOL_DEFINITION, obj: { metadata: { name: "p", labels: { a: "b" } }, spec: { addresses: [], serviceAllocation: { namespaceSelectors: [{ matchLabels: { x: "y" } }] } } }, want: [] },
    { name: "in spec", definition: IP_ADDRESS_POOL_DEFINITION, obj: { metadata: {}, spec: { addresses: [], autoassign: true } }, want: ["spec.autoassign"] },
    { name: "in a selector", definition: L2_ADVERTISEMENT_DEFINITION, obj: { metadata: {}, spec: { nodeSelectors: [{ matchLabel: {} }] } }, want: ["spec.nodeSelectors[0].matchLabel"] },
    { name: "at the top", definition: L2_ADVERTISEMENT_DEFINITION, obj: { metadata: {}, specs: {} }, want: ["specs"] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(findUnknownFields(c.definition, c.obj), c.want));
});
