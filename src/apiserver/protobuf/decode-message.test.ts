import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { JsonObject } from "../../api/json.js";
import { decodeMessage } from "./decode-message.js";
import { ProtobufError } from "./protobuf-error.js";
import { WireWriter } from "./wire-writer.js";

const core = (n: string): string => `k8s.io.api.core.v1.${n}`;
const apps = (n: string): string => `k8s.io.api.apps.v1.${n}`;
const meta = (n: string): string => `k8s.io.apimachinery.pkg.apis.meta.v1.${n}`;

type Build = (w: WireWriter) => void;

/** Bytes of a message built field by field. */
function msg(build: Build): Uint8Array {
  const w = new WireWriter();
  build(w);
  return w.finish();
}

/** Go writes IntOrString with all three fields, whichever is in use. */
const intOrString = (v: number | string): Build =>
  typeof v === "number" ? (i) => i.varint(1, 0).varint(2, v).string(3, "") : (i) => i.varint(1, 1).varint(2, 0).string(3, v);

/** Go writes a Time as seconds and nanos; the zero Time as an empty message. */
const time = (iso: string, nanos = 0): Build => (t) => t.varint(1, BigInt(Date.parse(iso) / 1000)).varint(2, nanos);

interface Case {
  name: string;
  message: string;
  build: Build;
  want: JsonObject;
}

