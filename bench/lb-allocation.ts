// A measurement, not a test: how long from creating a `type: LoadBalancer` Service until a
// watching client sees its status.loadBalancer.ingress, with service-lb-controller running in
// startTestCluster (in-process API server) and one IPAddressPool. Issue 7 aims at ≤ 200 ms.
//
//   node dist/bench/lb-allocation.js [--services N]
//
// Services are created one at a time (each waits for its address), then the same number again
// ten at a time; the pool is large enough for all.

import type { IPAddressPool } from "../src/api/metallb-types.js";
import { METALLB_NAMESPACE } from "../src/api/metallb-types.js";
import { requireResource } from "../src/api/resources.js";
import type { Namespace, Service } from "../src/api/types.js";
import { testToken } from "../src/apiserver/test-api.js";
import { InProcessTransport, Informer, KubeClient } from "../src/client/index.js";
import { resource } from "../src/controllers/controller-context.js";
import { serviceLBController } from "../src/controllers/loadbalancer/service-lb-controller.js";
import { startTestCluster } from "../src/controllers/test-cluster.js";
import { summarize } from "./stats.js";

const servicesFlag = process.argv.indexOf("--services");
// The test API server's service range is a /24: two rounds of N must fit in it.
const SERVICES = servicesFlag > 0 ? Math.min(120, Math.max(10, Number(process.argv[servicesFlag + 1]) || 100)) : 100;
const AIM_MS = 200;

function summary(label: string, samples: number[]): string {
  const s = summarize(samples);
  return (
    `${label}: n=${s.count} p50=${s.p50.toFixed(2)} ms p99=${s.p99.toFixed(2)} ms max=${s.max.toFixed(2)} ms; ` +
    `p50/aim(${AIM_MS} ms) = ${(s.p50 / AIM_MS).toFixed(3)}×, p99/aim = ${(s.p99 / AIM_MS).toFixed(3)}×`
  );
}

async function main(): Promise<void> {
  const cluster = await startTestCluster({ controllers: [serviceLBController] });
  const stop = new AbortController();
  try {
    const services = cluster.client<Service>(resource("", "v1", "services"));
    await cluster.client<Namespace>(resource("", "v1", "namespaces")).create({ metadata: { name: METALLB_NAMESPACE } });
    await cluster.client<IPAddressPool>(requireResource("metallb.io", "v1beta1", "ipaddresspools")).create({
      apiVersion: "metallb.io/v1beta1",
      kind: "IPAddressPool",
      metadata: { name: "bench", namespace: METALLB_NAMESPACE },
      spec: { addresses: ["172.17.8.0/24", "172.17.9.0/24"], avoidBuggyIPs: true },
    });

    // A watching client, as kube-proxy and kubectl get -w would be.
    const seenAt = new Map<string, number>();
    const waiting = new Map<string, () => void>();
    const transport = new InProcessTransport(cluster.api.api, { token: testToken });
    const watcher = new Informer<Service>(new KubeClient(transport, resource("", "v1", "services")), { namespace: "default" });
    const look = (svc: Service): void => {
      const name = svc.metadata.name ?? "";
      if (!seenAt.has(name) && (svc.status?.loadBalancer?.ingress?.length ?? 0) > 0) {
        seenAt.set(name, performance.now());
        waiting.get(name)?.();
      }
    };
    watcher.addEventHandler({ onAdd: look, onUpdate: (_old, s) => look(s) });
    void watcher.run(stop.signal);
    await watcher.waitForCacheSync(stop.signal);

    const measure = async (name: string): Promise<number> => {
      const seen = new Promise<void>((resolve) => waiting.set(name, resolve));
      const start = performance.now();
      await services.create({
        apiVersion: "v1",
        kind: "Service",
        metadata: { namespace: "default", name },
        spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }] },
      });
      await seen;
      return (seenAt.get(name) ?? Number.NaN) - start;
    };

    const sequential: number[] = [];
    for (let i = 0; i < SERVICES; i++) sequential.push(await measure(`one-${i}`));
    const burst: number[] = [];
    for (let i = 0; i < SERVICES; i += 10) {
      burst.push(...(await Promise.all(Array.from({ length: Math.min(10, SERVICES - i) }, (_, k) => measure(`ten-${i + k}`)))));
    }
    console.log(`LoadBalancer services, create → status.loadBalancer.ingress seen by a watcher (aim ≤ ${AIM_MS} ms)`);
    console.log(summary("one at a time", sequential));
    console.log(summary("ten at a time", burst));
    console.log(summary("all", [...sequential, ...burst]));
  } finally {
    stop.abort();
    await cluster.stop();
  }
}

await main();
