// CertificateSigningRequests with the real kubectl (1.32, via the installed dispatcher) against
// a real `svcnet server` process: create -f of a request made with node-forge, `get csr` with
// kubectl's columns and conditions, `certificate approve` and `deny` (the typed client's
// protobuf PUT of /approval), describe and explain, a validation error in Kubernetes' words, and
// the approval admission refusing a user who may update /approval but not approve for the signer;
// and an ECDSA request (made by `openssl req` where installed) for kube-apiserver-client that
// csrsigning signs once approved, whose certificate then logs kubectl in.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { b64, makeCsrPem } from "../../src/api/validation/certificate-fixtures.js";
import { makeKeyCsr } from "../../src/controllers/certificates/test-fixtures.js";

function cells(out: string, name: string): string[] {
  const line = out.split("\n").find((l) => l.split(/\s+/)[0] === name);
  assert.ok(line, `no row for ${name} in:\n${out}`);
  return line.trim().split(/\s+/);
}

function csrYaml(name: string, request = b64(makeCsrPem({ commonName: name, organizations: ["devs"] }))): string {
  return `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: ${name}
spec:
  request: ${request}
  signerName: example.com/signer
  expirationSeconds: 86400
  usages:
  - digital signature
  - key encipherment
  - client auth
`;
}

