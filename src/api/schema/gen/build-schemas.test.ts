import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../json.js";
import { buildSchemas, sortKeys } from "./build-schemas.js";
import type { ModelLoader } from "./build-schemas.js";
import { modelLoader, projectRoot } from "./model-files.js";

const real = modelLoader(projectRoot());

/** The real models, with one model's files rewritten or removed. */
function tampered(className: string, edit: (js: string) => string | undefined): ModelLoader {
  return (name) => {
    const files = real(name);
    if (name !== className || !files) return files;
    const js = edit(files.js);
    return js === undefined ? undefined : { ...files, js };
  };
}

describe("buildSchemas", () => {
  const defs = buildSchemas(real);
  const prop = (def: string, field: string): JsonObject => (defs[def].properties as Record<string, JsonObject>)[field];

  const cases: { name: string; got: () => unknown; want: unknown }[] = [
    {
      name: "int32 field",
      got: () => ({ type: prop("io.k8s.api.core.v1.ServicePort", "port").type, format: prop("io.k8s.api.core.v1.ServicePort", "port").format }),
      want: { type: "integer", format: "int32" },
    },
    {
      name: "IntOrString field wraps its ref and drops client-node's type description",
      got: () => prop("io.k8s.api.core.v1.ServicePort", "targetPort"),
      want: { allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString" }] },
    },
    {
      name: "timestamp is a Time ref",
      got: () => (prop("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "creationTimestamp").allOf as unknown[])[0],
      want: { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time" },
    },
    {
      name: "micro timestamp is a MicroTime ref",
      got: () => (prop("io.k8s.api.coordination.v1.LeaseSpec", "renewTime").allOf as unknown[])[0],
      want: { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime" },
    },
    {
      name: "resource limits are quantities",
      got: () => prop("io.k8s.api.core.v1.ResourceRequirements", "limits").additionalProperties,
      want: { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity" },
    },
    {
      name: "labels are a string map",
      got: () => prop("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "labels").additionalProperties,
      want: { type: "string" },
    },
    { name: "required fields", got: () => defs["io.k8s.api.core.v1.ServicePort"].required, want: ["port"] },
    {
      name: "list items reference their element type",
      got: () => prop("io.k8s.api.core.v1.ServiceList", "items").items,
      want: { $ref: "#/components/schemas/io.k8s.api.core.v1.Service" },
    },
    {
      name: "fieldsV1 maps to FieldsV1",
      got: () => (prop("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry", "fieldsV1").allOf as unknown[])[0],
      want: { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1" },
    },
    { name: "pod template is core, reached from apps", got: () => "io.k8s.api.apps.v1.PodTemplateSpec" in defs, want: false },
    { name: "pod template exists in core", got: () => "io.k8s.api.core.v1.PodTemplateSpec" in defs, want: true },
    { name: "core EndpointPort", got: () => "io.k8s.api.core.v1.EndpointPort" in defs, want: true },
    { name: "discovery EndpointPort", got: () => "io.k8s.api.discovery.v1.EndpointPort" in defs, want: true },
    { name: "object reference is core", got: () => "io.k8s.api.core.v1.ObjectReference" in defs, want: true },
    { name: "rbac Subject by its group prefix", got: () => "io.k8s.api.rbac.v1.Subject" in defs, want: true },
    { name: "CSR conditions merge by type", got: () => prop("io.k8s.api.certificates.v1.CertificateSigningRequestStatus", "conditions")["x-kubernetes-list-map-keys"], want: ["type"] },
    { name: "UserInfo is authentication's", got: () => "io.k8s.api.authentication.v1.UserInfo" in defs, want: true },
    { name: "FieldSelectorRequirement is a meta type", got: () => "io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement" in defs, want: true },
    { name: "a user's extra values are string lists", got: () => prop("io.k8s.api.authentication.v1.UserInfo", "extra"), want: { type: "object", additionalProperties: { type: "array", items: { type: "string" } }, description: "Any additional information provided by the authenticator." } },
    {
      name: "DeleteOptions is accepted in every served group",
      got: () => (defs["io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"]["x-kubernetes-group-version-kind"] as JsonObject[]).map((g) => g.group),
      want: ["", "apps", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "rbac.authorization.k8s.io"],
    },
    {
      name: "kinds get standard field descriptions",
      got: () => typeof prop("io.k8s.api.core.v1.Service", "spec").description,
      want: "string",
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.want));

  it("leaves no dangling reference", () => {
    const refs = JSON.stringify(defs).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const r of refs) assert.ok(r.slice("#/components/schemas/".length) in defs, r);
  });

  const failures: { name: string; load: ModelLoader; error: RegExp }[] = [
    { name: "a missing model", load: tampered("V1ServicePort", () => undefined), error: /model V1ServicePort not found/ },
    {
      name: "an untyped field with no mapping",
      load: tampered("V1ServicePort", (js) => js.replace('"type": "number",\n        "format": "int32"', '"type": "any",\n        "format": ""')),
      error: /untyped field with no mapping/,
    },
    {
      name: "an annotation naming a field that is gone",
      load: tampered("V1ServiceSpec", (js) => js.replace('"baseName": "ports"', '"baseName": "portz"')),
      error: /io.k8s.api.core.v1.ServiceSpec has no field ports/,
    },
  ];
  for (const c of failures) it(`throws on ${c.name}`, () => assert.throws(() => buildSchemas(c.load), c.error));

  it("sortKeys orders object keys recursively and keeps array order", () => {
    assert.equal(JSON.stringify(sortKeys({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 2 } })), '{"a":{"c":2,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});
