// A whole cluster on the namespace sandbox for tests and benchmarks (as root): the control plane
// and controllers in this process, a sandbox of `nodes` node namespaces, and a real node agent per
// node (with its service proxy unless turned off). With `apiAccess`, the API is also served over
// HTTPS on the host's loopback and, through a relay, at the `kubernetes` Service's endpoint
// (172.17.8.101:6443) inside the sandbox, so pods reach it at 10.0.0.1:443 as in `svcnet up`.
// `stop()` stops the agents (which stop their pods), removes every namespace of the sandbox and
// the data directory.

import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listen } from "../../apiserver/http-server.js";
import { testServingSans, testToken } from "../../apiserver/test-api.js";
import { inMemoryServingPki } from "../../server/pki.js";
import { runApiAccess } from "../../sandbox/forwarder/api-access.js";
import { InProcessTransport } from "../../client/index.js";
import { allControllers } from "../../controllers/all-controllers.js";
import type { TestCluster } from "../../controllers/test-cluster.js";
import { startTestCluster } from "../../controllers/test-cluster.js";
import { destroyByPrefix, listNamespaces } from "../../sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../../sandbox/ip-runner.js";
import type { SandboxNetwork } from "../../sandbox/sandbox-network.js";
import { buildSandboxNetwork } from "../../sandbox/sandbox-network.js";
import { planTopology, podNetnsName } from "../../sandbox/topology-plan.js";
import type { SandboxNodeOptions } from "./sandbox-node.js";
import { SandboxNode } from "./sandbox-node.js";

export interface TestSandbox {
  cluster: TestCluster;
  net: SandboxNetwork;
  agents: SandboxNode[];
  /** Where pod data and logs live (per node: <dataDir>/<node name>). */
  dataDir: string;
  /** The network namespace of pod `namespace/name` (default namespace when no slash). */
  podNetns(pod: string): string;
  /** The network namespace of a node by name. */
  nodeNetns(node: string): string;
  /** Namespaces of this sandbox still in the kernel (for "nothing is left" checks). */
  leftovers(): Promise<string[]>;
  /** With apiAccess: the API's URL on the host's 127.0.0.1 and the CA its certificate chains to. */
  api?: { url: string; caCert: string };
  stop(): Promise<void>;
}

export interface TestSandboxOptions {
  /** Sandbox id prefix letter(s); a random suffix is added. */
  idPrefix: string;
  nodes?: number;
  proxy?: SandboxNodeOptions["proxy"];
  renewMs?: number;
  /**
   * Serve the API over HTTPS (a 2048-bit PKI made for the run, whose CA is published as
   * kube-root-ca.crt) on 127.0.0.1 and inside the sandbox at 172.17.8.101:6443.
   */
  apiAccess?: boolean;
}

export async function startTestSandbox(o: TestSandboxOptions): Promise<TestSandbox> {
  const id = `${o.idPrefix}${randomBytes(4).toString("hex")}`;
  const runner = new ExecIpRunner();
  const stopAgents = new AbortController();
  // Every agent's informers, pods and proxy stop on this one signal.
  setMaxListeners(0, stopAgents.signal);
  const dataDir = mkdtempSync(join(tmpdir(), `svcnet-${o.idPrefix}-`));
  // curl (OpenSSL's default security level) refuses the small keys of the default test PKI.
  const pki = o.apiAccess ? inMemoryServingPki(testServingSans) : undefined;
  const cluster = await startTestCluster({ controllers: allControllers, api: { pki } });
  let net: SandboxNetwork;
  try {
    net = await buildSandboxNetwork(planTopology({ id, nodes: o.nodes ?? 2 }), runner);
  } catch (error) {
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const transport = new InProcessTransport(cluster.api.api, { token: testToken, userAgent: "kubelet/svcnet" });
  const agents = net.nodes.map(
    (n) =>
      new SandboxNode({
        transport,
        clientCA: cluster.api.pki.caCert,
        name: n.name,
        nodeIP: n.ip,
        podCIDR: n.podCidr,
        sandbox: net,
        dataDir: join(dataDir, n.name),
        renewMs: o.renewMs ?? 1000,
        // Unset means the agent's default (the proxy on), not `proxy: undefined`.
        ...(o.proxy !== undefined && { proxy: o.proxy }),
      }),
  );
  const runs = agents.map((a) => a.run(stopAgents.signal));
  const stopApi = new AbortController();
  let api: TestSandbox["api"];
  let apiAccess: Promise<void> = Promise.resolve();
  const advertised = net.nodes.find((n) => n.ip === "172.17.8.101");
  if (pki && advertised) {
    const { address } = await listen(cluster.api.api, { host: "127.0.0.1", port: 0, key: pki.key, cert: pki.cert, signal: stopApi.signal });
    api = { url: `https://127.0.0.1:${address.port}`, caCert: pki.caCert };
    apiAccess = runApiAccess({ netns: advertised.netns, listen: { host: advertised.ip, port: 6443 }, apiPort: address.port }, stopApi.signal).catch((e: unknown) =>
      console.error("svcnet test sandbox: API access stopped:", e),
    );
  }
  return {
    cluster,
    net,
    agents,
    dataDir,
    podNetns: (pod) => podNetnsName(net.plan.prefix, pod.includes("/") ? pod : `default/${pod}`),
    nodeNetns(node) {
      const found = net.nodes.find((n) => n.name === node);
      if (!found) throw new Error(`no node ${node} in sandbox ${id}`);
      return found.netns;
    },
    leftovers: () => listNamespaces(runner, `svcnet-${id}-`),
    api,
    async stop() {
      stopAgents.abort();
      await Promise.allSettled(runs);
      stopApi.abort();
      await apiAccess;
      await net.destroy().catch(() => undefined);
      await destroyByPrefix(runner, { id }).catch(() => undefined);
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
