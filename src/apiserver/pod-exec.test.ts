// kubectl exec and port-forward upgrades through the API server's HTTPS listener, against a fake
// node agent: a 101 joins the connections; the agent's 401 (it refused the API server's own
// certificate) becomes a 503 saying so; its other refusals reach the client as it gave them.

import assert from "node:assert/strict";
import { once } from "node:events";
import { request } from "node:https";
import type { Socket } from "node:net";
import { after, before, test } from "node:test";
import type { FakeAgent, FakeAgentAnswer } from "./fake-agent.js";
import { runningPodOn, startFakeAgent } from "./fake-agent.js";
import { listen } from "./http-server.js";
import type { TestApi } from "./test-api.js";
import { startTestApi, testToken } from "./test-api.js";

let api: TestApi;
let agent: FakeAgent;
let server = "";
const stop = new AbortController();
before(async () => {
  api = await startTestApi();
  agent = await startFakeAgent();
  await runningPodOn(api, agent, { node: "n1", pod: "p" });
  const { pki } = api;
  const { address } = await listen(api.api, { host: "127.0.0.1", port: 0, key: pki.key, cert: pki.cert, clientCA: pki.caCert, signal: stop.signal });
  server = `https://127.0.0.1:${address.port}`;
});
after(async () => {
  stop.abort();
  await agent.close();
  api.close();
});

/** An upgrade as kubectl sends it: the answer's status and body, or, after a 101, what the joined connection echoes. */
function upgrade(path: string, kind: "websocket" | "SPDY/3.1"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = {
      authorization: `Bearer ${testToken}`,
      connection: "Upgrade",
      upgrade: kind,
      ...(kind === "websocket" ? { "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-protocol": "v5.channel.k8s.io" } : { "x-stream-protocol-version": "portforward.k8s.io" }),
    };
    const r = request(`${server}${path}`, { headers, ca: api.pki.caCert, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    r.on("upgrade", (res, socket: Socket) => {
      socket.write("ping");
      void once(socket, "data").then(([echo]: Buffer[]) => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, body: echo.toString("utf8") });
      }, reject);
    });
    r.on("error", reject);
    r.end();
  });
}

test("what the client of an exec or port-forward upgrade gets for each answer of the agent", async (t) => {
  const exec = "/api/v1/namespaces/default/pods/p/exec?command=true&stdout=1";
  const forward = "/api/v1/namespaces/default/pods/p/portforward";
  const refusedCertificate = /^the agent of node n1 refused the API server's kubelet client certificate \(apiserver-kubelet-client\.crt\) with 401 "Unauthorized": the agent trusts a CA other than/;
  const cases: { name: string; path: string; kind: "websocket" | "SPDY/3.1"; agent: FakeAgentAnswer; status: number; body: (body: string) => void }[] = [
    { name: "exec, 101: the connections are joined", path: exec, kind: "websocket", agent: "switch", status: 101, body: (b) => assert.equal(b, "ping") },
    {
      name: "exec, 401: a 503 Status that names the server's certificate",
      path: exec,
      kind: "websocket",
      agent: { status: 401, text: "Unauthorized" },
      status: 503,
      body: (b) => {
        const st = JSON.parse(b) as { code?: number; reason?: string; message?: string };
        assert.deepEqual([st.code, st.reason], [503, "ServiceUnavailable"]);
        assert.match(st.message ?? "", refusedCertificate);
      },
    },
    { name: "exec, 403: the agent's own answer", path: exec, kind: "websocket", agent: { status: 403, text: "Forbidden (user=kube-apiserver-kubelet-client, verb=create, resource=nodes, subresource(s)=[proxy])" }, status: 403, body: (b) => assert.equal(b, "Forbidden (user=kube-apiserver-kubelet-client, verb=create, resource=nodes, subresource(s)=[proxy])") },
    {
      name: "port-forward, 401: the same 503",
      path: forward,
      kind: "SPDY/3.1",
      agent: { status: 401, text: "Unauthorized" },
      status: 503,
      body: (b) => assert.match((JSON.parse(b) as { message?: string }).message ?? "", refusedCertificate),
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      agent.answer = c.agent;
      const got = await upgrade(c.path, c.kind);
      assert.equal(got.status, c.status);
      c.body(got.body);
    });
  }
});
