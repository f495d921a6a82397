// certificates.k8s.io/v1 CertificateSigningRequests through the whole in-process pipeline:
// discovery, the requester recorded on create, Kubernetes' validation messages, what each
// endpoint (main, /approval, /status) may change, kubectl's table, and the admission plugins
// (approve and sign on signers, no system:masters for kube-apiserver-client) with RBAC.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CertificateSigningRequest } from "../api/certificates-types.js";
import { requireResource } from "../api/resources.js";
import { b64, makeCertificatePem, makeCsr, makeCsrPem } from "../api/validation/certificate-fixtures.js";
import type { ApiResponse } from "./request.js";
import type { TestApi } from "./test-api.js";
import { startTestApi, testToken } from "./test-api.js";

const gv = "/apis/certificates.k8s.io/v1";
const csrs = `${gv}/certificatesigningrequests`;
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

interface StatusBody {
  code: number;
  reason: string;
  message: string;
}

describe("certificates.k8s.io/v1 through the API server", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(() => t.close());

  /** A request as `user` (impersonated by the admin), JSON body. */
  function as(user: string | undefined, method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${testToken}` };
    if (user) headers["impersonate-user"] = user;
    if (body !== undefined) headers["content-type"] = "application/json";
    return t.api.inject({ method, path, query: new URLSearchParams(), headers, body: Buffer.from(body === undefined ? "" : JSON.stringify(body)) });
  }

  async function condition(name: string): Promise<string> {
    const table = t.json<{ rows: { cells: unknown[] }[] }>(await t.request("GET", `${csrs}/${name}`, { accept: tableAccept }));
    return String(table.rows[0].cells[5]);
  }

  async function get(name: string): Promise<CertificateSigningRequest> {
    return t.json<CertificateSigningRequest>(await t.request("GET", `${csrs}/${name}`));
  }

  /** Polls until `user` may do what `probe` does (the authorizer's policy cache follows the store). */
  async function until(probe: () => Promise<ApiResponse>, status: number): Promise<ApiResponse> {
    let res = await probe();
    for (let i = 0; i < 50 && res.status !== status; i++) {
      await new Promise((r) => setTimeout(r, 50));
      res = await probe();
    }
    return res;
  }

  test("discovery lists certificatesigningrequests with csr, /approval and /status", async () => {
    const list = t.json<{ resources: { name: string; namespaced: boolean; kind: string; shortNames?: string[]; verbs: string[] }[] }>(await t.request("GET", gv));
    const names = list.resources.map((r) => r.name);
    assert.deepEqual(names, ["certificatesigningrequests", "certificatesigningrequests/approval", "certificatesigningrequests/status"]);
    const [main] = list.resources;
    assert.deepEqual([main.kind, main.namespaced, main.shortNames], ["CertificateSigningRequest", false, ["csr"]]);
  });

  test("create records the requester, whatever the body says, and starts with an empty status", async () => {
    const body = makeCsr("mine", (c) => {
      c.spec.username = "mallory";
      c.spec.groups = ["system:masters"];
      c.status = { conditions: [{ type: "Approved", status: "True" }] };
    });
    const res = await as("jane", "POST", csrs, body);
    assert.equal(res.status, 403, "jane may not create yet");
    const admin = await t.request("POST", csrs, { body });
    assert.equal(admin.status, 201, String(admin.body));
    const csr = t.json<CertificateSigningRequest>(admin);
    assert.equal(csr.spec.username, "admin");
    assert.deepEqual(csr.spec.groups, ["system:masters", "system:authenticated"]);
    assert.deepEqual(csr.status, {});
    assert.equal(await condition("mine"), "Pending");
  });

  test("invalid requests are 422 with Kubernetes' messages", async () => {
    const res = await t.request("POST", csrs, {
      body: makeCsr("bad", (c) => {
        c.spec.request = b64("not a request");
        c.spec.signerName = "example";
        c.spec.expirationSeconds = 60;
      }),
    });
    assert.equal(res.status, 422);
    const status = t.json<StatusBody>(res);
    assert.match(status.message, /^CertificateSigningRequest\.certificates\.k8s\.io "bad" is invalid: \[spec\.request: Invalid value: \[\]byte\{0x6e, 0x6f/);
    assert.match(status.message, /PEM block type must be CERTIFICATE REQUEST/);
    assert.match(status.message, /spec\.signerName: Invalid value: "example": must be a fully qualified domain and path of the form 'example\.com\/signer-name'/);
    assert.match(status.message, /spec\.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds \(10 minutes\)\]$/);
  });

  test("approve through /approval; the main resource keeps spec and status", async () => {
    await t.request("POST", csrs, { body: makeCsr("approve-me") });
    const csr = await get("approve-me");
    csr.status = { conditions: [{ type: "Approved", status: "True", reason: "KubectlApprove", message: "ok" }] };
    const res = await t.request("PUT", `${csrs}/approve-me/approval`, { body: csr });
    assert.equal(res.status, 200, String(res.body));
    const approved = t.json<CertificateSigningRequest>(res);
    const [c] = approved.status?.conditions ?? [];
    assert.equal(c.type, "Approved");
    assert.match(c.lastUpdateTime ?? "", /^\d{4}-\d\d-\d\dT/);
    assert.equal(c.lastTransitionTime, c.lastUpdateTime);
    assert.equal(await condition("approve-me"), "Approved");
    // An update of the main resource changes metadata only.
    const changed = { ...approved, metadata: { ...approved.metadata, labels: { a: "b" } }, spec: { ...approved.spec, signerName: "example.com/other" }, status: {} };
    const upd = t.json<CertificateSigningRequest>(await t.request("PUT", `${csrs}/approve-me`, { body: changed }));
    assert.equal(upd.spec.signerName, "example.com/signer");
    assert.equal(upd.status?.conditions?.length, 1);
    assert.deepEqual(upd.metadata.labels, { a: "b" });
  });

  test("/status issues the certificate once and cannot touch approval", async () => {
    const csr = await get("approve-me");
    csr.status = { ...csr.status, conditions: [], certificate: b64(makeCertificatePem("approve-me")) };
    const res = await t.request("PUT", `${csrs}/approve-me/status`, { body: csr });
    assert.equal(res.status, 422, "dropping Approved is refused");
    assert.match(t.json<StatusBody>(res).message, /status\.conditions: Forbidden: updates may not remove a condition of type "Approved"/);
    const fresh = await get("approve-me");
    fresh.status = { ...fresh.status, certificate: b64(makeCertificatePem("approve-me")) };
    const ok = await t.request("PUT", `${csrs}/approve-me/status`, { body: fresh });
    assert.equal(ok.status, 200, String(ok.body));
    assert.equal(await condition("approve-me"), "Approved,Issued");
    const again = t.json<CertificateSigningRequest>(ok);
    again.status = { ...again.status, certificate: b64(makeCertificatePem("other")) };
    const refused = await t.request("PUT", `${csrs}/approve-me/status`, { body: again });
    assert.equal(refused.status, 422);
    assert.match(t.json<StatusBody>(refused).message, /status\.certificate: Forbidden: updates may not modify existing certificate content/);
  });

  test("deny through a merge patch of /approval; approving it afterwards is refused", async () => {
    await t.request("POST", csrs, { body: makeCsr("deny-me") });
    const patch = await t.request("PATCH", `${csrs}/deny-me/approval`, {
      body: { status: { conditions: [{ type: "Denied", status: "True", reason: "KubectlDeny" }] } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(patch.status, 200, String(patch.body));
    assert.equal(await condition("deny-me"), "Denied");
    const csr = await get("deny-me");
    csr.status?.conditions?.push({ type: "Approved", status: "True" });
    const res = await t.request("PUT", `${csrs}/deny-me/approval`, { body: csr });
    assert.equal(res.status, 422);
    assert.match(t.json<StatusBody>(res).message, /status\.conditions\[1\]\.type: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive/);
  });

  test("approving and signing need approve and sign on the signer", async () => {
    const registry = t.registry;
    await t.request("POST", csrs, { body: makeCsr("jane-approves") });
    // jane may update /approval and /status, and read requests; nothing on signers yet.
    await registry.create(requireResource("rbac.authorization.k8s.io", "v1", "clusterroles"), undefined, {
      metadata: { name: "csr-writer" },
      rules: [{ apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests", "certificatesigningrequests/approval", "certificatesigningrequests/status"], verbs: ["get", "update", "create"] }],
    } as never);
    await registry.create(requireResource("rbac.authorization.k8s.io", "v1", "clusterrolebindings"), undefined, {
      metadata: { name: "jane-csr-writer" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "csr-writer" },
      subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "jane" }],
    } as never);
    const csr = await get("jane-approves");
    csr.status = { conditions: [{ type: "Approved", status: "True" }] };
    const refused = await until(() => as("jane", "PUT", `${csrs}/jane-approves/approval`, csr), 403);
    assert.equal(refused.status, 403, String(refused.body));
    assert.equal(
      t.json<StatusBody>(refused).message,
      'certificatesigningrequests.certificates.k8s.io "jane-approves" is forbidden: user not permitted to approve requests with signerName "example.com/signer"',
    );
    // approve on every signer of example.com lets her through; sign is still missing.
    await registry.create(requireResource("rbac.authorization.k8s.io", "v1", "clusterroles"), undefined, {
      metadata: { name: "example-approver" },
      rules: [{ apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["example.com/*"], verbs: ["approve"] }],
    } as never);
    await registry.create(requireResource("rbac.authorization.k8s.io", "v1", "clusterrolebindings"), undefined, {
      metadata: { name: "jane-example-approver" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "example-approver" },
      subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "jane" }],
    } as never);
    const ok = await until(() => as("jane", "PUT", `${csrs}/jane-approves/approval`, csr), 200);
    assert.equal(ok.status, 200, String(ok.body));
    const issued = t.json<CertificateSigningRequest>(ok);
    issued.status = { ...issued.status, certificate: b64(makeCertificatePem("jane-approves")) };
    const sign = await as("jane", "PUT", `${csrs}/jane-approves/status`, issued);
    assert.equal(sign.status, 403);
    assert.match(t.json<StatusBody>(sign).message, /is forbidden: user not permitted to sign requests with signerName "example\.com\/signer"$/);
  });

  test("no kube-apiserver-client certificate for system:masters", async () => {
    const body = makeCsr("root", (c) => {
      c.spec.signerName = "kubernetes.io/kube-apiserver-client";
      c.spec.request = b64(makeCsrPem({ commonName: "root", organizations: ["system:masters"] }));
    });
    const res = await t.request("POST", csrs, { body });
    assert.equal(res.status, 403);
    assert.equal(
      t.json<StatusBody>(res).message,
      'certificatesigningrequests.certificates.k8s.io "root" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed',
    );
    body.spec.signerName = "example.com/signer";
    assert.equal((await t.request("POST", csrs, { body })).status, 201, "another signer may");
  });

  test("apply to /approval or /status of a missing request is 404: no request is made past create's checks", async () => {
    const body = makeCsr("made-by-apply", (c) => {
      c.spec.signerName = "kubernetes.io/kube-apiserver-client";
      c.spec.request = b64(makeCsrPem({ commonName: "root", organizations: ["system:masters"] }));
    });
    for (const sub of ["approval", "status"]) {
      const res = await t.request("PATCH", `${csrs}/made-by-apply/${sub}?fieldManager=test&force=true`, { body, contentType: "application/apply-patch+yaml" });
      assert.equal(res.status, 404, `${sub}: ${String(res.body)}`);
    }
    assert.equal((await t.request("GET", `${csrs}/made-by-apply`)).status, 404);
  });

  test("a subject in a string type Go does not read (UniversalString O=system:masters) is refused at create", async () => {
    const body = makeCsr("universal", (c) => {
      c.spec.signerName = "kubernetes.io/kube-apiserver-client";
      c.spec.request = b64(makeCsrPem({ commonName: "root", organizations: ["system:masters"], stringTag: 28 }));
    });
    const res = await t.request("POST", csrs, { body });
    assert.ok(res.status === 403 || res.status === 422, String(res.body));
    assert.match(t.json<StatusBody>(res).message, /unsupported string type: 28/);
  });

  test("list selects by spec.signerName", async () => {
    const list = t.json<{ items: CertificateSigningRequest[] }>(await t.request("GET", `${csrs}?fieldSelector=spec.signerName%3Dexample.com%2Fsigner`));
    assert.ok(list.items.length >= 3);
    assert.ok(list.items.every((c) => c.spec.signerName === "example.com/signer"));
  });
});
