// Client certificates against the real HTTPS listener on 127.0.0.1: a certificate the cluster CA
// signed authenticates (our client and the real kubectl), one from another CA does not, and
// tokens keep working beside them.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { HttpsTransport } from "../client/https-transport.js";
import { KubeClient } from "../client/rest-client.js";
import { coreResource } from "../client/test-fixtures.js";
import { ClientError } from "../client/client-error.js";
import { writeKubeconfig } from "../server/kubeconfig.js";
import { ensureServingPki, issueClientCertificate } from "../server/pki.js";
import { listen } from "./http-server.js";
import type { TestApi } from "./test-api.js";
import { startTestApi, testToken } from "./test-api.js";

describe("client certificates on the HTTPS listener", () => {
  let t: TestApi;
  let dir: string;
  let server: string;
  const stop = new AbortController();
  const transports: HttpsTransport[] = [];
  const kubeconfigWith = (name: string, credential: { token: string } | { clientCertificate: { cert: string; key: string } }, caCert: string): string => {
    const path = join(dir, `${name}.kubeconfig`);
    writeKubeconfig(path, { server, caCert, ...credential });
    return path;
  };
  const services = (kubeconfig: string) => {
    const transport = HttpsTransport.fromKubeconfig(kubeconfig);
    transports.push(transport);
    return new KubeClient(transport, coreResource("services"));
  };

  before(async () => {
    t = await startTestApi();
    dir = mkdtempSync(join(tmpdir(), "svcnet-client-cert-"));
    const pki = ensureServingPki(join(dir), { dns: ["localhost"], ips: ["127.0.0.1"] });
    const { address } = await listen(t.api, { host: "127.0.0.1", port: 0, key: pki.key, cert: pki.cert, clientCA: pki.caCert, signal: stop.signal });
    server = `https://127.0.0.1:${address.port}`;
  });
  after(() => {
    for (const tr of transports) tr.close();
    stop.abort();
    t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a certificate the cluster CA signed authenticates", async () => {
    const ca = ensureServingPki(dir, { dns: ["localhost"], ips: ["127.0.0.1"] }).caCert;
    const node = issueClientCertificate(dir, { commonName: "system:node:core-v2-01", organizations: ["system:nodes"] });
    const k = await services(kubeconfigWith("node", { clientCertificate: node }, ca)).get("default", "kubernetes");
    assert.equal(k.metadata.name, "kubernetes");
  });

  test("the real kubectl authenticates as the certificate's subject; RBAC decides what it may do", async () => {
    const ca = ensureServingPki(dir, { dns: ["localhost"], ips: ["127.0.0.1"] }).caCert;
    const jane = issueClientCertificate(dir, { commonName: "jane", organizations: ["dev"] });
    const kubectl = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile("kubectl", ["--kubeconfig", kubeconfigWith("jane", { clientCertificate: jane }, ca), ...args], (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })),
      );
    const whoami = await kubectl(["auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}"]);
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.equal(whoami.stdout, 'jane ["dev","system:authenticated"]');
    const denied = await kubectl(["get", "svc", "kubernetes"]);
    assert.equal(denied.code, 1);
    assert.equal(denied.stderr.trim(), 'Error from server (Forbidden): services "kubernetes" is forbidden: User "jane" cannot get resource "services" in API group "" in the namespace "default"');
  });

  test("a certificate from another CA does not authenticate (401)", async () => {
    const otherDir = mkdtempSync(join(tmpdir(), "svcnet-other-ca-"));
    try {
      ensureServingPki(otherDir, { dns: ["localhost"], ips: ["127.0.0.1"] });
      const forged = issueClientCertificate(otherDir, { commonName: "admin", organizations: ["system:masters"] });
      const ca = ensureServingPki(dir, { dns: ["localhost"], ips: ["127.0.0.1"] }).caCert;
      await assert.rejects(services(kubeconfigWith("forged", { clientCertificate: forged }, ca)).get("default", "kubernetes"), (e: unknown) => e instanceof ClientError && e.code === 401);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  test("a bearer token still authenticates when the server asks for certificates", async () => {
    const ca = ensureServingPki(dir, { dns: ["localhost"], ips: ["127.0.0.1"] }).caCert;
    const k = await services(kubeconfigWith("token", { token: testToken }, ca)).get("default", "kubernetes");
    assert.equal(k.metadata.name, "kubernetes");
  });
});
