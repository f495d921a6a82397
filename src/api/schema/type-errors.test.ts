import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findTypeErrors } from "./type-errors.js";

const service = "io.k8s.api.core.v1.Service";
const svcPrefix = 'Service in version "v1" cannot be handled as a Service: ';

describe("findTypeErrors", () => {
  const cases: { name: string; def?: string; obj: unknown; want: string | undefined }[] = [
    { name: "a valid service", obj: { metadata: { name: "a" }, spec: { ports: [{ port: 80, targetPort: "http" }], type: "ClusterIP" } }, want: undefined },
    {
      name: "string where int32 expected",
      obj: { spec: { ports: [{ port: "80" }] } },
      want: "json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32",
    },
    {
      name: "fraction where int32 expected",
      obj: { spec: { ports: [{ port: 80.5 }] } },
      want: "json: cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.port of type int32",
    },
    {
      name: "int32 overflow",
      obj: { spec: { ports: [{ port: 3000000000 }] } },
      want: "json: cannot unmarshal number 3000000000 into Go struct field ServicePort.spec.ports.port of type int32",
    },
    {
      name: "number where string expected",
      obj: { spec: { type: 5 } },
      want: "json: cannot unmarshal number into Go struct field ServiceSpec.spec.type of type string",
    },
    {
      name: "string where bool expected",
      obj: { spec: { publishNotReadyAddresses: "yes" } },
      want: "json: cannot unmarshal string into Go struct field ServiceSpec.spec.publishNotReadyAddresses of type bool",
    },
    {
      name: "string where struct expected",
      obj: { spec: "x" },
      want: "json: cannot unmarshal string into Go struct field Service.spec of type v1.ServiceSpec",
    },
    {
      name: "object where list expected",
      obj: { spec: { ports: { port: 80 } } },
      want: "json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort",
    },
    {
      name: "array where map expected",
      obj: { spec: { selector: ["a"] } },
      want: "json: cannot unmarshal array into Go struct field ServiceSpec.spec.selector of type map[string]string",
    },
    {
      name: "bad map value",
      obj: { metadata: { labels: { app: true } } },
      want: "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string",
    },
    {
      name: "bool for IntOrString",
      obj: { spec: { ports: [{ port: 80, targetPort: true }] } },
      want: "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32",
    },
    { name: "nulls are accepted", obj: { spec: { ports: null, type: null, clusterIP: null } }, want: undefined },
    {
      name: "the first mismatch in document order",
      obj: { spec: { type: 1, ports: [{ port: "x" }] } },
      want: "json: cannot unmarshal number into Go struct field ServiceSpec.spec.type of type string",
    },
    {
      name: "custom decoders win over earlier plain mismatches",
      obj: { spec: { type: 1, ports: [{ port: 1, targetPort: [] }] } },
      want: "json: cannot unmarshal array into Go struct field ServicePort.spec.ports.targetPort of type int32",
    },
    {
      name: "timestamps must be strings",
      obj: { metadata: { creationTimestamp: 5 } },
      want: "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string",
    },
    { name: "unknown fields are not type errors", obj: { spec: { nope: 1 } }, want: undefined },
    { name: "not an object", obj: [1], want: "json: cannot unmarshal array into Go value of type v1.Service" },
    {
      name: "quantities accept numbers and strings",
      def: "io.k8s.api.core.v1.Pod",
      obj: { spec: { containers: [{ name: "c", resources: { limits: { cpu: 0.5, memory: "128Mi" } } }] } },
      want: undefined,
    },
    {
      name: "a quantity that is not one",
      def: "io.k8s.api.core.v1.Pod",
      obj: { spec: { containers: [{ name: "c", resources: { limits: { cpu: true } } }] } },
      want: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    },
    {
      name: "env value in a deployment template",
      def: "io.k8s.api.apps.v1.Deployment",
      obj: { spec: { template: { spec: { containers: [{ name: "c", env: [{ name: "A", value: true }] }] } } } },
      want: "json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string",
    },
    {
      name: "int64 field",
      def: "io.k8s.api.apps.v1.Deployment",
      obj: { metadata: { generation: "1" } },
      want: "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.generation of type int64",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const def = c.def ?? service;
      const got = findTypeErrors(def, c.obj);
      if (c.want === undefined) assert.equal(got, undefined);
      else {
        const kind = def.slice(def.lastIndexOf(".") + 1);
        assert.equal(got, def === service ? svcPrefix + c.want : `${kind} in version "v1" cannot be handled as a ${kind}: ${c.want}`);
      }
    });
  }

  it("throws for an unknown definition", () => {
    assert.throws(() => findTypeErrors("io.k8s.api.core.v1.Nope", {}), /unknown schema definition/);
  });
});
