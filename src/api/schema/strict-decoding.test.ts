import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeErrorMessage, findUnknownFields, parseJsonWithDuplicates, strictDecodingFindings, strictDecodingMessage } from "./strict-decoding.js";

const service = "io.k8s.api.core.v1.Service";
const deployment = "io.k8s.api.apps.v1.Deployment";

describe("findUnknownFields", () => {
  const cases: { name: string; def: string; obj: unknown; want: string[] }[] = [
    {
      name: "a valid service",
      def: service,
      obj: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web", labels: { app: "web" }, annotations: { "x/y": "z" } },
        spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: "http", protocol: "TCP" }], type: "NodePort" },
      },
      want: [],
    },
    { name: "unknown spec field", def: service, obj: { spec: { unknownField: 1 } }, want: ["spec.unknownField"] },
    { name: "unknown field in a list element", def: service, obj: { spec: { ports: [{ port: 80 }, { port: 81, foo: 1 }] } }, want: ["spec.ports[1].foo"] },
    { name: "unknown metadata field", def: service, obj: { metadata: { name: "a", nmae: "b" } }, want: ["metadata.nmae"] },
    { name: "unknown top-level field", def: service, obj: { apiVersion: "v1", kind: "Service", sepc: {} }, want: ["sepc"] },
    { name: "field names are case-sensitive", def: service, obj: { spec: { ClusterIP: "None" } }, want: ["spec.ClusterIP"] },
    { name: "IntOrString as a number", def: service, obj: { spec: { ports: [{ port: 80, targetPort: 8080 }] } }, want: [] },
    { name: "does not look inside an unknown field", def: service, obj: { spec: { extra: { deeper: 1 } } }, want: ["spec.extra"] },
    { name: "several, in key order", def: service, obj: { a: 1, spec: { b: 2 }, c: 3 }, want: ["a", "spec.b", "c"] },
    {
      name: "managedFields fieldsV1 is free-form",
      def: service,
      obj: { metadata: { managedFields: [{ manager: "kubectl", fieldsV1: { "f:spec": { "f:ports": {} } } }] } },
      want: [],
    },
    {
      name: "quantities in resource maps",
      def: "io.k8s.api.core.v1.Pod",
      obj: { spec: { containers: [{ name: "c", resources: { limits: { cpu: 1, memory: "1Gi" } }, bogus: true }] } },
      want: ["spec.containers[0].bogus"],
    },
    {
      name: "deep in a deployment template",
      def: deployment,
      obj: { spec: { template: { spec: { containers: [{ name: "n", image: "nginx", redinessProbe: {} }] } } } },
      want: ["spec.template.spec.containers[0].redinessProbe"],
    },
    { name: "wrong types are not unknown fields", def: service, obj: { spec: { ports: "x", selector: [1] } }, want: [] },
    { name: "null values", def: service, obj: { spec: null, metadata: { labels: null } }, want: [] },
    {
      name: "keys that name Object.prototype's properties are unknown fields",
      def: service,
      obj: JSON.parse('{"__proto__":{"polluted":true},"metadata":{"constructor":{"prototype":{}},"hasOwnProperty":1}}') as unknown,
      want: ["__proto__", "metadata.constructor", "metadata.hasOwnProperty"],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(findUnknownFields(c.def, c.obj), c.want));

  it("throws for an unknown definition", () => {
    assert.throws(() => findUnknownFields("io.k8s.api.core.v1.Nope", {}), /unknown schema definition/);
  });
});

describe("strict decoding messages", () => {
  it("matches the conformance test's wording for a Deployment", () => {
    const body = `{
      "apiVersion": "apps/v1",
      "kind": "Deployment",
      "metadata": {"name": "deployment", "labels": {"app": "nginx"}},
      "spec": {
        "selector": {"matchLabels": {"app": "nginx"}},
        "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}]}},
        "unknownField": "foo",
        "replicas": 2,
        "replicas": 3
      }
    }`;
    const { value, duplicates } = parseJsonWithDuplicates(body);
    const message = strictDecodingMessage(findUnknownFields(deployment, value), duplicates);
    assert.equal(message, 'strict decoding error: unknown field "spec.unknownField", duplicate field "spec.replicas"');
    assert.equal(
      decodeErrorMessage(deployment, message ?? ""),
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.unknownField", duplicate field "spec.replicas"',
    );
  });

  const cases: { name: string; unknown: string[]; duplicates: string[]; want: string | undefined }[] = [
    { name: "nothing", unknown: [], duplicates: [], want: undefined },
    { name: "one unknown", unknown: ["spec.foo"], duplicates: [], want: 'strict decoding error: unknown field "spec.foo"' },
    { name: "one duplicate", unknown: [], duplicates: ["kind"], want: 'strict decoding error: duplicate field "kind"' },
    {
      name: "several",
      unknown: ["a", "b.c"],
      duplicates: ["d"],
      want: 'strict decoding error: unknown field "a", unknown field "b.c", duplicate field "d"',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(strictDecodingMessage(c.unknown, c.duplicates), c.want));

  it("gives one finding per field for Warning headers", () => {
    assert.deepEqual(strictDecodingFindings(["spec.foo"], ["spec.replicas"]), ['unknown field "spec.foo"', 'duplicate field "spec.replicas"']);
  });
});