const cases: Case[] = [
  {
    name: "omitempty scalars at zero are dropped, non-omitempty ones kept",
    message: core("ServicePort"),
    build: (w) => w.string(1, "").string(2, "TCP").varint(3, 0).message(4, intOrString(0)).varint(5, 0),
    want: { protocol: "TCP", port: 0, targetPort: 0 },
  },
  {
    name: "pointer scalars keep their zero value (replicas: 0), value scalars do not",
    message: apps("DeploymentSpec"),
    build: (w) => w.varint(1, 0).varint(5, 0).varint(7, false).varint(6, 10),
    want: { replicas: 0, revisionHistoryLimit: 10 },
  },
  {
    name: "pointer bool false and pointer empty string are kept",
    message: core("ServiceSpec"),
    build: (w) => w.varint(20, false).string(21, "").string(4, "LoadBalancer").varint(13, false),
    want: { allocateLoadBalancerNodePorts: false, loadBalancerClass: "", type: "LoadBalancer" },
  },
  {
    name: "empty nested messages are kept as {} the way Go's JSON keeps structs",
    message: core("Container"),
    build: (w) => w.string(1, "app").string(2, "nginx").message(8, () => undefined).varint(16, false),
    want: { name: "app", image: "nginx", resources: {} },
  },
  {
    name: "string maps collect their entries; an entry without value maps to an empty string",
    message: meta("ObjectMeta"),
    build: (w) => w.string(1, "web").mapEntry(11, "app", "web").mapEntry(11, "tier", "front").message(12, (e) => e.string(1, "note")),
    want: { name: "web", labels: { app: "web", tier: "front" }, annotations: { note: "" } },
  },
  {
    name: "quantity maps render quantities as strings",
    message: core("ResourceRequirements"),
    build: (w) =>
      w
        .message(1, (e) => e.string(1, "cpu").message(2, (q) => q.string(1, "500m")))
        .message(2, (e) => e.string(1, "memory").message(2, (q) => q.string(1, "128Mi")))
        .message(2, (e) => e.string(1, "cpu").message(2, () => undefined)),
    want: { limits: { cpu: "500m" }, requests: { memory: "128Mi", cpu: "0" } },
  },
  {
    name: "repeated strings keep order across interleaved fields",
    message: core("Container"),
    build: (w) => w.string(1, "c").string(3, "sh").string(4, "-x").string(3, "-c").string(4, "echo hi"),
    want: { name: "c", command: ["sh", "-c"], args: ["-x", "echo hi"] },
  },
  {
    name: "repeated int64 accepted both unpacked and packed",
    message: core("PodSecurityContext"),
    build: (w) => w.varint(4, 1000).bytes(4, new WireWriter().raw([0xd1, 0x0f, 0x02]).finish()),
    want: { supplementalGroups: [1000, 2001, 2] },
  },
  {
    name: "negative int32 and int64 written sign-extended decode back to negatives",
    message: core("SecurityContext"),
    build: (w) => w.varint(4, -1).varint(8, -2),
    want: { runAsUser: -1, runAsGroup: -2 },
  },
  {
    name: "inline members (Volume's VolumeSource, ConfigMapVolumeSource's LocalObjectReference) are flattened",
    message: core("Volume"),
    build: (w) =>
      w.string(1, "config").message(2, (vs) => vs.message(19, (cm) => cm.message(1, (ref) => ref.string(1, "app-config")).varint(3, 420))),
    want: { name: "config", configMap: { name: "app-config", defaultMode: 420 } },
  },
  {
    name: "a probe's handler is inlined and IntOrString ports take either form",
    message: core("Probe"),
    build: (w) =>
      w.message(1, (h) => h.message(2, (g) => g.string(1, "/healthz").message(2, intOrString("http")).string(4, "HTTP"))).varint(2, 5).varint(3, 0),
    want: { httpGet: { path: "/healthz", port: "http", scheme: "HTTP" }, initialDelaySeconds: 5 },
  },
  {
    name: "times: zero time omitted, set time in RFC 3339 without fraction, epoch kept",
    message: meta("ObjectMeta"),
    build: (w) => w.message(8, () => undefined).message(9, time("2026-01-02T03:04:05Z", 999_000_000)),
    want: { deletionTimestamp: "2026-01-02T03:04:05Z" },
  },
  {
    name: "the Unix epoch is a real time, not the zero time",
    message: meta("ManagedFieldsEntry"),
    build: (w) => w.string(1, "kubectl").message(4, (t) => t.varint(1, 0).varint(2, 0)),
    want: { manager: "kubectl", time: "1970-01-01T00:00:00Z" },
  },
  {
    name: "the last second Go's JSON can write",
    message: meta("ObjectMeta"),
    build: (w) => w.message(9, (t) => t.varint(1, 253402300799n)),
    want: { deletionTimestamp: "9999-12-31T23:59:59Z" },
  },
  {
    name: "Go's zero time written out in full is still omitted",
    message: meta("ObjectMeta"),
    build: (w) => w.message(8, (t) => t.varint(1, -62135596800n).varint(2, 0)),
    want: {},
  },
  {
    name: "object metadata: generateName, owner references, finalizers, managed fields",
    message: meta("ObjectMeta"),
    build: (w) =>
      w
        .string(2, "web-")
        .varint(7, 3)
        .message(13, (o) => o.string(1, "ReplicaSet").string(3, "web-1").string(4, "uid-1").string(5, "apps/v1").varint(6, true).varint(7, false))
        .string(14, "example.com/guard")
        .message(17, (m) => m.string(1, "kubectl").string(2, "Update").string(6, "FieldsV1").message(7, (f) => f.string(1, '{"f:metadata":{}}'))),
    want: {
      generateName: "web-",
      generation: 3,
      ownerReferences: [{ kind: "ReplicaSet", name: "web-1", uid: "uid-1", apiVersion: "apps/v1", controller: true, blockOwnerDeletion: false }],
      finalizers: ["example.com/guard"],
      managedFields: [{ manager: "kubectl", operation: "Update", fieldsType: "FieldsV1", fieldsV1: { "f:metadata": {} } }],
    },
  },
  {
    name: "a label selector with expressions",
    message: meta("LabelSelector"),
    build: (w) => w.mapEntry(1, "app", "web").message(2, (e) => e.string(1, "tier").string(2, "In").string(3, "a").string(3, "b")),
    want: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }] },
  },
  {
    name: "a rolling update strategy with percent and integer bounds",
    message: apps("DeploymentStrategy"),
    build: (w) => w.string(1, "RollingUpdate").message(2, (r) => r.message(1, intOrString("25%")).message(2, intOrString(1))),
    want: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: 1 } },
  },
  {
    name: "env from values, field refs and secrets (inline LocalObjectReference)",
    message: core("Container"),
    build: (w) =>
      w
        .string(1, "c")
        .message(7, (e) => e.string(1, "MODE").string(2, "prod"))
        .message(7, (e) => e.string(1, "POD").string(2, "").message(3, (s) => s.message(1, (f) => f.string(1, "v1").string(2, "metadata.name"))))
        .message(7, (e) => e.string(1, "PW").message(3, (s) => s.message(4, (k) => k.message(1, (r) => r.string(1, "db")).string(2, "password").varint(3, true)))),
    want: {
      name: "c",
      env: [
        { name: "MODE", value: "prod" },
        { name: "POD", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
        { name: "PW", valueFrom: { secretKeyRef: { name: "db", key: "password", optional: true } } },
      ],
    },
  },
  {
    name: "a service status with load balancer ingress and conditions",
    message: core("ServiceStatus"),
    build: (w) =>
      w
        .message(1, (lb) => lb.message(1, (i) => i.string(1, "192.0.2.10").string(2, "").string(3, "VIP")))
        .message(2, (c) => c.string(1, "Ready").string(2, "True").varint(3, 0).message(4, time("2026-03-04T05:06:07Z")).string(5, "Ok").string(6, "")),
    want: {
      loadBalancer: { ingress: [{ ip: "192.0.2.10", ipMode: "VIP" }] },
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-03-04T05:06:07Z", reason: "Ok", message: "" }],
    },
  },
  {
    name: "DeleteOptions with grace period 0, preconditions and dry run",
    message: meta("DeleteOptions"),
    build: (w) => w.varint(1, 0).message(2, (p) => p.string(1, "uid-9")).string(4, "Foreground").string(5, "All"),
    want: { gracePeriodSeconds: 0, preconditions: { uid: "uid-9" }, propagationPolicy: "Foreground", dryRun: ["All"] },
  },
  {
    name: "the last occurrence of a singular field wins, and a zero one clears it",
    message: core("ServiceSpec"),
    build: (w) => w.string(4, "NodePort").string(4, "ClusterIP").string(3, "10.0.0.1").string(3, ""),
    want: { type: "ClusterIP" },
  },
  {
    name: "a map key named __proto__ is an ordinary key",
    message: meta("ObjectMeta"),
    build: (w) => w.mapEntry(11, "__proto__", "x").mapEntry(11, "app", "web"),
    want: JSON.parse('{"labels":{"__proto__":"x","app":"web"}}') as JsonObject,
  },
  {
    name: "UTF-8 text is decoded",
    message: meta("ObjectMeta"),
    build: (w) => w.mapEntry(12, "note", "größe ✓"),
    want: { annotations: { note: "größe ✓" } },
  },
];

