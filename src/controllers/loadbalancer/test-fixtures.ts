// Small builders for the load-balancer allocator's tests: services, pools, nodes and
// EndpointSlices as the API would hold them, each adjusted by an optional edit function.

import { deepFreeze } from "../../api/json.js";
import type { IPAddressPool } from "../../api/metallb-types.js";
import { METALLB_API_VERSION, METALLB_NAMESPACE } from "../../api/metallb-types.js";
import type { EndpointSlice, Node, Service } from "../../api/types.js";
import { AddressBook } from "./address-book.js";
import type { AddressPool } from "./address-pools.js";
import { poolsFrom } from "./address-pools.js";
import { sharingClaimOf } from "./lb-service.js";

/** A frozen LoadBalancer Service (IPv4, port 8000/TCP, app=nginx) in `namespace`. */
export function makeService(namespace: string, name: string, edit?: (s: Service) => void): Service {
  const svc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace, name, uid: `uid-${name}`, resourceVersion: "1", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: { type: "LoadBalancer", selector: { app: "nginx" }, ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" },
  };
  edit?.(svc);
  return deepFreeze(svc);
}

/** A frozen IPAddressPool in metallb-system with `addresses`. */
export function makePoolObject(name: string, addresses: string[], edit?: (p: IPAddressPool) => void): IPAddressPool {
  const pool: IPAddressPool = {
    apiVersion: METALLB_API_VERSION,
    kind: "IPAddressPool",
    metadata: { name, namespace: METALLB_NAMESPACE, resourceVersion: "1" },
    spec: { addresses },
  };
  edit?.(pool);
  return deepFreeze(pool);
}

/** The parsed pool of makePoolObject. */
export function makePool(name: string, addresses: string[], edit?: (p: IPAddressPool) => void): AddressPool {
  return poolsFrom([makePoolObject(name, addresses, edit)])[0];
}

/** A frozen node with InternalIPs, Ready unless `ready` is false. */
export function makeNode(name: string, ips: string[], o: { ready?: boolean; labels?: Record<string, string> } = {}): Node {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    status: {
      conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
      addresses: [...ips.map((address) => ({ type: "InternalIP" as const, address })), { type: "Hostname" as const, address: name }],
    },
  });
}

/** A frozen EndpointSlice of `service` with one endpoint per [node, ready]. */
export function makeSlice(namespace: string, service: string, endpoints: [node: string, ready: boolean | undefined][]): EndpointSlice {
  return deepFreeze({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace, name: `${service}-abc`, labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    endpoints: endpoints.map(([nodeName, ready], i) => ({ addresses: [`10.1.0.${i + 2}`], nodeName, conditions: ready === undefined ? {} : { ready } })),
    ports: [{ port: 80, protocol: "TCP" }],
  });
}

/** A book holding, for each [service, pool, ips], the given service's addresses. */
export function bookWith(holdings: [svc: Service, pool: string, ips: string[]][]): AddressBook {
  const book = new AddressBook();
  for (const [svc, pool, ips] of holdings) book.assign(`${svc.metadata.namespace}/${svc.metadata.name}`, { pool, ips, claim: sharingClaimOf(svc) });
  return book;
}
