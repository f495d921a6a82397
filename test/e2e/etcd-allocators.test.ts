// Allocators with two API servers writing at once: two `svcnet server` processes on one real
// etcd create 200 services concurrently, alternating between the servers, with dynamic and
// requested ClusterIPs and NodePorts; then both servers race for the same requested values.
// No value is ever handed out twice, every service is seen alike through both servers, and
// what one server frees on delete the other can take at once.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { KubeList, Service } from "../../src/api/types.js";
import type { EtcdTestServer } from "../../src/storage/etcd-test-server.js";
import { startEtcd } from "../../src/storage/etcd-test-server.js";
import type { KubeHttpResponse } from "./helpers/kube-http.js";
import { KubeHttp } from "./helpers/kube-http.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";

const servicesPath = "/api/v1/namespaces/default/services";
const count = 200;
/** Requests in flight at once (the machine is shared; 2 cores). */
const concurrency = 40;

interface Wanted {
  name: string;
  type: "ClusterIP" | "NodePort";
  clusterIP?: string;
  nodePort?: number;
}

/**
 * Service i: a quarter each of dynamic ClusterIP, dynamic NodePort, requested ClusterIP, requested
 * NodePort. Requested values lie in the ranges' static bands (the first 128 addresses of a /21,
 * the first 86 ports of 30000-32767), which dynamic allocation leaves alone while it can — as in
 * Kubernetes — so a requested value never loses to a dynamic one.
 */
function wanted(i: number, prefix = "alloc"): Wanted {
  const name = `${prefix}-${i}`;
  switch (i % 4) {
    case 0:
      return { name, type: "ClusterIP" };
    case 1:
      return { name, type: "NodePort" };
    case 2:
      return { name, type: "ClusterIP", clusterIP: `10.0.0.${Math.floor(i / 4) + 2}` };
    default:
      return { name, type: "NodePort", nodePort: 30000 + Math.floor(i / 4) };
  }
}

function manifest(w: Wanted): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: w.name },
    spec: {
      type: w.type,
      selector: { app: w.name },
      ...(w.clusterIP ? { clusterIP: w.clusterIP } : {}),
      ports: [{ port: 80, protocol: "TCP", ...(w.nodePort ? { nodePort: w.nodePort } : {}) }],
    },
  };
}

/** Runs `f` over `items` with at most `concurrency` calls in flight, keeping the order of results. */
async function pooled<T, R>(items: readonly T[], f: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i], i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

