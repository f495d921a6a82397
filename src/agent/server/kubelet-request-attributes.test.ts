import assert from "node:assert/strict";
import { test } from "node:test";
import { authorizationErrorText, forbiddenText, kubeletRequestAttributes } from "./kubelet-request-attributes.js";

test("kubeletRequestAttributes: a request to the agent as a verb on a subresource of its Node", async (t) => {
  const cases: { name: string; method: string; path: string; verb: string; subresource: string }[] = [
    { name: "container logs are nodes/proxy get", method: "GET", path: "/containerLogs/default/p/c", verb: "get", subresource: "proxy" },
    { name: "the proxy rules are nodes/proxy get", method: "GET", path: "/proxyRules", verb: "get", subresource: "proxy" },
    { name: "exec over a WebSocket (a GET) is create", method: "GET", path: "/exec/default/p/c", verb: "create", subresource: "proxy" },
    { name: "exec over SPDY (a POST) is create", method: "POST", path: "/exec/default/p/c", verb: "create", subresource: "proxy" },
    { name: "port forwarding is create", method: "GET", path: "/portForward/default/p", verb: "create", subresource: "proxy" },
    { name: "attach is create", method: "GET", path: "/attach/default/p/c", verb: "create", subresource: "proxy" },
    { name: "a path that only starts like exec is not streaming", method: "GET", path: "/executor", verb: "get", subresource: "proxy" },
    { name: "stats are nodes/stats", method: "GET", path: "/stats/summary", verb: "get", subresource: "stats" },
    { name: "metrics are nodes/metrics", method: "GET", path: "/metrics", verb: "get", subresource: "metrics" },
    { name: "node logs are nodes/log", method: "GET", path: "/logs/syslog", verb: "get", subresource: "log" },
    { name: "a DELETE is delete", method: "DELETE", path: "/pods", verb: "delete", subresource: "proxy" },
    { name: "PUT and PATCH are update and patch", method: "PATCH", path: "/pods", verb: "patch", subresource: "proxy" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(kubeletRequestAttributes("n1", c.method, c.path), { verb: c.verb, subresource: c.subresource, name: "n1" }));
  }
});

test("kubelet's refusal texts", () => {
  const attrs = { verb: "create", subresource: "proxy", name: "n1" };
  assert.equal(forbiddenText("jane", attrs), "Forbidden (user=jane, verb=create, resource=nodes, subresource=proxy)");
  assert.equal(authorizationErrorText("jane", attrs), "Authorization error (user=jane, verb=create, resource=nodes, subresource=proxy)");
});
