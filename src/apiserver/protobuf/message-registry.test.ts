import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { messages } from "./message-registry.js";
import { defineMessages } from "./message-schema.js";
import { wellKnownDecoders } from "./well-known.js";

describe("message tables", () => {
  // Field numbers that the kubectl generators and drain depend on, checked one by one against
  // Kubernetes' generated.proto (a typo in a table would otherwise go unnoticed until a body
  // carrying that field arrived).
  const golden: [message: string, field: number, name: string, type: string][] = [
    ["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", 1, "name", "string"],
    ["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", 3, "namespace", "string"],
    ["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", 8, "creationTimestamp", "k8s.io.apimachinery.pkg.apis.meta.v1.Time"],
    ["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", 11, "labels", "string"],
    ["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", 13, "ownerReferences", "k8s.io.apimachinery.pkg.apis.meta.v1.OwnerReference"],
    ["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", 17, "managedFields", "k8s.io.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry"],
    ["k8s.io.apimachinery.pkg.apis.meta.v1.OwnerReference", 5, "apiVersion", "string"],
    ["k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions", 4, "propagationPolicy", "string"],
    ["k8s.io.api.core.v1.ServiceSpec", 1, "ports", "k8s.io.api.core.v1.ServicePort"],
    ["k8s.io.api.core.v1.ServiceSpec", 3, "clusterIP", "string"],
    ["k8s.io.api.core.v1.ServiceSpec", 10, "externalName", "string"],
    ["k8s.io.api.core.v1.ServiceSpec", 18, "clusterIPs", "string"],
    ["k8s.io.api.core.v1.ServicePort", 4, "targetPort", "k8s.io.apimachinery.pkg.util.intstr.IntOrString"],
    ["k8s.io.api.core.v1.ServicePort", 5, "nodePort", "int32"],
    ["k8s.io.api.core.v1.PodSpec", 2, "containers", "k8s.io.api.core.v1.Container"],
    ["k8s.io.api.core.v1.Container", 8, "resources", "k8s.io.api.core.v1.ResourceRequirements"],
    ["k8s.io.api.core.v1.Container", 14, "imagePullPolicy", "string"],
    ["k8s.io.api.core.v1.ContainerPort", 3, "containerPort", "int32"],
    ["k8s.io.api.apps.v1.DeploymentSpec", 1, "replicas", "int32"],
    ["k8s.io.api.apps.v1.DeploymentSpec", 9, "progressDeadlineSeconds", "int32"],
    ["k8s.io.api.policy.v1.Eviction", 2, "deleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"],
    ["k8s.io.api.core.v1.ServiceAccount", 4, "automountServiceAccountToken", "bool"],
    ["k8s.io.api.core.v1.ConfigMap", 3, "binaryData", "bytes"],
    ["k8s.io.api.authentication.v1.TokenRequestSpec", 3, "boundObjectRef", "k8s.io.api.authentication.v1.BoundObjectReference"],
    ["k8s.io.api.authentication.v1.TokenRequestSpec", 4, "expirationSeconds", "int64"],
    ["k8s.io.api.authentication.v1.UserInfo", 4, "extra", "k8s.io.api.authentication.v1.ExtraValue"],
    ["k8s.io.api.rbac.v1.ClusterRole", 3, "aggregationRule", "k8s.io.api.rbac.v1.AggregationRule"],
    ["k8s.io.api.rbac.v1.PolicyRule", 5, "nonResourceURLs", "string"],
    ["k8s.io.api.rbac.v1.RoleBinding", 3, "roleRef", "k8s.io.api.rbac.v1.RoleRef"],
    ["k8s.io.api.rbac.v1.Subject", 4, "namespace", "string"],
    ["k8s.io.api.certificates.v1.CertificateSigningRequestSpec", 7, "signerName", "string"],
    ["k8s.io.api.certificates.v1.CertificateSigningRequestSpec", 8, "expirationSeconds", "int32"],
    ["k8s.io.api.certificates.v1.CertificateSigningRequestSpec", 6, "extra", "k8s.io.api.certificates.v1.ExtraValue"],
    ["k8s.io.api.certificates.v1.CertificateSigningRequestCondition", 6, "status", "string"],
    ["k8s.io.api.certificates.v1.CertificateSigningRequestStatus", 2, "certificate", "bytes"],
    ["k8s.io.api.authorization.v1.ResourceAttributes", 7, "name", "string"],
    ["k8s.io.api.authorization.v1.ResourceAttributes", 9, "labelSelector", "k8s.io.api.authorization.v1.LabelSelectorAttributes"],
    ["k8s.io.api.authorization.v1.SubjectAccessReviewStatus", 4, "denied", "bool"],
    ["k8s.io.api.authorization.v1.SubjectAccessReviewSpec", 6, "uid", "string"],
    ["k8s.io.api.authorization.v1.SubjectRulesReviewStatus", 3, "incomplete", "bool"],
  ];
  for (const [message, field, name, type] of golden) {
    it(`${message} field ${field} is ${name}`, () => {
      const f = messages.get(message)?.fields.get(field);
      assert.equal(f?.name, name);
      assert.equal(f?.type, type);
    });
  }

  it("holds exactly the messages reachable from the supported kinds", () => {
    const roots = [
      "k8s.io.api.core.v1.Namespace",
      "k8s.io.api.core.v1.Service",
      "k8s.io.api.apps.v1.Deployment",
      "k8s.io.api.policy.v1.Eviction",
      "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions",
      "k8s.io.api.core.v1.ServiceAccount",
      "k8s.io.api.core.v1.ConfigMap",
      "k8s.io.api.core.v1.Secret",
      "k8s.io.api.authentication.v1.TokenRequest",
      "k8s.io.api.authentication.v1.SelfSubjectReview",
      "k8s.io.api.authorization.v1.SelfSubjectAccessReview",
      "k8s.io.api.authorization.v1.SelfSubjectRulesReview",
      "k8s.io.api.authorization.v1.SubjectAccessReview",
      "k8s.io.api.authorization.v1.LocalSubjectAccessReview",
      "k8s.io.api.rbac.v1.Role",
      "k8s.io.api.rbac.v1.ClusterRole",
      "k8s.io.api.rbac.v1.RoleBinding",
      "k8s.io.api.rbac.v1.ClusterRoleBinding",
      "k8s.io.api.certificates.v1.CertificateSigningRequest",
    ];
    const seen = new Set<string>();
    const visit = (name: string): void => {
      if (seen.has(name) || wellKnownDecoders.has(name)) return;
      const m = messages.get(name);
      assert.ok(m, `${name} has a table`);
      seen.add(name);
      for (const f of m.fields.values()) if (!f.scalar) visit(f.type);
    };
    roots.forEach(visit);
    assert.deepEqual([...messages.keys()].filter((n) => !seen.has(n)), []);
  });

  it("marks exactly the Go-embedded structs as inline", () => {
    const inline = [...messages.values()].flatMap((m) => [...m.fields.values()].filter((f) => f.inline).map((f) => `${m.name.split(".").pop()}.${f.name}`));
    assert.deepEqual(inline.sort(), [
      "ConfigMapEnvSource.localObjectReference",
      "ConfigMapKeySelector.localObjectReference",
      "ConfigMapProjection.localObjectReference",
      "ConfigMapVolumeSource.localObjectReference",
      "EphemeralContainer.ephemeralContainerCommon",
      "Probe.handler",
      "SecretEnvSource.localObjectReference",
      "SecretKeySelector.localObjectReference",
      "SecretProjection.localObjectReference",
      "Volume.volumeSource",
    ]);
  });
});

