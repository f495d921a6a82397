// Isolation in the sandbox `svcnet up` builds (issue 11, point 6), checked from inside a pod and
// with a node's own credentials: a pod reaches the API only through the kubernetes Service, not
// the host's loopback where the API and the node agents listen; the cluster DNS does not recurse
// for outside names; a pod's service account gets what RBAC grants it and no more; and a node
// agent's certificate is confined to its own node (its Node object) and opens no agent's endpoint.
// Needs root.

import assert from "node:assert/strict";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { kubeletEndpointAnnotation, kubeletServingCertHashAnnotation } from "../../src/api/node-annotations.js";
import { podNetnsName } from "../../src/sandbox/topology-plan.js";
import type { UpCluster } from "./helpers/up-cluster.js";
import { startUp } from "./helpers/up-cluster.js";
import { waitFor } from "./helpers/wait-for.js";

const skip = process.getuid?.() === 0 ? false : "needs root (network namespaces)";

describe("isolation in the namespace sandbox", { skip }, () => {
  let up: UpCluster;
  let podNetns = "";
  let apiPort = 0;
  const inPod = (argv: string[]) => up.inNetns(podNetns, argv, 10_000);
  const asNode = (node: string, args: string[]) => up.kubectl(["--kubeconfig", join(up.dataDir, "nodes", node, "kubelet.kubeconfig"), ...args]);

  before(async () => {
    up = await startUp([], { idPrefix: "i", timeoutMs: 90_000 });
    apiPort = Number(/server: https:\/\/127\.0\.0\.1:(\d+)/.exec((await up.kubectl(["config", "view", "--raw"])).stdout)?.[1]);
    assert.ok(apiPort > 0, "the API's port on the host");
    const created = await up.kubectl(["run", "probe", "--image=curl", "--", "sleep", "3600"]);
    assert.equal(created.code, 0, created.stderr);
    await waitFor("the probe pod Running", async () => (await up.kubectl(["get", "pod", "probe", "-o", "jsonpath={.status.phase}"])).stdout === "Running", { timeoutMs: 30_000 });
    podNetns = podNetnsName(up.prefix, "default/probe");
    await waitFor("the cluster DNS answering", async () => (await inPod(["dig", "+short", "+time=1", "+tries=1", "@10.0.0.10", "kubernetes.default.svc.cluster.local"])).stdout.trim() === "10.0.0.1", {
      timeoutMs: 30_000,
    });
  });
  after(async () => {
    await up?.stop();
  });

  test("a pod reaches the API through the kubernetes Service, and nothing on the host's loopback", async () => {
    const viaService = await inPod(["curl", "-sk", "--max-time", "3", "https://10.0.0.1:443/version"]);
    assert.match(viaService.stdout, /gitVersion/, `through the Service: exit ${viaService.code}`);
    // 127.0.0.1 in a pod is the pod's own loopback: the host's API listener is not there.
    const hostLoopback = await inPod(["curl", "-sk", "--max-time", "3", `https://127.0.0.1:${apiPort}/version`]);
    assert.notEqual(hostLoopback.code, 0, `the host's API port answered a pod: ${hostLoopback.stdout}`);
  });

  test("no pod reaches a node agent's endpoint", async () => {
    const nodes = (await up.kubectl(["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"])).stdout.split(" ").filter(Boolean);
    assert.equal(nodes.length, 2);
    for (const node of nodes) {
      const annotation = kubeletEndpointAnnotation.replace(/\./g, "\\.");
      const endpoint = (await up.kubectl(["get", "node", node, "-o", `jsonpath={.metadata.annotations.${annotation}}`])).stdout;
      assert.match(endpoint, /^https?:\/\//, `${node}'s agent endpoint`);
      const r = await inPod(["curl", "-sk", "--max-time", "3", `${endpoint}/healthz`]);
      assert.notEqual(r.code, 0, `the agent of ${node} answered a pod at ${endpoint}: ${r.stdout}`);
    }
  });

  test("a node's certificate does not let it use another node's agent; the agent publishes no secret", async () => {
    const raw = async (node: string, field: string): Promise<string> =>
      Buffer.from((await up.kubectl(["--kubeconfig", join(up.dataDir, "nodes", node, "kubelet.kubeconfig"), "config", "view", "--raw", "-o", `jsonpath={.users[0].user.${field}}`])).stdout, "base64").toString("utf8");
    const client = { cert: await raw("core-v2-01", "client-certificate-data"), key: await raw("core-v2-01", "client-key-data") };
    const annotations = JSON.parse((await up.kubectl(["get", "node", "core-v2-02", "-o", "jsonpath={.metadata.annotations}"])).stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(annotations).filter((k) => k.startsWith("svcnet.io/kubelet-")).sort(), [kubeletEndpointAnnotation, kubeletServingCertHashAnnotation]);
    const endpoint = annotations[kubeletEndpointAnnotation];
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const r = request(`${endpoint}/proxyRules`, { ...client, rejectUnauthorized: false }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString("utf8"))).on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      r.on("error", reject).end();
    });
    assert.deepEqual(answer, { status: 403, body: "Forbidden (user=system:node:core-v2-01, verb=get, resource=nodes, subresource=proxy)" });
  });

  test("the cluster DNS answers for the cluster and refuses to recurse for outside names", async () => {
    const inside = await inPod(["dig", "+short", "@10.0.0.10", "kubernetes.default.svc.cluster.local"]);
    assert.equal(inside.stdout.trim(), "10.0.0.1");
    const outside = await inPod(["dig", "+time=2", "+tries=1", "@10.0.0.10", "www.example.com"]);
    assert.match(outside.stdout, /status: REFUSED/);
  });

  test("a pod's service account may do what RBAC grants it, and no more", async () => {
    const sa = "/var/run/secrets/kubernetes.io/serviceaccount";
    const secrets = await up.kubectl(["exec", "probe", "--", "sh", "-c", `curl -s --cacert ${sa}/ca.crt -H "Authorization: Bearer $(cat ${sa}/token)" https://kubernetes.default.svc/api/v1/namespaces/kube-system/secrets`]);
    assert.equal(secrets.code, 0, secrets.stderr);
    const status = JSON.parse(secrets.stdout) as { code: number; reason: string; message: string };
    assert.equal(status.code, 403);
    assert.equal(status.message, 'secrets is forbidden: User "system:serviceaccount:default:default" cannot list resource "secrets" in API group "" in the namespace "kube-system"');
  });

  test("a node agent's certificate is confined to its node", async () => {
    const whoami = await asNode("core-v2-01", ["auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}"]);
    assert.equal(whoami.stdout, 'system:node:core-v2-01 ["system:nodes","system:authenticated"]', whoami.stderr);
    assert.equal((await asNode("core-v2-01", ["label", "node", "core-v2-01", "checked=yes"])).code, 0, "its own Node");
    const other = await asNode("core-v2-01", ["label", "node", "core-v2-02", "checked=yes"]);
    assert.equal(other.stderr.trim(), 'Error from server (Forbidden): nodes "core-v2-02" is forbidden: node "core-v2-01" is not allowed to modify node "core-v2-02"');
    const secrets = await asNode("core-v2-01", ["get", "secrets", "-A"]);
    assert.match(secrets.stderr, /Forbidden/);
    // The probe is the only pod in default: its node may read the ConfigMap it mounts, the other may not.
    const probeNode = (await up.kubectl(["get", "pod", "probe", "-o", "jsonpath={.spec.nodeName}"])).stdout;
    const otherNode = probeNode === "core-v2-01" ? "core-v2-02" : "core-v2-01";
    const rootCA = await asNode(probeNode, ["get", "configmap", "kube-root-ca.crt", "-n", "default", "-o", "name"]);
    assert.equal(rootCA.stdout.trim(), "configmap/kube-root-ca.crt", `a ConfigMap its pod mounts: ${rootCA.stderr}`);
    const otherNodeRootCA = await asNode(otherNode, ["get", "configmap", "kube-root-ca.crt", "-n", "default"]);
    assert.match(otherNodeRootCA.stderr, new RegExp(`no relationship found between node '${otherNode}' and this object`), "the other node runs no pod that uses it");
    assert.equal((await up.kubectl(["auth", "can-i", "delete", "pods", "--as", "system:node:core-v2-01", "--as-group", "system:nodes"])).stdout.trim(), "yes", "RBAC grants nodes; the node restriction narrows it");
  });
});
