import { test } from "node:test";
import assert from "node:assert/strict";
import { userspaceProxyArgv } from "./userspace-proxy-process.js";

test("userspaceProxyArgv: svcnet proxy --mode userspace inside the node's namespace, metrics and healthz off", () => {
  assert.deepEqual(userspaceProxyArgv({ netns: "svcnet-up-core-v2-01", kubeconfig: "/d/nodes/core-v2-01/proxy.kubeconfig", nodeName: "core-v2-01", nodeIP: "172.17.8.101" }, "/usr/bin/node", "/repo/bin/svcnet.js"), [
    "ip", "netns", "exec", "svcnet-up-core-v2-01", "/usr/bin/node", "/repo/bin/svcnet.js", "proxy", "--mode", "userspace",
    "--kubeconfig", "/d/nodes/core-v2-01/proxy.kubeconfig", "--node-name", "core-v2-01", "--node-ip", "172.17.8.101",
    "--metrics-bind-address", "", "--healthz-bind-address", "",
  ]);
});
