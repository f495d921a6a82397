import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseKubeconfig } from "../client/kubeconfig.js";
import { writeKubeconfig } from "./kubeconfig.js";

test("writeKubeconfig: 0600, replacing the old file whole, leaving nothing beside it", () => {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-kubeconfig-"));
  try {
    const path = join(dir, "kubelet.kubeconfig");
    writeFileSync(path, "old", { mode: 0o644 });
    writeKubeconfig(path, { server: "https://127.0.0.1:6443", caCert: "CA", clientCertificate: { cert: "CERT", key: "KEY" }, userName: "system:node:n1" });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const k = parseKubeconfig(readFileSync(path, "utf8"));
    assert.deepEqual([k.server, k.ca, k.cert, k.key], ["https://127.0.0.1:6443", "CA", "CERT", "KEY"]);
    assert.deepEqual(readdirSync(dir), ["kubelet.kubeconfig"]);
    // A write that fails throws and leaves no temporary file behind.
    assert.throws(() => writeKubeconfig(join(dir, "missing", "k"), { server: "https://x", caCert: "CA", token: "t" }));
    assert.deepEqual(readdirSync(dir), ["kubelet.kubeconfig"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
