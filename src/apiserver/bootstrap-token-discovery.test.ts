import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inMemoryServingPki } from "../server/pki.js";
import { caCertHash, clusterInfoConfigMap, isClusterInfoRead, parseCaCertHash, readClusterInfo } from "./bootstrap-token-discovery.js";

const pki = inMemoryServingPki({ dns: ["localhost"], ips: ["127.0.0.1"] }, { modulusLength: 1024 });

test("caCertHash is kubeadm's pin: sha256 of the DER SubjectPublicKeyInfo (as openssl computes it)", () => {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-cahash-"));
  try {
    const file = join(dir, "ca.crt");
    writeFileSync(file, pki.caCert);
    // The documented recipe: openssl x509 -pubkey | openssl rsa -pubin -outform der | sha256.
    const der = execFileSync("openssl", ["pkey", "-pubin", "-outform", "der"], { input: execFileSync("openssl", ["x509", "-pubkey", "-noout", "-in", file]) });
    const want = `sha256:${execFileSync("openssl", ["dgst", "-sha256", "-hex"], { input: der }).toString().trim().split(/\s+/).pop()}`;
    assert.equal(caCertHash(pki.caCert), want);
    assert.notEqual(caCertHash(pki.cert), want, "the serving certificate has another key");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("parseCaCertHash", async (t) => {
  const hex = "a".repeat(64);
  const cases: { name: string; text: string; want: string | RegExp }[] = [
    { name: "as printed", text: `sha256:${hex}`, want: `sha256:${hex}` },
    { name: "upper case is folded", text: `SHA256:${hex.toUpperCase()}`, want: `sha256:${hex}` },
    { name: "without the algorithm", text: hex, want: /sha256:<64 hex digits>/ },
    { name: "too short", text: `sha256:${hex.slice(1)}`, want: /sha256:<64 hex digits>/ },
    { name: "another algorithm", text: `sha1:${hex}`, want: /sha256:<64 hex digits>/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = parseCaCertHash(c.text);
      if (typeof c.want === "string") assert.deepEqual(got, { ok: true, hash: c.want });
      else assert.ok(!got.ok && c.want.test(got.error));
    });
  }
});

test("cluster-info carries the server and the CA and reads back", async (t) => {
  const cm = clusterInfoConfigMap({ server: "https://172.17.8.101:6443", caCert: pki.caCert });
  assert.equal(cm.metadata.namespace, "kube-public");
  assert.equal(cm.metadata.name, "cluster-info");
  assert.deepEqual(readClusterInfo(JSON.parse(JSON.stringify(cm))), { ok: true, server: "https://172.17.8.101:6443", caCert: pki.caCert });
  const cases: { name: string; body: unknown; want: RegExp }[] = [
    { name: "no data", body: { metadata: {} }, want: /has no kubeconfig/ },
    { name: "not YAML", body: { data: { kubeconfig: "{[" } }, want: /not YAML/ },
    { name: "no cluster", body: { data: { kubeconfig: "clusters: []" } }, want: /lacks a cluster/ },
    { name: "no certificate", body: { data: { kubeconfig: "clusters: [{cluster: {server: x, certificate-authority-data: aGVsbG8=}}]" } }, want: /not a certificate/ },
    { name: "null", body: null, want: /has no kubeconfig/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = readClusterInfo(c.body);
      assert.ok(!got.ok && c.want.test(got.error), JSON.stringify(got));
    });
  }
});

test("only GET/HEAD of cluster-info itself is the anonymous read", async (t) => {
  const cases: { name: string; method: string; path: string; want: boolean }[] = [
    { name: "GET", method: "GET", path: "/api/v1/namespaces/kube-public/configmaps/cluster-info", want: true },
    { name: "HEAD", method: "HEAD", path: "/api/v1/namespaces/kube-public/configmaps/cluster-info", want: true },
    { name: "PUT", method: "PUT", path: "/api/v1/namespaces/kube-public/configmaps/cluster-info", want: false },
    { name: "DELETE", method: "DELETE", path: "/api/v1/namespaces/kube-public/configmaps/cluster-info", want: false },
    { name: "the list", method: "GET", path: "/api/v1/namespaces/kube-public/configmaps", want: false },
    { name: "another namespace", method: "GET", path: "/api/v1/namespaces/default/configmaps/cluster-info", want: false },
    { name: "another config map", method: "GET", path: "/api/v1/namespaces/kube-public/configmaps/other", want: false },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(isClusterInfoRead(c.method, c.path), c.want));
});
