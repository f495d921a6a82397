// The proxy state and node configuration behind NFT_JSON_FIXTURE (nft-list-table-fixture.ts):
// default/web — LoadBalancer 203.0.113.10 (source range 198.51.100.0/24), externalIP 192.0.2.50,
// NodePort 30802, externalTrafficPolicy Local, ClientIP affinity, endpoints 10.1.13.2 (node-a) and
// 10.1.13.3 (node-b) — and default/empty, UDP 53 without endpoints; node-a (192.168.0.10), pods in
// 10.1.0.0/16, services in 10.0.0.0/24.

import { makeEndpoint, makeNodeAConfig, makeProxyState, makeServicePort } from "../../iptables/testdata/nginx-fixtures.js";
import type { NodeProxyConfig, ProxyState } from "../../types.js";

export function nftJsonFixtureState(): ProxyState {
  const web = makeServicePort("default", "web", (s) => {
    s.clusterIP = "10.0.0.252";
    s.port = 8000;
    s.nodePort = 30802;
    s.externalIPs = ["192.0.2.50"];
    s.loadBalancerVIPs = ["203.0.113.10"];
    s.loadBalancerSourceRanges = ["198.51.100.0/24"];
    s.externalPolicyLocal = true;
    s.stickySeconds = 10800;
  });
  const empty = makeServicePort("default", "empty", (s) => {
    s.clusterIP = "10.0.0.10";
    s.port = 53;
    s.protocol = "UDP";
    s.name = { ...s.name, protocol: "UDP" };
  });
  return makeProxyState([
    { service: web, endpoints: [makeEndpoint("10.1.13.2", 80, "node-a", "node-a"), makeEndpoint("10.1.13.3", 80, "node-b", "node-a")] },
    { service: empty, endpoints: [] },
  ]);
}

export function nftJsonFixtureConfig(): NodeProxyConfig {
  return makeNodeAConfig({ serviceCIDRs: ["10.0.0.0/24"] });
}
