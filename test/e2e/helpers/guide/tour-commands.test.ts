import { test } from "node:test";
import assert from "node:assert/strict";
import { changesCluster, localise } from "./tour-commands.js";

test("localise maps make up's names onto the test's sandbox", async (t) => {
  const names = { id: "gab12cd", apiPort: 41234 };
  const cases: Array<{ name: string; text: string; want: string }> = [
    { name: "node namespace", text: "ip netns exec svcnet-up-core-v2-01 iptables -t nat -L -v -n", want: "ip netns exec svcnet-gab12cd-core-v2-01 iptables -t nat -L -v -n" },
    { name: "client namespace", text: "ip netns exec svcnet-up-client curl -s http://172.17.8.201:8000/", want: "ip netns exec svcnet-gab12cd-client curl -s http://172.17.8.201:8000/" },
    { name: "trace's sandbox id", text: "npx svcnet trace --node core-v2-01 --sandbox-id up", want: "npx svcnet trace --node core-v2-01 --sandbox-id gab12cd" },
    { name: "the API endpoint", text: "kubernetes      172.17.8.101:6443                        9m", want: "kubernetes      172.17.8.101:41234                        9m" },
    { name: "other text untouched", text: "kubectl get svc --sandbox-id upper svcnet-upx", want: "kubectl get svc --sandbox-id upper svcnet-upx" },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(localise(c.text, names), c.want));
});

test("changesCluster tells changes from looks", async (t) => {
  const cases: Array<{ command: string; want: boolean }> = [
    { command: "kubectl create -f examples/seed/rc_nginx.yaml", want: true },
    { command: "kubectl apply -f examples/seed/service_nginx_nodeport.yaml", want: true },
    { command: "kubectl run client --image=busybox --restart=Never -- sleep 3600", want: true },
    { command: "kubectl get pods", want: false },
    { command: "kubectl exec client -- env | grep NGINX_SERVICE", want: false },
    { command: "ip netns exec svcnet-up-core-v2-01 iptables -t nat -L -v -n", want: false },
    { command: "curl -s http://127.0.0.1:30802/ | grep title", want: false },
  ];
  for (const c of cases) await t.test(c.command, () => assert.equal(changesCluster(c.command), c.want));
});