function duplicates(values: readonly (string | number)[]): (string | number)[] {
  const seen = new Set<string | number>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

describe("allocators with two svcnet servers on one etcd", () => {
  let etcd: EtcdTestServer | undefined;
  const servers: ServerProcess[] = [];
  const clients: KubeHttp[] = [];

  before(async () => {
    etcd = await startEtcd();
    const store = `etcd://${new URL(etcd.endpoints[0]).host}`;
    for (let i = 0; i < 2; i++) {
      const s = await startServer({ store, extraArgs: ["--service-cluster-ip-range", "10.0.0.0/21"] });
      servers.push(s);
      clients.push(KubeHttp.fromKubeconfig(s.kubeconfig));
    }
  });
  after(async () => {
    for (const c of clients) c.close();
    try {
      await Promise.all(servers.map((s) => s.stop()));
    } finally {
      await etcd?.stop();
    }
  });

  /** Every service in default, as each server lists it; asserts both agree. */
  async function listBoth(): Promise<Service[]> {
    const [a, b] = await Promise.all(clients.map(async (c) => ((await c.request(servicesPath)).json() as KubeList<Service>).items));
    const summary = (items: Service[]) => items.map((s) => [s.metadata.name, s.metadata.uid, s.spec?.clusterIP, s.spec?.ports?.map((p) => p.nodePort)]);
    assert.deepEqual(summary(a), summary(b), "both servers list the same services with the same values");
    return a;
  }

  function assertNoDuplicates(items: readonly Service[]): void {
    const ips = items.map((s) => s.spec?.clusterIP ?? "").filter((ip) => ip && ip !== "None");
    assert.deepEqual(duplicates(ips), [], "a ClusterIP is held by more than one service");
    const ports = items.flatMap((s) => (s.spec?.ports ?? []).flatMap((p) => (p.nodePort ? [p.nodePort] : [])));
    assert.deepEqual(duplicates(ports), [], "a NodePort is held by more than one service");
  }

  test(`${count} services created concurrently through both servers get distinct values, as requested`, async () => {
    const ws = Array.from({ length: count }, (_, i) => wanted(i));
    const answers = await pooled(ws, (w, i) => clients[i % 2].request(servicesPath, { method: "POST", body: manifest(w) }));
    answers.forEach((r, i) => assert.equal(r.status, 201, `${ws[i].name}: ${r.text}`));
    const created = answers.map((r) => r.json() as Service);
    created.forEach((svc, i) => {
      const w = ws[i];
      assert.match(svc.spec?.clusterIP ?? "", /^10\.0\.[0-7]\.\d+$/);
      if (w.clusterIP) assert.equal(svc.spec?.clusterIP, w.clusterIP);
      const np = svc.spec?.ports?.[0]?.nodePort;
      if (w.type === "NodePort") assert.ok(np !== undefined && np >= 30000 && np <= 32767, `${w.name}: nodePort ${np}`);
      else assert.equal(np, undefined);
      if (w.nodePort) assert.equal(np, w.nodePort);
    });
    assertNoDuplicates(created);
    const listed = await listBoth();
    assert.equal(listed.filter((s) => s.metadata.name?.startsWith("alloc-")).length, count);
    assertNoDuplicates(listed);
  });

  test("both servers asking for the same ClusterIP or NodePort at once: exactly one wins", async () => {
    const races = 20;
    const results: { what: string; answers: KubeHttpResponse[] }[] = [];
    await pooled(
      Array.from({ length: races }, (_, i) => i),
      async (i) => {
        const ip = `10.0.0.${60 + i}`;
        const port = 30060 + i;
        const ipAnswers = await Promise.all(
          clients.map((c, k) => c.request(servicesPath, { method: "POST", body: manifest({ name: `race-ip-${i}-${k}`, type: "ClusterIP", clusterIP: ip }) })),
        );
        results.push({ what: `ClusterIP ${ip}`, answers: ipAnswers });
        const portAnswers = await Promise.all(
          clients.map((c, k) => c.request(servicesPath, { method: "POST", body: manifest({ name: `race-port-${i}-${k}`, type: "NodePort", nodePort: port }) })),
        );
        results.push({ what: `NodePort ${port}`, answers: portAnswers });
      },
    );
    for (const { what, answers } of results) {
      const codes = answers.map((r) => r.status).sort();
      assert.deepEqual(codes, [201, 422], `${what}: ${answers.map((r) => r.text).join(" | ")}`);
      const loser = answers.find((r) => r.status === 422);
      assert.match(loser?.text ?? "", /provided (IP|port) is already allocated/);
    }
    assertNoDuplicates(await listBoth());
  });

  test("what one server frees on delete the other can take at once", async () => {
    const ws = Array.from({ length: count }, (_, i) => wanted(i));
    // Delete each through the server that did not create it.
    const deleted = await pooled(ws, (w, i) => clients[(i + 1) % 2].request(`${servicesPath}/${w.name}`, { method: "DELETE" }));
    deleted.forEach((r, i) => assert.equal(r.status, 200, `${ws[i].name}: ${r.text}`));
    // The requested values again, now through the other server than at first.
    const again = ws.filter((w) => w.clusterIP || w.nodePort).map((w) => ({ ...w, name: w.name.replace("alloc-", "again-") }));
    const answers = await pooled(again, (w, i) => clients[(i + 1) % 2].request(servicesPath, { method: "POST", body: manifest(w) }));
    answers.forEach((r, i) => assert.equal(r.status, 201, `${again[i].name}: ${r.text}`));
    for (const [i, r] of answers.entries()) {
      const svc = r.json() as Service;
      if (again[i].clusterIP) assert.equal(svc.spec?.clusterIP, again[i].clusterIP);
      if (again[i].nodePort) assert.equal(svc.spec?.ports?.[0]?.nodePort, again[i].nodePort);
    }
    assertNoDuplicates(await listBoth());
  });
});