describe("decodeMessage", () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decodeMessage(msg(c.build), c.message), c.want);
    });
  }

  const failures: { name: string; message: string; build: Build; error: string }[] = [
    {
      name: "a field number the table does not know",
      message: core("PodSpec"),
      build: (w) => w.message(2, (c) => c.string(1, "a")).string(57, "x"),
      error: "protobuf: unsupported field 57 in k8s.io.api.core.v1.PodSpec",
    },
    {
      name: "an unknown field deep inside a nested message",
      message: apps("DeploymentSpec"),
      build: (w) => w.message(3, (t) => t.message(2, (p) => p.message(2, (c) => c.string(1, "a").varint(99, 1)))),
      error: "protobuf: unsupported field 99 in k8s.io.api.core.v1.Container",
    },
    {
      name: "an unknown field inside a map entry",
      message: meta("ObjectMeta"),
      build: (w) => w.message(11, (e) => e.string(1, "k").string(2, "v").string(3, "?")),
      error: "protobuf: unsupported field 3 in k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta.LabelsEntry",
    },
    {
      name: "a string sent as a varint",
      message: core("Container"),
      build: (w) => w.varint(1, 5),
      error: "protobuf: field 1 (name) in k8s.io.api.core.v1.Container has wire type 0, expected 2",
    },
    {
      name: "a message sent as fixed32",
      message: core("Service"),
      build: (w) => w.fixed32(2, 1),
      error: "protobuf: field 2 (spec) in k8s.io.api.core.v1.Service has wire type 5, expected 2",
    },
    {
      name: "an int64 beyond JSON's safe integers",
      message: meta("ObjectMeta"),
      build: (w) => w.varint(7, 1n << 60n),
      error: "protobuf: field 7 (generation) in k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta: 1152921504606846976 is beyond JSON's safe integers",
    },
    {
      name: "an IntOrString of impossible type",
      message: core("ServicePort"),
      build: (w) => w.message(4, (i) => i.varint(1, 2)),
      error: "protobuf: k8s.io.apimachinery.pkg.util.intstr.IntOrString has impossible type 2",
    },
    {
      name: "a truncated nested message",
      message: core("Service"),
      build: (w) => w.raw([0x12, 0x05, 0x0a]),
      error: "protobuf: length 5 exceeds the 1 bytes left",
    },
    {
      name: "managed fields that are not JSON",
      message: meta("ManagedFieldsEntry"),
      build: (w) => w.message(7, (f) => f.string(1, "{nope")),
      error: "protobuf: k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1 does not hold valid JSON",
    },
    {
      name: "a time past year 9999",
      message: meta("ObjectMeta"),
      build: (w) => w.message(9, (t) => t.varint(1, 253402300800n)),
      error: "protobuf: k8s.io.apimachinery.pkg.apis.meta.v1.Time seconds 253402300800 outside years 1 to 9999",
    },
    {
      name: "a field Time does not have",
      message: meta("ObjectMeta"),
      build: (w) => w.message(9, (t) => t.varint(1, 0).varint(3, 1)),
      error: "protobuf: unsupported field 3 in k8s.io.apimachinery.pkg.apis.meta.v1.Time",
    },
    {
      name: "a message with no table",
      message: core("PersistentVolumeClaim"),
      build: () => undefined,
      error: "protobuf: no table for message k8s.io.api.core.v1.PersistentVolumeClaim",
    },
  ];
  for (const c of failures) {
    it(`rejects ${c.name}`, () => {
      assert.throws(() => decodeMessage(msg(c.build), c.message), (e: unknown) => e instanceof ProtobufError && e.message === c.error);
    });
  }
});
