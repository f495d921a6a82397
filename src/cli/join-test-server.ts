// For tests of joining: an in-process API server behind a real HTTPS listener on loopback, with
// the given controllers (csrapproving, csrsigning, or none), the cluster-info ConfigMap a joining
// machine discovers, and a join token — what `svcnet server` offers a machine that joins.

import type { Server } from "node:https";
import { caCertHash } from "../apiserver/bootstrap-token-discovery.js";
import { listen } from "../apiserver/http-server.js";
import type { Controller, ControllerSettings } from "../controllers/controller-context.js";
import type { TestCluster } from "../controllers/test-cluster.js";
import { startTestCluster } from "../controllers/test-cluster.js";
import { createJoinToken, ensureClusterInfo } from "../server/bootstrap.js";

export interface JoinTestServer {
  cluster: TestCluster;
  /** https://127.0.0.1:<port> */
  url: string;
  /** The HTTPS listener (to watch the connections clients make). */
  listener: Server;
  token: string;
  /** The CA pin for --ca-cert-hash. */
  caCertHash: string;
  stop(): Promise<void>;
}

export async function startJoinTestServer(o: { controllers: readonly Controller[]; settings?: Partial<ControllerSettings> }): Promise<JoinTestServer> {
  const cluster = await startTestCluster({ controllers: o.controllers, ...(o.settings && { settings: o.settings }) });
  const stopped = new AbortController();
  const { pki } = cluster.api;
  const { server: listener, address } = await listen(cluster.api.api, { host: "127.0.0.1", port: 0, key: pki.key, cert: pki.cert, clientCA: pki.caCert, signal: stopped.signal });
  const url = `https://127.0.0.1:${address.port}`;
  await ensureClusterInfo(cluster.api.registry, { server: url, caCert: pki.caCert });
  const token = (await createJoinToken(cluster.api.registry, { ttlMs: 3600_000, now: new Date(), description: "test" })) ?? "";
  return {
    cluster,
    url,
    listener,
    token,
    caCertHash: caCertHash(pki.caCert),
    async stop() {
      stopped.abort();
      await cluster.stop();
    },
  };
}
