// kubectl logs through the API server, against a fake node agent: what the agent's refusals
// become. Its 401 refuses the API server's own certificate (a 503 saying so, not the user's 401);
// its 403 is RBAC's nodes/proxy for the server, passed on as the agent said it.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Status } from "../api/types.js";
import type { FakeAgent } from "./fake-agent.js";
import { runningPodOn, startFakeAgent } from "./fake-agent.js";
import type { TestApi } from "./test-api.js";
import { startTestApi } from "./test-api.js";

let api: TestApi;
let agent: FakeAgent;
before(async () => {
  api = await startTestApi();
  agent = await startFakeAgent();
  await runningPodOn(api, agent, { node: "n1", pod: "p" });
});
after(async () => {
  await agent.close();
  api.close();
});

test("the agent's refusals of a log request, as the API server passes them on", async (t) => {
  const cases: { name: string; agent: { status: number; text: string }; code: number; reason: string; message: RegExp }[] = [
    {
      name: "401: the agent refused the server's certificate",
      agent: { status: 401, text: "Unauthorized" },
      code: 503,
      reason: "ServiceUnavailable",
      message: /^the agent of node n1 refused the API server's kubelet client certificate \(apiserver-kubelet-client\.crt\) with 401 "Unauthorized": the agent trusts a CA other than the one that issued it, or the certificate has expired$/,
    },
    {
      name: "403: as the agent said it",
      agent: { status: 403, text: "Forbidden (user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource(s)=[log])" },
      code: 403,
      reason: "Forbidden",
      message: /^Forbidden \(user=kube-apiserver-kubelet-client, verb=get, resource=nodes, subresource\(s\)=\[log\]\)$/,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      agent.answer = c.agent;
      const res = await api.request("GET", "/api/v1/namespaces/default/pods/p/log");
      const st = api.json<Status>(res);
      assert.deepEqual([res.status, st.code, st.reason], [c.code, c.code, c.reason]);
      assert.match(st.message ?? "", c.message);
    });
  }
});
