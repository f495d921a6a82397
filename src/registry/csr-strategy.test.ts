import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CertificateSigningRequest, CertificateSigningRequestCondition } from "../api/certificates-types.js";
import { deepCopy, deepFreeze } from "../api/json.js";
import { requireResource } from "../api/resources.js";
import { b64, makeCertificatePem, makeCsr } from "../api/validation/certificate-fixtures.js";
import { csrStrategyOverrides, populateConditionTimestamps, preserveConditionInstances } from "./csr-strategy.js";
import { genericStrategy } from "./generic-strategy.js";
import type { ResourceStrategy, WriteContext } from "./strategy.js";

const csrs = requireResource("certificates.k8s.io", "v1", "certificatesigningrequests");
const base = genericStrategy(csrs);
const strategy: ResourceStrategy = { ...base, ...csrStrategyOverrides(base) };
const NOW = new Date("2026-11-27T12:00:00Z");
const EARLIER = "2026-11-27T11:00:00Z";
const ctx = (subresource = "", requester?: WriteContext["requester"]): WriteContext => ({ now: NOW, dryRun: false, subresource, ...(requester && { requester }) });
const approved: CertificateSigningRequestCondition = { type: "Approved", status: "True", reason: "KubectlApprove", lastUpdateTime: EARLIER, lastTransitionTime: EARLIER };
const cert = b64(makeCertificatePem("issued"));

/** The stored request: created by "node", approved at EARLIER. */
const stored: CertificateSigningRequest = deepFreeze(
  makeCsr("r", (c) => {
    c.metadata.uid = "u1";
    c.spec.username = "node";
    c.spec.groups = ["system:bootstrappers"];
    c.status = { conditions: [approved] };
  }),
);

describe("csr strategy on create", () => {
  const cases: { name: string; requester?: WriteContext["requester"]; want: Partial<CertificateSigningRequest["spec"]> }[] = [
    {
      name: "the requester replaces what the body says",
      requester: { name: "system:bootstrap:abcdef", uid: "", groups: ["system:bootstrappers", "system:authenticated"], extra: { scope: ["x"] } },
      want: { username: "system:bootstrap:abcdef", groups: ["system:bootstrappers", "system:authenticated"], extra: { scope: ["x"] } },
    },
    { name: "a requester with a uid", requester: { name: "sa", uid: "1234", groups: [] }, want: { username: "sa", uid: "1234" } },
    { name: "no requester (a write from inside the server) clears them", want: {} },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const obj = makeCsr("r", (o) => {
        o.spec.username = "mallory";
        o.spec.uid = "0";
        o.spec.groups = ["system:masters"];
        o.spec.extra = { x: ["y"] };
        o.status = { conditions: [approved], certificate: cert };
      });
      strategy.prepareForCreate(obj, ctx("", c.requester));
      const { username, uid, groups, extra } = obj.spec;
      assert.deepEqual(JSON.parse(JSON.stringify({ username, uid, groups, extra })), c.want);
      assert.deepEqual(obj.status, {});
    });
  }
});

describe("csr strategy on update", () => {
  const cases: { name: string; subresource: string; edit: (c: CertificateSigningRequest) => void; want: (c: CertificateSigningRequest) => void }[] = [
    {
      name: "the main resource keeps spec and status, takes metadata",
      subresource: "",
      edit: (c) => {
        c.metadata.labels = { a: "b" };
        c.spec.signerName = "example.com/other";
        c.status = { certificate: cert };
      },
      want: (c) => (c.metadata.labels = { a: "b" }),
    },
    {
      name: "status keeps spec and the approval, takes the certificate",
      subresource: "status",
      edit: (c) => {
        c.spec.username = "mallory";
        c.status = { conditions: [{ ...approved, reason: "Forged" }], certificate: cert };
      },
      want: (c) => (c.status = { conditions: [approved], certificate: cert }),
    },
    {
      name: "status stamps a new Failed condition",
      subresource: "status",
      edit: (c) => c.status?.conditions?.push({ type: "Failed", status: "True", reason: "SignerError" }),
      want: (c) => c.status?.conditions?.push({ type: "Failed", status: "True", reason: "SignerError", lastUpdateTime: "2026-11-27T12:00:00Z", lastTransitionTime: "2026-11-27T12:00:00Z" }),
    },
    {
      name: "approval takes conditions only, keeping timestamps of unchanged ones",
      subresource: "approval",
      edit: (c) => {
        c.spec.signerName = "example.com/other";
        c.status = { conditions: [{ type: "Approved", status: "True", reason: "Again" }], certificate: cert };
      },
      want: (c) => (c.status = { conditions: [{ type: "Approved", status: "True", reason: "Again", lastUpdateTime: "2026-11-27T12:00:00Z", lastTransitionTime: EARLIER }] }),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const obj = deepCopy(stored);
      c.edit(obj);
      strategy.prepareForUpdate(obj, stored, ctx(c.subresource));
      const want = deepCopy(stored);
      c.want(want);
      assert.deepEqual(obj, want);
    });
  }

  it("validates each endpoint by its own rules", () => {
    const issued = deepCopy(stored);
    issued.status = { conditions: [approved], certificate: cert };
    assert.deepEqual(strategy.validateUpdate(issued, stored, ctx("status")), []);
    assert.equal(strategy.validateUpdate(issued, stored, ctx("")).map((e) => e.detail).join(), "updates may not set certificate content");
    const pending = deepCopy(stored);
    pending.status = {};
    assert.equal(strategy.validateUpdate(stored, pending, ctx("approval")).length, 0);
    assert.equal(strategy.validateUpdate(stored, pending, ctx("status"))[0]?.detail, 'updates may not add a condition of type "Approved"');
  });
});

describe("preserveConditionInstances and populateConditionTimestamps", () => {
  it("keeps added or removed instances for validation to see", () => {
    const obj = deepCopy(stored);
    obj.status = { conditions: [approved, { type: "Approved", status: "True" }] };
    preserveConditionInstances(obj, stored, "Approved");
    assert.equal(obj.status.conditions?.length, 2);
  });

  it("gives a condition whose status changed a new transition time", () => {
    const obj = deepCopy(stored);
    obj.status = { conditions: [{ type: "Ready", status: "True" }] };
    const old = deepCopy(stored);
    old.status = { conditions: [{ type: "Ready", status: "False", lastTransitionTime: EARLIER }] };
    populateConditionTimestamps(obj, old, NOW);
    assert.equal(obj.status.conditions?.[0].lastTransitionTime, "2026-11-27T12:00:00Z");
  });
});
