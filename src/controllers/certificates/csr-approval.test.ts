import assert from "node:assert/strict";
import { test } from "node:test";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { approvalReview, approvalRoutes, approvedCondition, notApprovedMessage } from "./csr-approval.js";
import type { CsrSubject } from "./test-fixtures.js";
import { makeCsr } from "./test-fixtures.js";

test("approvalRoutes: which permissions csrapproving checks for a request", async (t) => {
  const cases: { name: string; edit?: (c: CertificateSigningRequest) => void; subject?: CsrSubject; want: string[] | RegExp }[] = [
    { name: "a joining node's request (requester: its token)", want: ["nodeclient"] },
    { name: "a node renewing its own", edit: (c) => (c.spec.username = "system:node:n1"), want: ["selfnodeclient", "nodeclient"] },
    { name: "a node asking for another node's", edit: (c) => (c.spec.username = "system:node:n2"), want: ["nodeclient"] },
    { name: "without key encipherment", edit: (c) => (c.spec.usages = ["digital signature", "client auth"]), want: ["nodeclient"] },
    { name: "another signer", edit: (c) => (c.spec.signerName = "kubernetes.io/kube-apiserver-client"), want: [] },
    { name: "a serving request", edit: (c) => (c.spec.signerName = "kubernetes.io/kubelet-serving"), want: [] },
    { name: "another signer, even unparsable", edit: (c) => ((c.spec.signerName = "example.com/x"), (c.spec.request = "AAAA")), want: [] },
    { name: "not a node's subject", subject: { cn: "jane", orgs: ["devs"] }, want: [] },
    { name: "a node's with SANs", subject: { ips: ["10.0.0.1"] }, want: [] },
    { name: "server auth asked", edit: (c) => (c.spec.usages = ["digital signature", "key encipherment", "server auth"]), want: [] },
    { name: "already approved", edit: (c) => (c.status = { conditions: [{ type: "Approved", status: "True" }] }), want: [] },
    { name: "already denied", edit: (c) => (c.status = { conditions: [{ type: "Denied", status: "True" }] }), want: [] },
    { name: "already issued", edit: (c) => (c.status = { certificate: "AAAA" }), want: [] },
    { name: "an unparsable request", edit: (c) => (c.spec.request = Buffer.from("nope").toString("base64")), want: /^unable to parse csr "x": PEM block type must be CERTIFICATE REQUEST$/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = approvalRoutes(Object.freeze(makeCsr("x", c.edit, c.subject)));
      if (c.want instanceof RegExp) {
        assert.ok("error" in got);
        assert.match(got.error, c.want);
      } else {
        assert.ok("routes" in got);
        assert.deepEqual(got.routes.map((r) => r.subresource), c.want);
      }
    });
  }
});

test("approvalReview: asks about the requester, never the controller", () => {
  const csr = makeCsr("x", (c) => ((c.spec.uid = "u-1"), (c.spec.extra = { scopes: ["a"] })));
  const review = approvalReview(csr, { subresource: "nodeclient", message: "" });
  assert.deepEqual(review.spec, {
    user: "system:bootstrap:abcdef",
    uid: "u-1",
    groups: ["system:bootstrappers", "system:bootstrappers:svcnet:default-node-token", "system:authenticated"],
    extra: { scopes: ["a"] },
    resourceAttributes: { group: "certificates.k8s.io", resource: "certificatesigningrequests", verb: "create", subresource: "nodeclient", version: "*" },
  });
});

test("approvedCondition and notApprovedMessage read as Kubernetes'", () => {
  const [self, node] = (approvalRoutes(makeCsr("x", (c) => (c.spec.username = "system:node:n1"))) as { routes: { subresource: "selfnodeclient" | "nodeclient"; message: string }[] }).routes;
  assert.deepEqual(approvedCondition(node, new Date("2026-01-02T03:04:05.678Z")), {
    type: "Approved",
    status: "True",
    reason: "AutoApproved",
    message: "Auto approving kubelet client certificate after SubjectAccessReview.",
    lastUpdateTime: "2026-01-02T03:04:05Z",
    lastTransitionTime: "2026-01-02T03:04:05Z",
  });
  assert.equal(approvedCondition(self, new Date()).message, "Auto approving self kubelet client certificate after SubjectAccessReview.");
  assert.equal(notApprovedMessage(makeCsr("node-csr-a"), [self, node]), `recognized csr "node-csr-a" as [selfnodeclient nodeclient] but subject access review was not approved`);
});
