// Fixtures for the speaker's tests: small builders of the objects the announce plan reads
// (LoadBalancer services, EndpointSlices, Nodes, pools, advertisements, speaker Leases), each
// frozen as the informers' caches hand them out. Defaults describe the sandbox: pool "default"
// 172.17.8.201-172.17.8.250 announced by advertisement "default" from every node.

import { deepFreeze } from "../../api/json.js";
import type { IPAddressPool, L2Advertisement } from "../../api/metallb-types.js";
import { METALLB_API_VERSION, METALLB_NAMESPACE } from "../../api/metallb-types.js";
import { microTime } from "../../api/time.js";
import type { EndpointSlice, Lease, Node, Service, SliceEndpoint } from "../../api/types.js";
import { SPEAKER_LEASE_DURATION_SECONDS, SPEAKER_LEASE_NAMESPACE, speakerLeaseName } from "./speaker-liveness.js";

/** A LoadBalancer service (ports 8000/TCP) with `ips` as VIP ingress. */
export function makeLBService(namespace: string, name: string, ips: string[], edit?: (s: Service) => void): Service {
  const s: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace, name, uid: `uid-${namespace}-${name}` },
    spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ port: 8000, protocol: "TCP" }], externalTrafficPolicy: "Cluster" },
    status: { loadBalancer: { ingress: ips.map((ip) => ({ ip, ipMode: "VIP" as const })) } },
  };
  edit?.(s);
  return deepFreeze(s);
}

/** An endpoint on `node`, ready unless told otherwise. */
export function endpointOn(node: string, ip: string, conditions: SliceEndpoint["conditions"] = { ready: true, serving: true, terminating: false }): SliceEndpoint {
  return { addresses: [ip], nodeName: node, conditions };
}

/** An EndpointSlice of service `namespace/service`. */
export function makeSlice(namespace: string, service: string, endpoints: SliceEndpoint[], suffix = "abcde"): EndpointSlice {
  return deepFreeze({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace, name: `${service}-${suffix}`, labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    endpoints,
    ports: [{ port: 80, protocol: "TCP" }],
  });
}

/** A Ready node with the hostname label. */
export function makeNode(name: string, edit?: (n: Node) => void): Node {
  const n: Node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name } },
    status: { conditions: [{ type: "Ready", status: "True", reason: "KubeletReady" }] },
  };
  edit?.(n);
  return deepFreeze(n);
}

export function makePool(name: string, addresses: string[], edit?: (p: IPAddressPool) => void): IPAddressPool {
  const p: IPAddressPool = { apiVersion: METALLB_API_VERSION, kind: "IPAddressPool", metadata: { name, namespace: METALLB_NAMESPACE }, spec: { addresses } };
  edit?.(p);
  return deepFreeze(p);
}

export function makeAdvertisement(name: string, edit?: (a: L2Advertisement) => void): L2Advertisement {
  const a: L2Advertisement = { apiVersion: METALLB_API_VERSION, kind: "L2Advertisement", metadata: { name, namespace: METALLB_NAMESPACE }, spec: {} };
  edit?.(a);
  return deepFreeze(a);
}

/** `node`'s speaker Lease renewed at `renewedAt` (epoch ms). */
export function makeSpeakerLease(node: string, renewedAt: number): Lease {
  return deepFreeze({
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: speakerLeaseName(node), namespace: SPEAKER_LEASE_NAMESPACE },
    spec: { holderIdentity: node, leaseDurationSeconds: SPEAKER_LEASE_DURATION_SECONDS, renewTime: microTime(renewedAt) },
  });
}

export const defaultPool = makePool("default", ["172.17.8.201-172.17.8.250"]);
export const defaultAdvertisement = makeAdvertisement("default", (a) => void (a.spec.ipAddressPools = ["default"]));