describe("defineMessages", () => {
  it("parses every notation element", () => {
    const [m] = defineMessages("k8s.io.api.core.v1", {
      Demo: "1 a string; 2 b int32?; 3 c bool!; 4 d Other[]; 5 e map<resource.Quantity>; 6 f ...meta.ObjectMeta",
    });
    assert.equal(m.name, "k8s.io.api.core.v1.Demo");
    const f = (n: number) => m.fields.get(n);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => [f(n)?.type, f(n)?.cardinality, f(n)?.keepZero, f(n)?.inline, f(n)?.scalar]),
      [
        ["string", "single", false, false, true],
        ["int32", "single", true, false, true],
        ["bool", "single", true, false, true],
        ["k8s.io.api.core.v1.Other", "repeated", false, false, false],
        ["k8s.io.apimachinery.pkg.api.resource.Quantity", "map", false, false, false],
        ["k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", "single", false, true, false],
      ],
    );
  });

  const bad: { name: string; text: string; error: RegExp }[] = [
    { name: "unparseable field", text: "1 a", error: /cannot parse field "1 a" of x.M/ },
    { name: "duplicate number", text: "1 a string; 1 b string", error: /field 1 twice in x.M/ },
    { name: "unknown package alias", text: "1 a nope.Thing", error: /unknown package alias in nope.Thing/ },
    { name: "suffix on a map", text: "1 a map<string>[]", error: /cannot parse field|suffix not allowed/ },
    { name: "inline scalar", text: "1 a ...string", error: /inline scalar a of x.M/ },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}`, () => {
      assert.throws(() => defineMessages("x", { M: c.text }), c.error);
    });
  }
});
