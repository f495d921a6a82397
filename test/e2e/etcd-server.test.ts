// Two `svcnet server` processes sharing one real etcd (each with its own data dir, so its own
// CA and token): each serves what the other wrote, watches see the other's writes, concurrent
// creates through both never get the same ClusterIP, and the `kubernetes` service exists once.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { KubeList, Service } from "../../src/api/types.js";
import type { EtcdTestServer } from "../../src/storage/etcd-test-server.js";
import { startEtcd } from "../../src/storage/etcd-test-server.js";
import { KubeHttp } from "./helpers/kube-http.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";

const servicesPath = "/api/v1/namespaces/default/services";

type ServiceList = KubeList<Service>;

function serviceManifest(name: string): string {
  return JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
}

describe("two svcnet servers on one etcd", () => {
  let etcd: EtcdTestServer | undefined;
  const servers: ServerProcess[] = [];
  const clients: KubeHttp[] = [];
  let a: ServerProcess;
  let b: ServerProcess;
  let httpA: KubeHttp;
  let httpB: KubeHttp;

  before(async () => {
    etcd = await startEtcd();
    const store = `etcd://${new URL(etcd.endpoints[0]).host}`;
    // One after the other: the second finds the cluster bootstrapped by the first.
    for (let i = 0; i < 2; i++) {
      const s = await startServer({ store });
      servers.push(s);
      clients.push(KubeHttp.fromKubeconfig(s.kubeconfig));
    }
    [a, b] = servers;
    [httpA, httpB] = clients;
  });
  after(async () => {
    for (const c of clients) c.close();
    try {
      await Promise.all(servers.map((s) => s.stop()));
    } finally {
      await etcd?.stop();
    }
  });

  test("the servers are distinct processes on distinct ports with their own kubeconfigs", () => {
    assert.notEqual(a.port, b.port);
    assert.notEqual(a.kubeconfig, b.kubeconfig);
    assert.notEqual(a.child.pid, b.child.pid);
  });

  test("kubectl against each server sees what was created through the other", async () => {
    const viaA = await a.kubectl(["create", "-f", "-"], { input: serviceManifest("made-on-a") });
    assert.equal(viaA.code, 0, viaA.stderr);
    const viaB = await b.kubectl(["create", "-f", "-"], { input: serviceManifest("made-on-b") });
    assert.equal(viaB.code, 0, viaB.stderr);

    for (const [s, name] of [
      [b, "made-on-a"],
      [a, "made-on-b"],
    ] as const) {
      const got = await s.kubectl(["get", "svc", name, "-o", "json"]);
      assert.equal(got.code, 0, got.stderr);
      const svc = JSON.parse(got.stdout) as Service;
      assert.equal(svc.metadata.name, name);
      assert.match(svc.spec?.clusterIP ?? "", /^10\.0\.0\.\d+$/);
    }
    const names = await a.kubectl(["get", "svc", "-o", "name"]);
    assert.match(names.stdout, /^service\/made-on-a$/m);
    assert.match(names.stdout, /^service\/made-on-b$/m);

    const del = await b.kubectl(["delete", "svc", "made-on-a"]);
    assert.equal(del.code, 0, del.stderr);
    const gone = await a.kubectl(["get", "svc", "made-on-a"]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Error from server \(NotFound\): services "made-on-a" not found/);
  });

  test("a watch through one server sees a create through the other", async () => {
    const list = (await httpB.request(servicesPath)).json() as ServiceList;
    const rv = list.metadata.resourceVersion ?? "";
    const watching = httpB.request(`${servicesPath}?watch=true&resourceVersion=${rv}&timeoutSeconds=2`);
    const created = await httpA.request(servicesPath, { method: "POST", body: JSON.parse(serviceManifest("watched-across")) });
    assert.equal(created.status, 201, created.text);
    const events = (await watching).text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; object: Service });
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name]),
      [["ADDED", "watched-across"]],
    );
  });

  test("60 services created concurrently, half through each server, get distinct ClusterIPs", async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const http = i % 2 === 0 ? httpA : httpB;
        return http.request(servicesPath, { method: "POST", body: JSON.parse(serviceManifest(`burst-${i}`)) });
      }),
    );
    const ips = answers.map((r, i) => {
      assert.equal(r.status, 201, `burst-${i}: ${r.text}`);
      const svc = r.json() as Service;
      return svc.spec?.clusterIP ?? "";
    });
    for (const ip of ips) assert.match(ip, /^10\.0\.0\.\d+$/);
    assert.equal(new Set(ips).size, 60, `duplicate ClusterIPs: ${ips.sort().join(" ")}`);

    // Both servers list the same 60, with the same IPs, and nobody else holds one of them.
    for (const http of [httpA, httpB]) {
      const items = ((await http.request(servicesPath)).json() as ServiceList).items;
      const burst = items.filter((s) => s.metadata.name?.startsWith("burst-"));
      assert.equal(burst.length, 60);
      assert.deepEqual(new Set(burst.map((s) => s.spec?.clusterIP)), new Set(ips));
      const all = items.map((s) => s.spec?.clusterIP).filter((ip) => ip !== undefined && ip !== "None");
      assert.equal(new Set(all).size, all.length, "every service in default has its own ClusterIP");
    }
  });

  test("the kubernetes service exists once, seen alike through both servers", async () => {
    const seen = [];
    for (const http of [httpA, httpB]) {
      const r = await http.request(`${servicesPath}?fieldSelector=metadata.name%3Dkubernetes`);
      assert.equal(r.status, 200, r.text);
      const items = (r.json() as ServiceList).items;
      assert.equal(items.length, 1);
      seen.push(items[0]);
    }
    assert.equal(seen[0].metadata.uid, seen[1].metadata.uid);
    assert.equal(seen[0].spec?.clusterIP, "10.0.0.1");
    const all = ((await httpA.request("/api/v1/services")).json() as ServiceList).items;
    assert.equal(all.filter((s) => s.metadata.name === "kubernetes").length, 1);
    for (const s of [a, b]) {
      const k = await s.kubectl(["get", "svc", "kubernetes", "-o", "jsonpath={.spec.clusterIP}"]);
      assert.equal(k.code, 0, k.stderr);
      assert.equal(k.stdout, "10.0.0.1");
    }
  });
});

describe("two svcnet servers started at the same moment on a fresh etcd", () => {
  test("both come up and bootstrap one kubernetes service between them", async () => {
    const etcd = await startEtcd();
    const started: ServerProcess[] = [];
    try {
      const store = `etcd://${new URL(etcd.endpoints[0]).host}`;
      const results = await Promise.allSettled([startServer({ store }), startServer({ store })]);
      for (const r of results) if (r.status === "fulfilled") started.push(r.value);
      const failures = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
      assert.deepEqual(failures, []);
      for (const s of started) {
        const http = KubeHttp.fromKubeconfig(s.kubeconfig);
        try {
          const all = ((await http.request("/api/v1/services")).json() as ServiceList).items;
          assert.deepEqual(
            all.map((svc) => [svc.metadata.namespace, svc.metadata.name, svc.spec?.clusterIP]),
            [["default", "kubernetes", "10.0.0.1"]],
          );
          const namespaces = ((await http.request("/api/v1/namespaces")).json() as KubeList).items.map((n) => n.metadata.name);
          assert.deepEqual(namespaces.sort(), ["default", "kube-node-lease", "kube-public", "kube-system"]);
        } finally {
          http.close();
        }
      }
    } finally {
      try {
        await Promise.all(started.map((s) => s.stop()));
      } finally {
        await etcd.stop();
      }
    }
  });
});
