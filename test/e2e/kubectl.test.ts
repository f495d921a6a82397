// The real kubectl (1.32, via the installed dispatcher) against a real `svcnet server`
// process: the seed's commands and the everyday verbs on services, pods, nodes and rcs.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./helpers/repo.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);

function row(out: string, name: string): string[] {
  const line = out.split("\n").find((l) => l.split(/\s+/)[0] === name);
  assert.ok(line, `no row for ${name} in:\n${out}`);
  return line.trim().split(/\s+/);
}

describe("kubectl against svcnet server", () => {
  let s: ServerProcess;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  test("version reports a 1.32 server", async () => {
    const r = await s.kubectl(["version"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Client Version: v1\.32/);
    assert.match(r.stdout, /Server Version: v1\.32\.4-svcnet/);
  });

  test("api-resources lists the served resources with short names", async () => {
    const r = await s.kubectl(["api-resources"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^services\s+svc\s+v1\s+true\s+Service$/m);
    assert.match(r.stdout, /^endpoints\s+ep\s+v1\s+true\s+Endpoints$/m);
    assert.match(r.stdout, /^replicationcontrollers\s+rc\s+v1\s+true\s+ReplicationController$/m);
    assert.match(r.stdout, /^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m);
    assert.match(r.stdout, /^nodes\s+no\s+v1\s+false\s+Node$/m);
  });

  test("the kubernetes service and its endpoints exist from the start", async () => {
    const svc = await s.kubectl(["get", "svc"]);
    assert.equal(svc.code, 0, svc.stderr);
    assert.match(svc.stdout.split("\n")[0], /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    assert.deepEqual(row(svc.stdout, "kubernetes").slice(0, 5), ["kubernetes", "ClusterIP", "10.0.0.1", "<none>", "443/TCP"]);
    const ep = await s.kubectl(["get", "ep", "kubernetes"]);
    assert.equal(ep.code, 0, ep.stderr);
    assert.deepEqual(row(ep.stdout, "kubernetes").slice(0, 2), ["kubernetes", "172.17.8.101:" + String(s.port)]);
    const ns = await s.kubectl(["get", "ns"]);
    for (const n of ["default", "kube-system", "kube-public", "kube-node-lease"]) assert.equal(row(ns.stdout, n)[1], "Active");
  });

  test("create -f the seed's service: a ClusterIP from 10.0.0.0/24, defaults filled in", async () => {
    const c = await s.kubectl(["create", "-f", seed("service_nginx.yaml")]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.trim(), "service/nginx-service created");
    const g = await s.kubectl(["get", "svc", "nginx-service"]);
    const cells = row(g.stdout, "nginx-service");
    assert.equal(cells[1], "ClusterIP");
    assert.match(cells[2], /^10\.0\.0\.(\d+)$/);
    assert.equal(cells[3], "<none>");
    assert.equal(cells[4], "8000/TCP");
    const y = await s.kubectl(["get", "svc", "nginx-service", "-o", "json"]);
    const obj = JSON.parse(y.stdout) as { spec: Record<string, unknown>; metadata: Record<string, unknown> };
    assert.equal(obj.spec.sessionAffinity, "None");
    assert.deepEqual(obj.spec.ports, [{ port: 8000, protocol: "TCP", targetPort: 80 }]);
    assert.deepEqual(obj.spec.clusterIPs, [obj.spec.clusterIP]);
    assert.deepEqual(obj.spec.ipFamilies, ["IPv4"]);
    assert.equal(obj.spec.ipFamilyPolicy, "SingleStack");
    assert.equal(obj.spec.internalTrafficPolicy, "Cluster");
    assert.match(String(obj.metadata.uid), /^[0-9a-f-]{36}$/);
    const again = await s.kubectl(["create", "-f", seed("service_nginx.yaml")]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Error from server \(AlreadyExists\): error when creating ".*service_nginx\.yaml": services "nginx-service" already exists/);
  });

  test("get -o wide shows the selector; describe shows the service", async () => {
    const w = await s.kubectl(["get", "svc", "nginx-service", "-o", "wide"]);
    assert.match(w.stdout.split("\n")[0], /SELECTOR$/);
    assert.equal(row(w.stdout, "nginx-service")[6], "app=nginx");
    const d = await s.kubectl(["describe", "svc", "nginx-service"]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^Name:\s+nginx-service$/m);
    assert.match(d.stdout, /^Selector:\s+app=nginx$/m);
    assert.match(d.stdout, /^Port:\s+<unset>\s+8000\/TCP$/m);
    assert.match(d.stdout, /^TargetPort:\s+80\/TCP$/m);
  });

  test("apply -f: NodePort type change allocates a port; applying again is unchanged", async () => {
    const a1 = await s.kubectl(["apply", "-f", seed("service_nginx_nodeport.yaml")]);
    assert.equal(a1.code, 0, a1.stderr);
    assert.match(a1.stdout, /service\/nginx-service configured/);
    const a2 = await s.kubectl(["apply", "-f", seed("service_nginx_nodeport.yaml")]);
    assert.equal(a2.code, 0, a2.stderr);
    assert.match(a2.stdout, /service\/nginx-service unchanged/);
    const g = await s.kubectl(["get", "svc", "nginx-service"]);
    const cells = row(g.stdout, "nginx-service");
    assert.equal(cells[1], "NodePort");
    const m = /^8000:(\d+)\/TCP$/.exec(cells[4]);
    assert.ok(m, cells[4]);
    assert.ok(Number(m[1]) >= 30000 && Number(m[1]) <= 32767);
  });

  test("edit with a non-interactive editor changes the target port and keeps the node port", async () => {
    const before = JSON.parse((await s.kubectl(["get", "svc", "nginx-service", "-o", "json"])).stdout) as { spec: { ports: { nodePort: number }[] } };
    const editor = s.file("editor.sh", "#!/bin/sh\nsed -i 's/targetPort: 80$/targetPort: 8080/' \"$1\"\n");
    const e = await s.kubectl(["edit", "svc", "nginx-service"], { env: { KUBE_EDITOR: `sh ${editor}` } });
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /service\/nginx-service edited/);
    const after = JSON.parse((await s.kubectl(["get", "svc", "nginx-service", "-o", "json"])).stdout) as { spec: { ports: { nodePort: number; targetPort: number; protocol: string }[] } };
    assert.equal(after.spec.ports[0].targetPort, 8080);
    assert.equal(after.spec.ports[0].nodePort, before.spec.ports[0].nodePort);
    assert.equal(after.spec.ports[0].protocol, "TCP");
  });

  test("patch: strategic (default), merge and json", async () => {
    const smp = await s.kubectl(["patch", "svc", "nginx-service", "-p", '{"spec":{"ports":[{"port":8000,"targetPort":80}]}}']);
    assert.equal(smp.code, 0, smp.stderr);
    assert.match(smp.stdout, /service\/nginx-service patched/);
    const merge = await s.kubectl(["patch", "svc", "nginx-service", "--type=merge", "-p", '{"metadata":{"labels":{"tier":"web"}}}']);
    assert.equal(merge.code, 0, merge.stderr);
    const json = await s.kubectl(["patch", "svc", "nginx-service", "--type=json", "-p", '[{"op":"replace","path":"/spec/sessionAffinity","value":"ClientIP"}]']);
    assert.equal(json.code, 0, json.stderr);
    const obj = JSON.parse((await s.kubectl(["get", "svc", "nginx-service", "-o", "json"])).stdout) as {
      metadata: { labels: Record<string, string> };
      spec: { sessionAffinity: string; ports: { targetPort: number; nodePort?: number }[]; sessionAffinityConfig?: { clientIP: { timeoutSeconds: number } } };
    };
    assert.equal(obj.metadata.labels.tier, "web");
    assert.equal(obj.spec.sessionAffinity, "ClientIP");
    assert.equal(obj.spec.sessionAffinityConfig?.clientIP.timeoutSeconds, 10800);
    assert.equal(obj.spec.ports[0].targetPort, 80);
    assert.ok(obj.spec.ports[0].nodePort);
  });

  test("label and annotate", async () => {
    const l = await s.kubectl(["label", "svc", "nginx-service", "env=seed"]);
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stdout, /service\/nginx-service labeled/);
    const a = await s.kubectl(["annotate", "svc", "nginx-service", "note=from-the-seed"]);
    assert.equal(a.code, 0, a.stderr);
    const g = await s.kubectl(["get", "svc", "-l", "env=seed", "-o", "name"]);
    assert.equal(g.stdout.trim(), "service/nginx-service");
    const n = await s.kubectl(["get", "svc", "-l", "env=other"]);
    assert.match(n.stderr, /No resources found in default namespace\./);
  });

  test("invalid objects are refused with Kubernetes' messages", async () => {
    const bad = s.file(
      "bad-svc.yaml",
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: bad-svc\nspec:\n  ports:\n  - port: 70000\n    targetPort: 80\n",
    );
    const r = await s.kubectl(["create", "-f", bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The Service "bad-svc" is invalid: spec\.ports\[0\]\.port: Invalid value: 70000: must be between 1 and 65535, inclusive/);
    const unknown = s.file("unknown-field.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  bogus: 1\n  ports:\n  - port: 80\n");
    const u = await s.kubectl(["create", "-f", unknown]);
    assert.equal(u.code, 1);
    assert.match(u.stderr, /strict decoding error: unknown field "spec\.bogus"/);
    const missing = await s.kubectl(["get", "svc", "nope"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): services "nope" not found/);
  });

  test("get -w sees a later change", async () => {
    const child = spawn("kubectl", ["get", "svc", "-w"], {
      env: { PATH: process.env.PATH ?? "", HOME: join(s.dataDir, "..", "home"), KUBECONFIG: s.kubeconfig },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    try {
      await waitFor("the watch to list nginx-service", () => out.includes("nginx-service"), { timeoutMs: 20_000 });
      const c = await s.kubectl(["create", "service", "clusterip", "watched", "--tcp=80:80", "--validate=false"]);
      if (c.code !== 0) {
        // kubectl 1.32 sends protobuf for generator commands; fall back to a JSON create.
        const f = s.file("watched.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: watched\nspec:\n  ports:\n  - port: 80\n");
        const c2 = await s.kubectl(["create", "-f", f]);
        assert.equal(c2.code, 0, c2.stderr);
      }
      await waitFor("the watch to show the new service", () => /^watched\s+ClusterIP/m.test(out), { timeoutMs: 20_000 });
    } finally {
      child.kill();
    }
  });

  test("explain reads the OpenAPI schema", async () => {
    const r = await s.kubectl(["explain", "service.spec.sessionAffinity"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /KIND:\s+Service/);
    assert.match(r.stdout, /FIELD:\s+sessionAffinity/);
  });

  test("nodes and replication controllers; deleting an rc removes its pods", async () => {
    const node = s.file(
      "node.yaml",
      "apiVersion: v1\nkind: Node\nmetadata:\n  name: core-v2-01\n  labels:\n    kubernetes.io/hostname: core-v2-01\n",
    );
    assert.equal((await s.kubectl(["create", "-f", node])).code, 0);
    const nodes = await s.kubectl(["get", "nodes"]);
    assert.match(nodes.stdout, /^core-v2-01\s+(NotReady|Unknown)\s+<none>\s+\S+/m);
    const rc = await s.kubectl(["create", "-f", seed("rc_nginx.yaml")]);
    assert.equal(rc.code, 0, rc.stderr);
    assert.match(rc.stdout, /replicationcontroller\/nginx-controller created/);
    const rcPods = async (): Promise<string[]> =>
      (await s.kubectl(["get", "pods", "-l", "app=nginx", "-o", "name"])).stdout.split("\n").filter(Boolean);
    await waitFor("3 rc pods", async () => (await rcPods()).length === 3, { timeoutMs: 20_000 });
    const names = await rcPods();
    for (const n of names) assert.match(n, /^pod\/nginx-controller-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const pods = await s.kubectl(["get", "pods"]);
    const first = names[0].slice("pod/".length);
    // The only node is not Ready (no agent runs it), so the scheduler leaves the pods Pending.
    assert.deepEqual(row(pods.stdout, first).slice(0, 4), [first, "0/1", "Pending", "0"]);
    const describe = await s.kubectl(["describe", "pod", first]);
    assert.match(describe.stdout, /^Controlled By:\s+ReplicationController\/nginx-controller$/m);
    const scale = await s.kubectl(["scale", "rc", "nginx-controller", "--replicas=5"]);
    assert.equal(scale.code, 0, scale.stderr);
    assert.match(scale.stdout, /replicationcontroller\/nginx-controller scaled/);
    await waitFor("5 rc pods", async () => (await rcPods()).length === 5, { timeoutMs: 20_000 });
    const g = await s.kubectl(["get", "rc"]);
    assert.deepEqual(row(g.stdout, "nginx-controller").slice(0, 3), ["nginx-controller", "5", "5"]);
    const d = await s.kubectl(["delete", "rc", "nginx-controller"]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /replicationcontroller "nginx-controller" deleted/);
    await waitFor("the rc pods to go", async () => (await rcPods()).length === 0, { timeoutMs: 20_000 });
  });

  test("delete a service; it is gone", async () => {
    const d = await s.kubectl(["delete", "svc", "nginx-service"]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /service "nginx-service" deleted/);
    const g = await s.kubectl(["get", "svc", "nginx-service"]);
    assert.equal(g.code, 1);
  });

  test("the kubeconfig is private and the data dir is 0700", () => {
    assert.equal(statSync(s.kubeconfig).mode & 0o777, 0o600);
    assert.equal(statSync(s.dataDir).mode & 0o777, 0o700);
  });
});