describe("kubectl with CertificateSigningRequests", () => {
  let s: ServerProcess;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  /** Creates the named requests with `kubectl create -f`. */
  async function create(...names: string[]): Promise<void> {
    for (const name of names) {
      const c = await s.kubectl(["create", "-f", s.file(`${name}.yaml`, csrYaml(name))]);
      assert.equal(c.code, 0, c.stderr);
      assert.equal(c.stdout.trim(), `certificatesigningrequest.certificates.k8s.io/${name} created`);
    }
  }

  async function conditionOf(name: string): Promise<string> {
    const g = await s.kubectl(["get", "csr", name]);
    assert.equal(g.code, 0, g.stderr);
    return cells(g.stdout, name)[5];
  }

  test("create -f, then get csr shows it Pending with kubectl's columns", async () => {
    await create("alice");
    const g = await s.kubectl(["get", "csr"]);
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stdout.split("\n")[0], /^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION$/);
    const row = cells(g.stdout, "alice");
    assert.deepEqual([row[2], row[4], row[5]], ["example.com/signer", "24h", "Pending"]);
    assert.notEqual(row[3], "", "the requester is recorded");
  });

  test("certificate approve and deny", async () => {
    const a = await s.kubectl(["certificate", "approve", "alice"]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout.trim(), "certificatesigningrequest.certificates.k8s.io/alice approved");
    assert.equal(await conditionOf("alice"), "Approved");
    await create("bob");
    const d = await s.kubectl(["certificate", "deny", "bob"]);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout.trim(), "certificatesigningrequest.certificates.k8s.io/bob denied");
    assert.equal(await conditionOf("bob"), "Denied");
    const again = await s.kubectl(["certificate", "approve", "bob"]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /certificate signing request "bob" is already Denied/);
  });

  test("describe csr shows the request and its status", async () => {
    const d = await s.kubectl(["describe", "csr", "alice"]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^Name:\s+alice$/m);
    assert.match(d.stdout, /^Signer:\s+example\.com\/signer$/m);
    assert.match(d.stdout, /^Status:\s+Approved$/m);
    assert.match(d.stdout, /^\s+Common Name:\s+alice$/m);
    assert.match(d.stdout, /^\s+Organization:\s+devs$/m);
  });

  test("a request that is not a PEM certificate request is refused in Kubernetes' words", async () => {
    const r = await s.kubectl(["create", "-f", s.file("bad.yaml", csrYaml("bad", b64("not a request")))]);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /The CertificateSigningRequest "bad" is invalid: spec\.request: Invalid value: \[\]byte\{0x6e, 0x6f, 0x74, .*\}: PEM block type must be CERTIFICATE REQUEST/,
    );
  });

  test("approving needs approve on the signer, not just update on /approval", async () => {
    await create("carol");
    const role = await s.kubectl([
      "create",
      "clusterrole",
      "csr-approver-without-signer",
      "--verb=get,list,update",
      "--resource=certificatesigningrequests,certificatesigningrequests/approval",
    ]);
    assert.equal(role.code, 0, role.stderr);
    assert.equal((await s.kubectl(["create", "clusterrolebinding", "jane-csr", "--clusterrole=csr-approver-without-signer", "--user=jane"])).code, 0);
    let refused = await s.kubectl(["certificate", "approve", "carol", "--as", "jane"]);
    // The binding takes a moment to reach the authorizer's cache.
    for (let i = 0; i < 50 && /cannot (get|update) resource/.test(refused.stderr); i++) {
      await new Promise((r) => setTimeout(r, 100));
      refused = await s.kubectl(["certificate", "approve", "carol", "--as", "jane"]);
    }
    assert.notEqual(refused.code, 0);
    assert.equal(
      refused.stderr.trim(),
      'Error from server (Forbidden): certificatesigningrequests.certificates.k8s.io "carol" is forbidden: user not permitted to approve requests with signerName "example.com/signer"',
    );
    assert.equal(await conditionOf("carol"), "Pending");
  });

  test("an approved ECDSA request for kube-apiserver-client is signed, and its certificate logs in", async () => {
    const made = makeKeyCsr("ecdsa", { cn: "erin", orgs: ["ecdsa-users"] });
    const yaml = csrYaml("erin", b64(made.csrPem))
      .replace("signerName: example.com/signer", "signerName: kubernetes.io/kube-apiserver-client")
      .replace("  - digital signature\n  - key encipherment\n", "");
    const c = await s.kubectl(["create", "-f", s.file("erin.yaml", yaml)]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await s.kubectl(["certificate", "approve", "erin"])).code, 0);
    let cert = "";
    for (let i = 0; i < 100 && cert === ""; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      const g = await s.kubectl(["get", "csr", "erin", "-o", "jsonpath={.status.certificate}"]);
      assert.equal(g.code, 0, g.stderr);
      cert = g.stdout.trim();
    }
    assert.notEqual(cert, "", "csrsigning issued no certificate");
    assert.equal(await conditionOf("erin"), "Approved,Issued");
    const kubeconfig = s.file(
      "erin.kubeconfig",
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "svcnet", cluster: { server: s.url, "certificate-authority": `${s.dataDir}/ca.crt` } }],
        users: [{ name: "erin", user: { "client-certificate-data": cert, "client-key-data": b64(made.keyPem) } }],
        contexts: [{ name: "erin", context: { cluster: "svcnet", user: "erin" } }],
        "current-context": "erin",
      }),
    );
    const r = await s.kubectl(["get", "csr"], { env: { KUBECONFIG: kubeconfig } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /User "erin" cannot list resource "certificatesigningrequests"/);
  });

  test("api-resources lists certificatesigningrequests as csr", async () => {
    const r = await s.kubectl(["api-resources", "--api-group=certificates.k8s.io", "-o", "wide"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^certificatesigningrequests\s+csr\s+certificates\.k8s\.io\/v1\s+false\s+CertificateSigningRequest\s+create,delete,deletecollection,get,list,patch,update,watch\s*$/m);
  });

  test("explain csr.spec documents its fields", async () => {
    const e = await s.kubectl(["explain", "csr.spec"]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /^GROUP:\s+certificates\.k8s\.io$/m);
    assert.match(e.stdout, /^KIND:\s+CertificateSigningRequest$/m);
    assert.match(e.stdout, /^\s+signerName\s+<string> -required-$/m);
    assert.match(e.stdout, /^\s+usages\s+<\[\]string>$/m);
  });
});
