// `kubectl get services`: Name, Type, Cluster-IP, External-IP, Port(s), Age, wide Selector.

import { deepFreeze } from "../json.js";
import type { KubeObject, Service, ServicePort, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { compareStrings, formatLabels } from "./format-labels.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

/** Longest LoadBalancer address list shown unclipped without `-o wide`. */
const LOAD_BALANCER_WIDTH = 16;

const columns = deepFreeze([
  nameColumn(),
  column(
    "Type",
    'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  ),
  column(
    "Cluster-IP",
    'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  ),
  column(
    "External-IP",
    "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.",
  ),
  column(
    "Port(s)",
    "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
  ),
  ageColumn(),
  column(
    "Selector",
    "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/",
    { priority: 1 },
  ),
]);

/**
 * The LoadBalancer ingress addresses: each ingress' IP, or its hostname when the IP is empty,
 * de-duplicated, sorted and joined with `,`; clipped to 13 characters plus `...` when longer
 * than 16 and not `wide`.
 */
export function loadBalancerAddresses(svc: Service, options: { wide: boolean }): string {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  const r = [...set].sort(compareStrings).join(",");
  if (!options.wide && r.length > LOAD_BALANCER_WIDTH) return `${r.slice(0, LOAD_BALANCER_WIDTH - 3)}...`;
  return r;
}

/**
 * EXTERNAL-IP. ClusterIP/NodePort: spec.externalIPs or `<none>`. LoadBalancer: ingress
 * addresses followed by spec.externalIPs, `<pending>` when both are empty. ExternalName:
 * spec.externalName. Any other type: `<unknown>`. The API server prints with `wide: true`
 * (no clipping); `wide: false` is kubectl's client-side rendering.
 */
export function serviceExternalIP(svc: Service, options: { wide: boolean }): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = loadBalancerAddresses(svc, options);
      if (externalIPs.length > 0) return [...(lb ? lb.split(",") : []), ...externalIPs].join(",");
      return lb || "<pending>";
    }
    case "ExternalName":
      return svc.spec.externalName ?? "";
    default:
      return "<unknown>";
  }
}

/** PORT(S): `port/PROTO`, or `port:nodePort/PROTO` when a node port is set, joined with `,`. */
export function servicePorts(ports: readonly ServicePort[] | null | undefined): string {
  const list = (ports ?? []).map((p) => {
    const proto = p.protocol ?? "TCP";
    return p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
  });
  return list.length === 0 ? "<none>" : list.join(",");
}

/** CLUSTER-IP: spec.clusterIPs[0] (spec.clusterIP for objects without clusterIPs), else `<none>`. */
export function serviceClusterIP(svc: Service): string {
  return svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || "<none>";
}

/** The service printer. */
export const serviceTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const svc = obj as Service;
    return [
      svc.metadata?.name ?? "",
      svc.spec?.type ?? "",
      serviceClusterIP(svc),
      serviceExternalIP(svc, { wide: true }),
      servicePorts(svc.spec?.ports),
      translateTimestampSince(svc.metadata?.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};
