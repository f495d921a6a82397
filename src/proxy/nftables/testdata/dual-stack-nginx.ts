// The seed's nginx-service made dual-stack, as API objects: ClusterIPs 10.0.0.252 and
// fd00:10:96::fc, port 8000 → 80, with an IPv4 and an IPv6 EndpointSlice of three ready
// endpoints each (…::2 on node-a, …::3 on node-b, …::4 on node-c), and node-a's IPv6 proxy
// configuration (node address fd00:192:168::10, pod range fd00:10:1::/56 besides 10.1.0.0/16).
// Every IPv6 address is in fd00::/8. Builders return fresh objects.

import type { EndpointSlice, Service } from "../../../api/types.js";
import { makeNodeAConfig } from "../../iptables/testdata/nginx-fixtures.js";
import type { NodeProxyConfig } from "../../types.js";

export const NGINX_CLUSTER_IPV6 = "fd00:10:96::fc";
export const NGINX_ENDPOINT_IPV6 = ["fd00:10:1:13::2", "fd00:10:1:13::3", "fd00:10:1:13::4"] as const;
export const NODE_A_IPV6 = "fd00:192:168::10";
export const POD_CIDR_IPV6 = "fd00:10:1::/56";

/** default/nginx-service, dual-stack (IPv4 first, as the seed's cluster prefers). */
export function makeDualStackNginxService(mutate?: (svc: Service) => void): Service {
  const svc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: "default", name: "nginx-service" },
    spec: {
      type: "ClusterIP",
      clusterIP: "10.0.0.252",
      clusterIPs: ["10.0.0.252", NGINX_CLUSTER_IPV6],
      ipFamilies: ["IPv4", "IPv6"],
      ipFamilyPolicy: "RequireDualStack",
      ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }],
    },
  };
  mutate?.(svc);
  return svc;
}

const nodes = ["node-a", "node-b", "node-c"] as const;

/** The Service's EndpointSlice of one family: three ready endpoints on node-a, -b and -c. */
export function makeNginxSlice(family: "IPv4" | "IPv6"): EndpointSlice {
  const ips = family === "IPv4" ? ["10.1.13.2", "10.1.13.3", "10.1.13.4"] : [...NGINX_ENDPOINT_IPV6];
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace: "default", name: `nginx-service-${family.toLowerCase()}`, labels: { "kubernetes.io/service-name": "nginx-service" } },
    addressType: family,
    endpoints: ips.map((ip, i) => ({ addresses: [ip], conditions: { ready: true }, nodeName: nodes[i] })),
    ports: [{ name: "", port: 80, protocol: "TCP" }],
  };
}

/** node-a's proxy configuration for its IPv6 proxier (both families' addresses, as on a dual-stack node). */
export function makeNodeAIPv6Config(overrides: Partial<NodeProxyConfig> = {}): NodeProxyConfig {
  return makeNodeAConfig({
    ipFamily: "IPv6",
    nodeIPs: ["192.168.0.10", NODE_A_IPV6],
    clusterCIDR: `10.1.0.0/16,${POD_CIDR_IPV6}`,
    ...overrides,
  });
}
