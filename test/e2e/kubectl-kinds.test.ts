// The everyday kubectl verbs on pods, nodes, replication controllers and namespaces, run by
// the real kubectl against a real `svcnet server` process.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { repoRoot } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);

function cells(out: string, name: string): string[] {
  const line = out.split("\n").find((l) => l.split(/\s+/)[0] === name);
  assert.ok(line, `no row for ${name} in:\n${out}`);
  return line.trim().split(/\s+/);
}


const nodeYaml = `apiVersion: v1
kind: Node
metadata:
  name: core-v2-01
  labels:
    kubernetes.io/hostname: core-v2-01
    node-role.kubernetes.io/control-plane: ""
status:
  addresses:
  - type: InternalIP
    address: 172.17.8.101
`;

const podYaml = `apiVersion: v1
kind: Pod
metadata:
  name: nginx-standalone
  labels:
    app: nginx
spec:
  containers:
  - name: nginx
    image: nginx
    ports:
    - containerPort: 80
`;

describe("kubectl on pods, nodes, rcs and namespaces", () => {
  let s: ServerProcess;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  test("nodes: create, get -o wide, label, cordon, describe", async () => {
    assert.equal((await s.kubectl(["create", "-f", s.file("node.yaml", nodeYaml)])).code, 0);
    const wide = await s.kubectl(["get", "nodes", "-o", "wide"]);
    assert.match(wide.stdout.split("\n")[0], /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/);
    const row = cells(wide.stdout, "core-v2-01");
    assert.equal(row[2], "control-plane");
    const l = await s.kubectl(["label", "node", "core-v2-01", "zone=a"]);
    assert.match(l.stdout, /node\/core-v2-01 labeled/);
    const c = await s.kubectl(["cordon", "core-v2-01"]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /node\/core-v2-01 cordoned/);
    assert.match(cells((await s.kubectl(["get", "nodes"])).stdout, "core-v2-01")[1], /,SchedulingDisabled$/);
    const d = await s.kubectl(["describe", "node", "core-v2-01"]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^Name:\s+core-v2-01$/m);
    assert.match(d.stdout, /^Unschedulable:\s+true$/m);
  });

  test("pods: create, get, annotate, describe, delete", async () => {
    const c = await s.kubectl(["create", "-f", s.file("pod.yaml", podYaml)]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /pod\/nginx-standalone created/);
    const g = await s.kubectl(["get", "pods", "-o", "wide"]);
    assert.deepEqual(cells(g.stdout, "nginx-standalone").slice(0, 7), ["nginx-standalone", "0/1", "Pending", "0", cells(g.stdout, "nginx-standalone")[4], "<none>", "<none>"]);
    const a = await s.kubectl(["annotate", "pod", "nginx-standalone", "owner=seed"]);
    assert.match(a.stdout, /pod\/nginx-standalone annotated/);
    const d = await s.kubectl(["describe", "pod", "nginx-standalone"]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^Name:\s+nginx-standalone$/m);
    assert.match(d.stdout, /^Status:\s+Pending$/m);
    assert.match(d.stdout, /^\s+Port:\s+80\/TCP$/m);
    assert.match(d.stdout, /^QoS Class:\s+BestEffort$/m);
    const y = JSON.parse((await s.kubectl(["get", "pod", "nginx-standalone", "-o", "json"])).stdout) as {
      spec: { restartPolicy: string; dnsPolicy: string; containers: { imagePullPolicy: string; terminationMessagePath: string }[] };
    };
    assert.equal(y.spec.restartPolicy, "Always");
    assert.equal(y.spec.dnsPolicy, "ClusterFirst");
    assert.equal(y.spec.containers[0].imagePullPolicy, "Always");
    assert.equal(y.spec.containers[0].terminationMessagePath, "/dev/termination-log");
    const del = await s.kubectl(["delete", "pod", "nginx-standalone"]);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /pod "nginx-standalone" deleted/);
    assert.equal((await s.kubectl(["get", "pod", "nginx-standalone"])).code, 1);
  });

  test("rc: apply twice, edit replicas, describe, get -o wide", async () => {
    const a1 = await s.kubectl(["apply", "-f", seed("rc_nginx.yaml")]);
    assert.equal(a1.code, 0, a1.stderr);
    assert.match(a1.stdout, /replicationcontroller\/nginx-controller created/);
    const a2 = await s.kubectl(["apply", "-f", seed("rc_nginx.yaml")]);
    assert.match(a2.stdout, /replicationcontroller\/nginx-controller unchanged/);
    const editor = s.file("rc-editor.sh", "#!/bin/sh\nsed -i 's/^  replicas: 3$/  replicas: 2/' \"$1\"\n");
    const e = await s.kubectl(["edit", "rc", "nginx-controller"], { env: { KUBE_EDITOR: `sh ${editor}` } });
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /replicationcontroller\/nginx-controller edited/);
    const w = await s.kubectl(["get", "rc", "-o", "wide"]);
    assert.match(w.stdout.split("\n")[0], /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    const row = cells(w.stdout, "nginx-controller");
    assert.equal(row[1], "2");
    assert.deepEqual(row.slice(5), ["nginx", "nginx", "app=nginx"]);
    await waitFor(
      "the replication controller to reach 2 pods",
      async () => /^Replicas:\s+2 current \/ 2 desired$/m.test((await s.kubectl(["describe", "rc", "nginx-controller"])).stdout),
      { timeoutMs: 20_000 },
    );
    const d = await s.kubectl(["describe", "rc", "nginx-controller"]);
    assert.match(d.stdout, /^Pods Status:\s+0 Running \/ 2 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    assert.match(d.stdout, /SuccessfulCreate\s+.*Created pod: nginx-controller-/);
    const gen = (await s.kubectl(["get", "rc", "nginx-controller", "-o", "jsonpath={.metadata.generation}"])).stdout;
    assert.equal(gen, "2", "an edit of the spec bumps the generation");
  });

  test("generator commands (kubectl 1.32 sends their bodies as protobuf)", async () => {
    const ns = await s.kubectl(["create", "namespace", "generated"]);
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, /namespace\/generated created/);
    const svc = await s.kubectl(["create", "service", "nodeport", "gen-np", "--tcp=80:8080", "-n", "generated"]);
    assert.equal(svc.code, 0, svc.stderr);
    const row = cells((await s.kubectl(["get", "svc", "gen-np", "-n", "generated"])).stdout, "gen-np");
    assert.equal(row[1], "NodePort");
    assert.match(row[4], /^80:3\d{4}\/TCP$/);
    const dep = await s.kubectl(["create", "deployment", "nginx", "--image=nginx", "--replicas=3", "--port=80", "-n", "generated"]);
    assert.equal(dep.code, 0, dep.stderr);
    assert.match(dep.stdout, /deployment\.apps\/nginx created/);
    const exp = await s.kubectl(["expose", "deployment", "nginx", "--port=8000", "--target-port=80", "-n", "generated"]);
    assert.equal(exp.code, 0, exp.stderr);
    assert.match(exp.stdout, /service\/nginx exposed/);
    const wide = await s.kubectl(["get", "svc", "nginx", "-n", "generated", "-o", "wide"]);
    assert.equal(cells(wide.stdout, "nginx")[6], "app=nginx");
  });

  test("namespaces: deleting one removes what is in it, then the namespace", async () => {
    const ns = s.file("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: scratch\n");
    assert.equal((await s.kubectl(["create", "-f", ns])).code, 0);
    const svc = s.file("svc-in-ns.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: inside\n  namespace: scratch\nspec:\n  ports:\n  - port: 80\n");
    assert.equal((await s.kubectl(["create", "-f", svc])).code, 0);
    const d = await s.kubectl(["delete", "namespace", "scratch"], { timeoutMs: 60_000 });
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /namespace "scratch" deleted/);
    await waitFor("the namespace to go", async () => (await s.kubectl(["get", "ns", "scratch"])).code === 1, { timeoutMs: 20_000 });
    const inside = await s.kubectl(["get", "svc", "inside", "-n", "scratch"]);
    assert.equal(inside.code, 1);
    const recreate = await s.kubectl(["create", "-f", ns]);
    assert.equal(recreate.code, 0, "the name is free again");
  });
});
