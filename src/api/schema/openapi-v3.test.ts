import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { JsonObject } from "../json.js";
import { isJsonObject } from "../json.js";
import { openApiDocument, openApiDocumentEntry, openApiIndex } from "./openapi-v3.js";

function doc(gv: string): JsonObject {
  const d = openApiDocument(gv);
  assert.ok(d, `no document for ${gv}`);
  return d;
}

function obj(v: unknown): JsonObject {
  assert.ok(isJsonObject(v));
  return v;
}

/** What kubectl's query-param verifier looks for: a PATCH operation for the GVK with a fieldValidation parameter. */
function patchSupportsFieldValidation(d: JsonObject, gvk: { group: string; version: string; kind: string }): boolean {
  return Object.values(obj(d.paths)).some((item) => {
    const patch = obj(item).patch;
    if (!isJsonObject(patch)) return false;
    const g = obj(patch["x-kubernetes-group-version-kind"]);
    const params = Array.isArray(patch.parameters) ? patch.parameters : [];
    return g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind && params.some((p) => obj(p).name === "fieldValidation");
  });
}

describe("openApiIndex", () => {
  it("lists every served group-version with a content-hashed URL", () => {
    const index = openApiIndex();
    assert.deepEqual(Object.keys(index.paths), [
      "api/v1",
      "apis/apps/v1",
      "apis/authentication.k8s.io/v1",
      "apis/authorization.k8s.io/v1",
      "apis/autoscaling/v1",
      "apis/certificates.k8s.io/v1",
      "apis/coordination.k8s.io/v1",
      "apis/discovery.k8s.io/v1",
      "apis/metallb.io/v1beta1",
      "apis/rbac.authorization.k8s.io/v1",
    ]);
    for (const [gv, { serverRelativeURL }] of Object.entries(index.paths)) {
      const entry = openApiDocumentEntry(gv);
      assert.ok(entry);
      assert.equal(serverRelativeURL, `/openapi/v3/${gv}?hash=${entry.hash}`);
      assert.match(entry.hash, /^[0-9A-F]{128}$/);
      assert.equal(entry.hash, createHash("sha512").update(entry.json).digest("hex").toUpperCase());
      assert.deepEqual(JSON.parse(entry.json), entry.document);
    }
  });

  it("is stable across calls", () => assert.deepEqual(openApiIndex(), openApiIndex()));
});

