// The proxy side of the userspace proxy's namespace test, run inside the test's network namespace
// (`ip netns exec NS node netns-proxy-child.js '<json>'`): starts TCP backends on 127.0.0.x, a
// userspace proxier that puts the service IPs on its own dummy interface, syncs two Services, and
// prints "ready <sync result>". On "stop" from stdin (or stdin closing) it closes the proxier —
// which deletes the interface — prints "closed" and exits.

import type { Server } from "node:net";
import { ProxyChangeTracker } from "../../change-tracker.js";
import { createProxyMetrics } from "../../metrics/proxy-metrics.js";
import { Registry } from "../../metrics/registry.js";
import { defaultNodeProxyConfig } from "../../types.js";
import { DummyInterfaceAddresses, ExecIpCommand } from "../service-address-interface.js";
import { UserspaceProxier } from "../userspace-proxier.js";
import { makeService, makeSlice, tcpBackend } from "./fixtures.js";

interface ChildConfig {
  iface: string;
  vip: string;
  port: number;
  backendIPs: string[];
  backendPort: number;
  /** A second service on this ClusterIP whose first endpoint never answers, then backendIPs[0]. */
  slowVip: string;
  deadEndpoint: string;
}

async function main(): Promise<void> {
  const c = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
  const servers: Server[] = await Promise.all(c.backendIPs.map((ip, i) => tcpBackend(`b${i + 1}`, ip, c.backendPort)));
  const tracker = new ProxyChangeTracker("node-a");
  const registry = new Registry();
  const proxier = new UserspaceProxier({
    tracker,
    config: { ...defaultNodeProxyConfig, nodeName: "node-a" },
    metrics: createProxyMetrics(registry),
    registry,
    serviceAddresses: new DummyInterfaceAddresses({ ip: new ExecIpCommand(), name: c.iface }),
    random: () => 0,
  });
  tracker.onService(undefined, makeService("default", "web", { clusterIP: c.vip, port: c.port }));
  tracker.onSlice(undefined, makeSlice("default", "web", c.backendIPs, c.backendPort));
  tracker.onService(undefined, makeService("default", "slow", { clusterIP: c.slowVip, port: c.port }));
  tracker.onSlice(undefined, makeSlice("default", "slow", [c.deadEndpoint, c.backendIPs[0]], c.backendPort));
  const sync = await proxier.sync();
  process.stdout.write(`ready ${JSON.stringify(sync.result)}\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await proxier.close();
    for (const s of servers) s.close();
    process.stdout.write("closed\n");
    process.exit(0);
  };
  process.stdin.on("data", (d: Buffer) => {
    if (d.toString().includes("stop")) void stop();
  });
  process.stdin.on("end", () => void stop());
}

main().catch((error: unknown) => {
  process.stdout.write(`failed ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
