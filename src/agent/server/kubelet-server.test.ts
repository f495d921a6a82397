import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { connect } from "node:tls";
import { join } from "node:path";
import type { TestApi } from "../../apiserver/test-api.js";
import { startTestApi, testKubeletClient, testPki, testToken } from "../../apiserver/test-api.js";
import { InProcessTransport } from "../../client/index.js";
import { inMemoryServingPki, issueClientCertificateWith } from "../../server/pki.js";
import { KubeletAuthorizer, subjectAccessReviewer } from "./kubelet-authorizer.js";
import type { KubeletServer } from "./kubelet-server.js";
import { startKubeletServer, tailLines } from "./kubelet-server.js";
import { selfSignedServingCertificate } from "./serving-certificate.js";

test("kubectl --tail keeps the last n lines", async (t) => {
  const cases: [string, string, number, string][] = [
    ["two of three", "a\nb\nc\n", 2, "b\nc\n"],
    ["more than there are", "a\nb\n", 5, "a\nb\n"],
    ["none", "a\nb\n", 0, ""],
    ["all (-1)", "a\nb\n", -1, "a\nb\n"],
    ["no final newline", "a\nb\nc", 1, "c"],
  ];
  for (const [name, text, n, want] of cases) await t.test(name, () => assert.equal(tailLines(text, n), want));
});

describe("the kubelet endpoint over TLS: a client certificate of the cluster CA, then RBAC's nodes/proxy", () => {
  let api: TestApi;
  let server: KubeletServer;
  let dir = "";
  const stop = new AbortController();
  const cluster = testPki();
  const apiServer = testKubeletClient(cluster);
  const jane = issueClientCertificateWith(cluster, { commonName: "jane", organizations: ["readers"] }, { modulusLength: 1024 });
  const nobody = issueClientCertificateWith(cluster, { commonName: "nobody" }, { modulusLength: 1024 });
  const foreign = issueClientCertificateWith(inMemoryServingPki({ dns: [], ips: ["127.0.0.1"] }, { modulusLength: 1024 }), { commonName: "kube-apiserver-kubelet-client" }, { modulusLength: 1024 });

  before(async () => {
    api = await startTestApi();
    // The readers group may read the node's agent (get nodes/proxy), which does not let it exec.
    const rbac = "/apis/rbac.authorization.k8s.io/v1";
    await api.request("POST", `${rbac}/clusterroles`, { body: { metadata: { name: "agent-reader" }, rules: [{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }] } });
    const binding = { metadata: { name: "agent-reader" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "agent-reader" }, subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "readers" }] };
    assert.equal((await api.request("POST", `${rbac}/clusterrolebindings`, { body: binding })).status, 201);
    dir = mkdtempSync(join(tmpdir(), "svcnet-kubelet-"));
    writeFileSync(join(dir, "c.log"), "hello\n");
    server = await startKubeletServer({
      nodeName: "n1",
      tls: selfSignedServingCertificate("n1", "127.0.0.1", { modulusLength: 1024 }),
      clientCA: cluster.caCert,
      authorizer: new KubeletAuthorizer({ review: subjectAccessReviewer(new InProcessTransport(api.api, { token: testToken })) }),
      logs: { logFile: (ns, pod, container) => (ns === "default" && pod === "p" ? join(dir, `${container}.log`) : undefined) },
      exec: { target: () => undefined },
      signal: stop.signal,
    });
  });
  after(async () => {
    stop.abort();
    await server.close();
    api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A request with `client`'s certificate; WebSocket upgrade headers when `upgrade`. */
  function send(path: string, client: { cert: string; key: string } | undefined, upgrade = false): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const headers = upgrade ? { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-protocol": "v5.channel.k8s.io" } : {};
      const r = request(`${server.url}${path}`, { headers, rejectUnauthorized: false, ...client }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      });
      r.on("upgrade", (res) => reject(new Error(`upgraded: ${res.statusCode}`)));
      r.on("error", reject);
      r.end();
    });
  }

  const logs = "/containerLogs/default/p/c";
  const exec = "/exec/default/p/c?command=true&stdout=1";
  const cases: { name: string; path: string; client: () => { cert: string; key: string } | undefined; upgrade?: boolean; status: number; body: string }[] = [
    { name: "no client certificate: 401", path: logs, client: () => undefined, status: 401, body: "Unauthorized" },
    { name: "a certificate of another CA: 401", path: logs, client: () => foreign, status: 401, body: "Unauthorized" },
    { name: "a user RBAC does not let reach the node: 403", path: logs, client: () => nobody, status: 403, body: "Forbidden (user=nobody, verb=get, resource=nodes, subresource=proxy)" },
    { name: "get on nodes/proxy reads logs", path: logs, client: () => jane, status: 200, body: "hello\n" },
    { name: "…but exec wants create, even as a WebSocket GET", path: exec, client: () => jane, upgrade: true, status: 403, body: "Forbidden (user=jane, verb=create, resource=nodes, subresource=proxy)" },
    { name: "the API server's certificate reads logs", path: logs, client: () => apiServer, status: 200, body: "hello\n" },
    { name: "…and gets through to exec (here: no such container)", path: exec, client: () => apiServer, upgrade: true, status: 400, body: "container c is not running in pod p" },
    { name: "a path with a bad escape is 400, not a crash", path: "/containerLogs/default/p/%E0%A4%A", client: () => apiServer, status: 400, body: "Bad Request" },
    { name: "…also as an upgrade", path: "/exec/default/p/%E0%A4%A?command=true", client: () => apiServer, upgrade: true, status: 400, body: "Bad Request" },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const got = await send(c.path, c.client(), c.upgrade);
      assert.deepEqual(got, { status: c.status, body: c.body });
    });
  }

  test("a request target that is no URL is 400, and the agent goes on serving", async () => {
    const line = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: Number(new URL(server.url).port), rejectUnauthorized: false, ...apiServer }, () => {
        socket.write("GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      });
      let got = "";
      socket.on("data", (c: Buffer) => (got += c.toString("latin1")));
      socket.on("end", () => resolve(got.split("\r\n")[0] ?? ""));
      socket.on("error", reject);
    });
    assert.equal(line, "HTTP/1.1 400 Bad Request");
    assert.deepEqual(await send(logs, apiServer), { status: 200, body: "hello\n" });
  });
});
