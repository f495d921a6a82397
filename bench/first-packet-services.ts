// The services the first-packet benchmark programs: filler ClusterIP services with ten endpoints
// each (addresses nothing answers on; no traffic goes to them) and one target service whose
// endpoints are the benchmark's backend. The target's name sorts after every filler name, so the
// proxier writes its KUBE-SERVICES rule last (before only the NodePorts catch-all): the worst case
// for iptables' linear walk. nftables finds it by one map lookup wherever it sits. Pure.

import { makeEndpoint, makeNodeAConfig, makeServicePort } from "../src/proxy/iptables/testdata/nginx-fixtures.js";
import { servicePortKey } from "../src/proxy/service-port-name.js";
import type { EndpointInfo, NodeProxyConfig, ProxyState, ServicePortInfo } from "../src/proxy/types.js";

/** The service every ClusterIP run connects to. Its name sorts after "svc-…" (the fillers). */
export const TARGET_SERVICE = { namespace: "bench", name: "zz-target", portName: "http", clusterIP: "10.100.0.10", port: 80 } as const;

/** Endpoints each filler service has (the "10k services × 10 endpoints"). */
export const FILLER_ENDPOINTS = 10;

/** An address and port the target service sends connections to. */
export interface TargetEndpoint {
  ip: string;
  port: number;
}

/**
 * The proxy configuration of the client namespace: node-a with the ClusterCIDR detector on
 * 10.1.0.0/16. Clients in that range count as pods, so ClusterIP traffic is not masqueraded.
 */
export function benchNodeConfig(): NodeProxyConfig {
  return makeNodeAConfig({ nodeIPs: ["172.17.8.101"] });
}

/**
 * `services` service ports in all: services − 1 fillers ("bench/svc-<i>", ClusterIP in
 * 10.96.0.0/16, endpoints in 10.64.0.0/10 on another node) and the target with `target` as its
 * endpoints. Throws when `services` is not an integer in 1–60,000 or `target` is empty.
 */
export function firstPacketState(services: number, target: readonly TargetEndpoint[]): ProxyState {
  if (!Number.isInteger(services) || services < 1 || services > 60_000) throw new Error(`services must be an integer in 1–60000, got ${services}`);
  if (target.length === 0) throw new Error("the target service needs at least one endpoint");
  const config = benchNodeConfig();
  const svcs = new Map<string, ServicePortInfo>();
  const eps = new Map<string, EndpointInfo[]>();
  const add = (info: ServicePortInfo, list: EndpointInfo[]): void => {
    const key = servicePortKey(info.name);
    svcs.set(key, info);
    eps.set(key, list.sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0)));
  };
  for (let i = 0; i < services - 1; i++) {
    const info = makeServicePort(TARGET_SERVICE.namespace, `svc-${i}`, (s) => {
      s.name.port = TARGET_SERVICE.portName;
      s.clusterIP = `10.96.${(i >> 8) & 255}.${i & 255}`;
    });
    const list: EndpointInfo[] = [];
    for (let e = 0; e < FILLER_ENDPOINTS; e++) {
      const n = i * FILLER_ENDPOINTS + e;
      list.push(makeEndpoint(`10.${64 + ((n >> 16) & 63)}.${(n >> 8) & 255}.${n & 255}`, 8080, "node-b", config.nodeName));
    }
    add(info, list);
  }
  const targetInfo = makeServicePort(TARGET_SERVICE.namespace, TARGET_SERVICE.name, (s) => {
    s.name.port = TARGET_SERVICE.portName;
    s.clusterIP = TARGET_SERVICE.clusterIP;
    s.port = TARGET_SERVICE.port;
  });
  add(
    targetInfo,
    target.map((t) => makeEndpoint(t.ip, t.port, "node-b", config.nodeName)),
  );
  return { services: svcs, endpoints: eps };
}

/** Where a ClusterIP's rule sits in KUBE-SERVICES: 1-based position among the chain's rules. */
export interface ChainPosition {
  position: number;
  rules: number;
}

/**
 * The position of the KUBE-SERVICES rule matching `clusterIP` in iptables rule text (restore input
 * or `iptables -S`/`iptables-save` output, with or without "/32"); undefined when there is none.
 */
export function kubeServicesPosition(text: string, clusterIP: string): ChainPosition | undefined {
  const rules = text.split("\n").filter((l) => l.startsWith("-A KUBE-SERVICES "));
  const index = rules.findIndex((l) => l.includes(` -d ${clusterIP} `) || l.includes(` -d ${clusterIP}/32 `));
  return index < 0 ? undefined : { position: index + 1, rules: rules.length };
}
