// The `kubernetes` service lists every live API server: two `svcnet server` processes on one
// real etcd each hold a Lease for their address and reconcile default/kubernetes Endpoints and
// EndpointSlices to all live servers. A server stopped with SIGTERM leaves at once; one killed
// with SIGKILL leaves when its Lease (15 s) has expired, at a survivor's next reconcile (10 s).
// The servers listen on different loopback ports, so each gets its own subset and slice; each
// advertises its own 172.17.8.x address (loopback is not allowed in Endpoints).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { EndpointSlice, Endpoints, KubeList, Lease } from "../../src/api/types.js";
import type { EtcdTestServer } from "../../src/storage/etcd-test-server.js";
import { startEtcd } from "../../src/storage/etcd-test-server.js";
import { KubeHttp } from "./helpers/kube-http.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

interface Listed {
  endpoints: string[];
  slices: string[];
}

/** "ip:port" of every address in the Endpoints and in the slices of the `kubernetes` service. */
async function listed(http: KubeHttp): Promise<Listed> {
  const e = (await http.request("/api/v1/namespaces/default/endpoints/kubernetes")).json() as Endpoints;
  const slices = ((await http.request("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes")).json() as KubeList<EndpointSlice>).items;
  return {
    endpoints: (e.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => `${a.ip}:${s.ports?.[0]?.port}`)).sort(),
    slices: slices.flatMap((s) => (s.endpoints ?? []).map((x) => `${x.addresses[0]}:${s.ports?.[0]?.port}`)).sort(),
  };
}

/** The address each server advertises (only written into the endpoints; no traffic goes there). */
const advertised = new Map<ServerProcess, string>();
const at = (...servers: ServerProcess[]): string[] => servers.map((s) => `${advertised.get(s)}:${s.port}`).sort();

describe("the kubernetes service lists every live svcnet server", () => {
  let etcd: EtcdTestServer | undefined;
  let store = "";
  const servers: ServerProcess[] = [];
  const clients: KubeHttp[] = [];
  let last: Listed = { endpoints: [], slices: [] };

  async function start(): Promise<ServerProcess> {
    const ip = `172.17.8.${101 + servers.length}`;
    const s = await startServer({ store, extraArgs: ["--advertise-address", ip] });
    servers.push(s);
    advertised.set(s, ip);
    return s;
  }

  async function waitForListed(http: KubeHttp, want: string[], timeoutMs: number): Promise<void> {
    await waitFor(
      `the kubernetes endpoints to be ${want.join(" ")}`,
      async () => {
        last = await listed(http);
        return JSON.stringify(last) === JSON.stringify({ endpoints: want, slices: want });
      },
      { timeoutMs, intervalMs: 200, state: () => JSON.stringify(last) },
    );
  }

  before(async () => {
    etcd = await startEtcd();
    store = `etcd://${new URL(etcd.endpoints[0]).host}`;
  });
  after(async () => {
    for (const c of clients) c.close();
    try {
      await Promise.all(servers.map((s) => s.stop()));
    } finally {
      await etcd?.stop();
    }
  });

  test("two servers: both listed, seen alike through each, each with its Lease", async () => {
    const a = await start();
    const b = await start();
    for (const s of [a, b]) clients.push(KubeHttp.fromKubeconfig(s.kubeconfig));
    for (const http of clients) await waitForListed(http, at(a, b), 5_000);
    const leases = ((await clients[0].request("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases")).json() as KubeList<Lease>).items;
    const holders = leases.filter((l) => l.metadata.labels?.["apiserver.kubernetes.io/identity"] === "kube-apiserver").map((l) => l.spec?.holderIdentity);
    assert.deepEqual(holders.sort(), at(a, b));
  });

  test("a server stopped with SIGTERM leaves the endpoints at once", async () => {
    const [a, b] = servers;
    const stopping = Date.now();
    await b.stop();
    const stopMs = Date.now() - stopping;
    await waitForListed(clients[0], at(a), 3_000);
    console.log(`# SIGTERM to exit (the server removed itself on the way): ${stopMs} ms`);
  });

  test("a server killed with SIGKILL leaves once its Lease has expired", async () => {
    const a = servers[0];
    const c = await start();
    await waitForListed(clients[0], at(a, c), 5_000);
    const killedAt = Date.now();
    await c.kill("SIGKILL");
    // Still listed for a while: nothing told the others it is gone.
    await new Promise((r) => setTimeout(r, 2_000));
    assert.deepEqual((await listed(clients[0])).endpoints, at(a, c));
    // Lease 15 s from its last renewal (at most 10 s before the kill), then a survivor's reconcile (every 10 s).
    await waitForListed(clients[0], at(a), 30_000);
    const tookMs = Date.now() - killedAt;
    assert.ok(tookMs >= 4_000, `left after ${tookMs} ms, before its Lease could have expired`);
    console.log(`# killed server left the kubernetes endpoints after ${(tookMs / 1000).toFixed(1)} s`);
  });
});