describe("openApiDocument", () => {
  it("is undefined for a group-version that is not served", () => assert.equal(openApiDocument("apis/batch/v1"), undefined));

  it("is an OpenAPI 3.0.0 document", () => {
    const d = doc("api/v1");
    assert.equal(d.openapi, "3.0.0");
    assert.equal(obj(d.info).title, "Kubernetes");
  });

  const validated: { gv: string; group: string; kind: string }[] = [
    { gv: "api/v1", group: "", kind: "Pod" },
    { gv: "api/v1", group: "", kind: "Service" },
    { gv: "api/v1", group: "", kind: "Endpoints" },
    { gv: "api/v1", group: "", kind: "Node" },
    { gv: "api/v1", group: "", kind: "Namespace" },
    { gv: "api/v1", group: "", kind: "ReplicationController" },
    { gv: "api/v1", group: "", kind: "Event" },
    { gv: "api/v1", group: "autoscaling", kind: "Scale" },
    { gv: "apis/discovery.k8s.io/v1", group: "discovery.k8s.io", kind: "EndpointSlice" },
    { gv: "apis/coordination.k8s.io/v1", group: "coordination.k8s.io", kind: "Lease" },
    { gv: "apis/apps/v1", group: "apps", kind: "Deployment" },
    { gv: "apis/apps/v1", group: "apps", kind: "ReplicaSet" },
    { gv: "apis/rbac.authorization.k8s.io/v1", group: "rbac.authorization.k8s.io", kind: "Role" },
    { gv: "apis/rbac.authorization.k8s.io/v1", group: "rbac.authorization.k8s.io", kind: "ClusterRole" },
    { gv: "apis/rbac.authorization.k8s.io/v1", group: "rbac.authorization.k8s.io", kind: "RoleBinding" },
    { gv: "apis/rbac.authorization.k8s.io/v1", group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding" },
    { gv: "apis/certificates.k8s.io/v1", group: "certificates.k8s.io", kind: "CertificateSigningRequest" },
  ];
  for (const c of validated) {
    it(`lets kubectl validate ${c.kind} on the server (${c.gv})`, () => {
      assert.ok(patchSupportsFieldValidation(doc(c.gv), { group: c.group, version: "v1", kind: c.kind }));
    });
  }

  const paths: { name: string; gv: string; path: string; methods: string[] }[] = [
    { name: "namespaced collection", gv: "api/v1", path: "/api/v1/namespaces/{namespace}/services", methods: ["get", "post", "delete"] },
    { name: "namespaced item", gv: "api/v1", path: "/api/v1/namespaces/{namespace}/services/{name}", methods: ["get", "put", "patch", "delete"] },
    { name: "status subresource", gv: "api/v1", path: "/api/v1/namespaces/{namespace}/services/{name}/status", methods: ["get", "put", "patch"] },
    { name: "all namespaces", gv: "api/v1", path: "/api/v1/services", methods: ["get"] },
    { name: "cluster-scoped item", gv: "api/v1", path: "/api/v1/nodes/{name}", methods: ["get", "put", "patch", "delete"] },
    { name: "namespaces have no deletecollection", gv: "api/v1", path: "/api/v1/namespaces", methods: ["get", "post"] },
    { name: "rc scale", gv: "api/v1", path: "/api/v1/namespaces/{namespace}/replicationcontrollers/{name}/scale", methods: ["get", "put", "patch"] },
    { name: "pod binding", gv: "api/v1", path: "/api/v1/namespaces/{namespace}/pods/{name}/binding", methods: ["post"] },
    { name: "deployment scale", gv: "apis/apps/v1", path: "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", methods: ["get", "put", "patch"] },
    { name: "rolebindings", gv: "apis/rbac.authorization.k8s.io/v1", path: "/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/rolebindings", methods: ["get", "post", "delete"] },
    { name: "clusterroles", gv: "apis/rbac.authorization.k8s.io/v1", path: "/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}", methods: ["get", "put", "patch", "delete"] },
    {
      name: "csr approval",
      gv: "apis/certificates.k8s.io/v1",
      path: "/apis/certificates.k8s.io/v1/certificatesigningrequests/{name}/approval",
      methods: ["get", "put", "patch"],
    },
    { name: "a review, only created", gv: "apis/authorization.k8s.io/v1", path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", methods: ["post"] },
    {
      name: "a namespaced review",
      gv: "apis/authorization.k8s.io/v1",
      path: "/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews",
      methods: ["post"],
    },
    { name: "whoami", gv: "apis/authentication.k8s.io/v1", path: "/apis/authentication.k8s.io/v1/selfsubjectreviews", methods: ["post"] },
    { name: "endpointslices", gv: "apis/discovery.k8s.io/v1", path: "/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices/{name}", methods: ["get", "put", "patch", "delete"] },
  ];
  for (const c of paths) {
    it(`serves ${c.name}`, () => {
      const item = obj(obj(doc(c.gv).paths)[c.path]);
      const methods = ["get", "put", "post", "patch", "delete"].filter((m) => m in item);
      assert.deepEqual(methods.sort(), [...c.methods].sort());
    });
  }

  it("describes a patch the way upstream does", () => {
    const patch = obj(obj(obj(doc("api/v1").paths)["/api/v1/namespaces/{namespace}/services/{name}"]).patch);
    assert.equal(patch["x-kubernetes-action"], "patch");
    assert.equal(patch.operationId, "patchCoreV1NamespacedService");
    assert.deepEqual(patch["x-kubernetes-group-version-kind"], { group: "", version: "v1", kind: "Service" });
    assert.deepEqual(
      (patch.parameters as JsonObject[]).map((p) => p.name),
      ["dryRun", "fieldManager", "fieldValidation", "force"],
    );
    assert.deepEqual(Object.keys(obj(obj(patch.requestBody).content)), [
      "application/apply-patch+yaml",
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/strategic-merge-patch+json",
    ]);
  });

  it("documents review kinds with a create operation and no item or list paths", () => {
    const paths = Object.keys(obj(doc("apis/authorization.k8s.io/v1").paths)).sort();
    assert.deepEqual(paths, [
      "/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews",
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
      "/apis/authorization.k8s.io/v1/subjectaccessreviews",
    ]);
    const post = obj(obj(obj(doc("apis/authorization.k8s.io/v1").paths)["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"]).post);
    assert.equal(post.operationId, "createAuthorizationV1SelfSubjectAccessReview");
    assert.deepEqual(post["x-kubernetes-group-version-kind"], { group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview" });
  });

  it("names rbac operations as upstream does", () => {
    const list = obj(obj(obj(doc("apis/rbac.authorization.k8s.io/v1").paths)["/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/roles"]).get);
    assert.equal(list.operationId, "listRbacAuthorizationV1NamespacedRole");
    assert.deepEqual(list.tags, ["rbacAuthorization_v1"]);
  });

  it("carries list query parameters on list operations", () => {
    const list = obj(obj(obj(doc("api/v1").paths)["/api/v1/namespaces/{namespace}/pods"]).get);
    assert.equal(list["x-kubernetes-action"], "list");
    const names = (list.parameters as JsonObject[]).map((p) => p.name);
    for (const n of ["labelSelector", "fieldSelector", "limit", "continue", "watch", "resourceVersion", "timeoutSeconds"]) assert.ok(names.includes(n), n);
  });

  for (const gv of Object.keys(openApiIndex().paths)) {
    it(`${gv}: every reference resolves inside the document`, () => {
      const d = doc(gv);
      const schemas = obj(obj(d.components).schemas);
      const refs = JSON.stringify(d).match(/#\/components\/schemas\/[^"]+/g) ?? [];
      assert.ok(refs.length > 0);
      for (const r of refs) assert.ok(r.slice("#/components/schemas/".length) in schemas, `${gv}: ${r}`);
    });
  }

  it("keeps each group's schemas to what it reaches", () => {
    const schemas = obj(obj(doc("apis/coordination.k8s.io/v1").components).schemas);
    assert.ok("io.k8s.api.coordination.v1.Lease" in schemas);
    assert.ok(!("io.k8s.api.core.v1.Pod" in schemas));
  });
});

// What `kubectl explain` needs: the kind's schema with its GVK, and documented fields.
describe("explain support", () => {
  const schemas = obj(obj(doc("api/v1").components).schemas);

  it("has Service with its group-version-kind", () => {
    assert.deepEqual(obj(schemas["io.k8s.api.core.v1.Service"])["x-kubernetes-group-version-kind"], [{ group: "", version: "v1", kind: "Service" }]);
  });

  it("documents ServiceSpec.type with its values", () => {
    const type = obj(obj(obj(schemas["io.k8s.api.core.v1.ServiceSpec"]).properties).type);
    const description = String(type.description);
    for (const v of ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]) assert.ok(description.includes(v), v);
    assert.deepEqual(type.enum, ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]);
  });

  it("marks Service ports as a list-map merged on port", () => {
    const ports = obj(obj(obj(schemas["io.k8s.api.core.v1.ServiceSpec"]).properties).ports);
    assert.equal(ports["x-kubernetes-list-type"], "map");
    assert.deepEqual(ports["x-kubernetes-list-map-keys"], ["port", "protocol"]);
    assert.equal(ports["x-kubernetes-patch-merge-key"], "port");
    assert.equal(ports["x-kubernetes-patch-strategy"], "merge");
  });

  it("marks containers merged by name", () => {
    const containers = obj(obj(obj(schemas["io.k8s.api.core.v1.PodSpec"]).properties).containers);
    assert.equal(containers["x-kubernetes-patch-merge-key"], "name");
    assert.deepEqual(containers["x-kubernetes-list-map-keys"], ["name"]);
  });

  it("marks Endpoints subsets atomic", () => {
    const subsets = obj(obj(obj(schemas["io.k8s.api.core.v1.Endpoints"]).properties).subsets);
    assert.equal(subsets["x-kubernetes-list-type"], "atomic");
    assert.equal(subsets["x-kubernetes-patch-strategy"], undefined);
  });

  it("marks roleRef and subjects atomic and policy rules' lists atomic", () => {
    const rbac = obj(obj(doc("apis/rbac.authorization.k8s.io/v1").components).schemas);
    assert.equal(obj(rbac["io.k8s.api.rbac.v1.RoleRef"])["x-kubernetes-map-type"], "atomic");
    assert.equal(obj(rbac["io.k8s.api.rbac.v1.Subject"])["x-kubernetes-map-type"], "atomic");
    assert.equal(obj(obj(obj(rbac["io.k8s.api.rbac.v1.PolicyRule"]).properties).verbs)["x-kubernetes-list-type"], "atomic");
    assert.deepEqual(obj(rbac["io.k8s.api.rbac.v1.Role"])["x-kubernetes-group-version-kind"], [{ group: "rbac.authorization.k8s.io", version: "v1", kind: "Role" }]);
  });

  it("has Deployment in apps/v1", () => {
    const apps = obj(obj(doc("apis/apps/v1").components).schemas);
    assert.deepEqual(obj(apps["io.k8s.api.apps.v1.Deployment"])["x-kubernetes-group-version-kind"], [{ group: "apps", version: "v1", kind: "Deployment" }]);
  });
});
