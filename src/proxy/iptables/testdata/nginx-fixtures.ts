// The Service and endpoints of the reference's worked examples (kube-proxy.md §1.11):
// default/nginx-service, one unnamed TCP port 8000 → 80 on clusterIP 10.0.0.252, with ready
// endpoints 10.1.13.2 (node-a), 10.1.13.3 (node-b) and 10.1.13.4 (node-c). The node is node-a
// (192.168.0.10) with the ClusterCIDR local-traffic detector on 10.1.0.0/16.
// Builders return fresh objects; pass a callback to change a copy.

import { servicePortKey } from "../../service-port-name.js";
import type { EndpointInfo, NodeProxyConfig, ProxyState, ServicePortInfo } from "../../types.js";
import { defaultNodeProxyConfig } from "../../types.js";

/** Hash suffix of every per-service chain of nginx-service (SVC/SVL/EXT/FW). */
export const NGINX_HASH = "V2OKYYMBY3REGZOG";
/** KUBE-SEP- hash of each nginx endpoint, by endpoint IP. */
export const NGINX_SEP_HASHES: Readonly<Record<string, string>> = {
  "10.1.13.2": "D6ZFGDR42OKGRRVI",
  "10.1.13.3": "7ETEU5GP7OEWB65E",
  "10.1.13.4": "COO3Y4QZMF4NKH2Q",
};

export function makeServicePort(
  namespace: string,
  name: string,
  mutate?: (svc: ServicePortInfo) => void,
): ServicePortInfo {
  const svc: ServicePortInfo = {
    name: { namespace, name, port: "", protocol: "TCP" },
    clusterIP: "10.0.0.1",
    port: 80,
    protocol: "TCP",
    nodePort: 0,
    externalIPs: [],
    loadBalancerVIPs: [],
    loadBalancerSourceRanges: [],
    healthCheckNodePort: 0,
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    stickySeconds: 0,
  };
  mutate?.(svc);
  return svc;
}

/** default/nginx-service as a plain ClusterIP service (Example 1). */
export function makeNginxService(mutate?: (svc: ServicePortInfo) => void): ServicePortInfo {
  return makeServicePort("default", "nginx-service", (svc) => {
    svc.clusterIP = "10.0.0.252";
    svc.port = 8000;
    mutate?.(svc);
  });
}

/** A ready endpoint; `localNode` decides isLocal the way the proxy on that node would. */
export function makeEndpoint(
  ip: string,
  port: number,
  nodeName: string,
  localNode: string,
  mutate?: (ep: EndpointInfo) => void,
): EndpointInfo {
  const ep: EndpointInfo = {
    ip,
    port,
    endpoint: `${ip}:${port}`,
    ready: true,
    serving: true,
    terminating: false,
    isLocal: nodeName === localNode,
    nodeName,
  };
  mutate?.(ep);
  return ep;
}

/** A ready endpoint on node-b, seen from node-a: for tests where locality plays no part. */
export function makeRemoteEndpoint(ip: string, port: number, mutate?: (ep: EndpointInfo) => void): EndpointInfo {
  return makeEndpoint(ip, port, "node-b", "node-a", mutate);
}

/** The three nginx endpoints as seen by the proxy on `localNode` (default node-a). */
export function makeNginxEndpoints(localNode = "node-a"): EndpointInfo[] {
  return [
    makeEndpoint("10.1.13.2", 80, "node-a", localNode),
    makeEndpoint("10.1.13.3", 80, "node-b", localNode),
    makeEndpoint("10.1.13.4", 80, "node-c", localNode),
  ];
}

/** The proxy configuration of node-a in the worked examples. */
export function makeNodeAConfig(overrides: Partial<NodeProxyConfig> = {}): NodeProxyConfig {
  return {
    ...defaultNodeProxyConfig,
    nodeName: "node-a",
    nodeIPs: ["192.168.0.10"],
    clusterCIDR: "10.1.0.0/16",
    ...overrides,
  };
}

/** A ProxyState holding the given service ports and their endpoints. */
export function makeProxyState(entries: { service: ServicePortInfo; endpoints: EndpointInfo[] }[]): ProxyState {
  const services = new Map<string, ServicePortInfo>();
  const endpoints = new Map<string, EndpointInfo[]>();
  for (const entry of entries) {
    const key = servicePortKey(entry.service.name);
    services.set(key, entry.service);
    endpoints.set(key, entry.endpoints);
  }
  return { services, endpoints };
}

/** Example 1's state: nginx-service with its three endpoints, seen from `localNode`. */
export function makeNginxState(mutate?: (svc: ServicePortInfo) => void, localNode = "node-a"): ProxyState {
  return makeProxyState([{ service: makeNginxService(mutate), endpoints: makeNginxEndpoints(localNode) }]);
}
