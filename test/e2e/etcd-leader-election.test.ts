// Two `svcnet server` processes on one real etcd, with leader election on short durations: one
// holds Lease kube-system/kube-controller-manager and alone runs the controllers (an RC gets
// exactly its replicas); kill -9 the holder and the other takes the Lease within the lease
// duration + retry period, and its controllers act (the RC scales, Endpoints appear).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Endpoints, Event, KubeList, Lease, Pod } from "../../src/api/types.js";
import type { EtcdTestServer } from "../../src/storage/etcd-test-server.js";
import { startEtcd } from "../../src/storage/etcd-test-server.js";
import { KubeHttp } from "./helpers/kube-http.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const leaseMs = 4_000;
const renewMs = 3_000;
const retryMs = 1_000;
const electionFlags = [`--leader-elect-lease-duration=${leaseMs}ms`, `--leader-elect-renew-deadline=${renewMs}ms`, `--leader-elect-retry-period=${retryMs}ms`];
const leasePath = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager";

function rc(name: string, replicas: number): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name },
    spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image: "nginx" }] } } },
  };
}

describe("leader election between two svcnet servers on one etcd", () => {
  let etcd: EtcdTestServer | undefined;
  const servers: ServerProcess[] = [];
  const clients: KubeHttp[] = [];

  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    for (const c of clients) c.close();
    try {
      await Promise.all(servers.map((s) => s.stop()));
    } finally {
      await etcd?.stop();
    }
  });

  test("one leads alone; after kill -9 the other takes over within lease + retry and its controllers act", async (t) => {
    const store = `etcd://${new URL(etcd?.endpoints[0] ?? "").host}`;
    const a = await startServer({ store, extraArgs: electionFlags });
    servers.push(a);
    const httpA = KubeHttp.fromKubeconfig(a.kubeconfig);
    clients.push(httpA);
    const holderVia = async (http: KubeHttp): Promise<Lease | undefined> => {
      const r = await http.request(leasePath);
      return r.status === 200 ? (r.json() as Lease) : undefined;
    };
    // a creates the Lease before b exists, so a is the leader.
    await waitFor("a to hold the Lease", async () => Boolean((await holderVia(httpA))?.spec?.holderIdentity), { timeoutMs: 10_000 });
    const first = (await holderVia(httpA))?.spec?.holderIdentity ?? "";
    const b = await startServer({ store, extraArgs: electionFlags });
    servers.push(b);
    const httpB = KubeHttp.fromKubeconfig(b.kubeconfig);
    clients.push(httpB);

    // Only one replication manager acts: the RC gets exactly 3 pods and keeps them.
    const created = await httpB.request("/api/v1/namespaces/default/replicationcontrollers", { method: "POST", body: rc("web", 3) });
    assert.equal(created.status, 201, created.text);
    const pods = async (): Promise<Pod[]> => ((await httpB.request("/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")).json() as KubeList<Pod>).items;
    await waitFor("3 pods", async () => (await pods()).length === 3, { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 2 * retryMs));
    assert.equal((await pods()).length, 3);
    const held = await holderVia(httpB);
    assert.equal(held?.spec?.holderIdentity, first, "b stayed passive");
    assert.equal(held?.spec?.leaseDurationSeconds, leaseMs / 1000);
    assert.match(first, /^[^_]+_[0-9a-f-]{36}$/, "identity is <hostname>_<uuid>");

    // kill -9 the leader: no release, so b must wait out the lease.
    const killedAt = Date.now();
    await a.kill("SIGKILL");
    let second = "";
    await waitFor(
      "b to take the Lease",
      async () => {
        second = (await holderVia(httpB))?.spec?.holderIdentity ?? "";
        return second !== "" && second !== first;
      },
      { timeoutMs: leaseMs + 5 * retryMs, intervalMs: 20 },
    );
    const takeover = Date.now() - killedAt;
    t.diagnostic(`takeover after kill -9: ${takeover} ms (lease ${leaseMs} ms, retry ${retryMs} ms)`);
    assert.ok(takeover <= leaseMs + retryMs + 500, `took ${takeover} ms, more than lease + retry period (+0.5 s for the polling and requests)`);
    const after = await holderVia(httpB);
    assert.equal(after?.spec?.leaseTransitions, 1);

    // b's controllers act: the RC scales up, a new service gets its Endpoints.
    const scale = await httpB.request("/api/v1/namespaces/default/replicationcontrollers/web", {
      method: "PATCH",
      body: { spec: { replicas: 5 } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(scale.status, 200, scale.text);
    await waitFor("5 pods", async () => (await pods()).length === 5, { timeoutMs: 10_000 });
    const svc = await httpB.request("/api/v1/namespaces/default/services", {
      method: "POST",
      body: { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
    });
    assert.equal(svc.status, 201, svc.text);
    await waitFor("Endpoints web", async () => (await httpB.request("/api/v1/namespaces/default/endpoints/web")).status === 200, { timeoutMs: 10_000 });
    const ep = (await httpB.request("/api/v1/namespaces/default/endpoints/web")).json() as Endpoints;
    assert.equal(ep.metadata.name, "web");
    const acted = Date.now() - killedAt;
    t.diagnostic(`controllers acting again ${acted} ms after the kill`);

    // kube-controller-manager's Events on the Lease.
    const evs = ((await httpB.request("/api/v1/namespaces/kube-system/events")).json() as KubeList<Event>).items;
    const messages = evs.filter((e) => e.reason === "LeaderElection").map((e) => e.message);
    assert.ok(messages.includes(`${first} became leader`), messages.join("; "));
    assert.ok(messages.includes(`${second} became leader`), messages.join("; "));
  });
});
