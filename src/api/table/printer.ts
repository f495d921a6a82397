// Which Table printer serves which resource. Resources without a dedicated printer get the
// default one (Name, Created At), as on a real API server.

import { configMapTablePrinter } from "./configmap-table.js";
import { csrTablePrinter } from "./csr-table.js";
import { defaultTablePrinter } from "./default-table.js";
import { deploymentTablePrinter } from "./deployment-table.js";
import { endpointsTablePrinter } from "./endpoints-table.js";
import { endpointSliceTablePrinter } from "./endpointslice-table.js";
import { eventTablePrinter } from "./event-table.js";
import { leaseTablePrinter } from "./lease-table.js";
import { ipAddressPoolTablePrinter, l2AdvertisementTablePrinter } from "./metallb-tables.js";
import { namespaceTablePrinter } from "./namespace-table.js";
import { nodeTablePrinter } from "./node-table.js";
import { podTablePrinter } from "./pod-table.js";
import { replicaSetTablePrinter } from "./replicaset-table.js";
import { replicationControllerTablePrinter } from "./replicationcontroller-table.js";
import { clusterRoleBindingTablePrinter, roleBindingTablePrinter } from "./rolebinding-table.js";
import { serviceTablePrinter } from "./service-table.js";
import { secretTablePrinter } from "./secret-table.js";
import { serviceAccountTablePrinter } from "./serviceaccount-table.js";
import type { TablePrinter } from "./table-printer.js";

export type { RowCondition, TablePrinter } from "./table-printer.js";
export { defaultTablePrinter } from "./default-table.js";

const printers: ReadonlyMap<string, TablePrinter> = new Map([
  ["/pods", podTablePrinter],
  ["/services", serviceTablePrinter],
  ["/endpoints", endpointsTablePrinter],
  ["/nodes", nodeTablePrinter],
  ["/namespaces", namespaceTablePrinter],
  ["/replicationcontrollers", replicationControllerTablePrinter],
  ["/events", eventTablePrinter],
  ["/serviceaccounts", serviceAccountTablePrinter],
  ["/configmaps", configMapTablePrinter],
  ["/secrets", secretTablePrinter],
  ["discovery.k8s.io/endpointslices", endpointSliceTablePrinter],
  ["coordination.k8s.io/leases", leaseTablePrinter],
  ["apps/deployments", deploymentTablePrinter],
  ["apps/replicasets", replicaSetTablePrinter],
  ["rbac.authorization.k8s.io/rolebindings", roleBindingTablePrinter],
  ["rbac.authorization.k8s.io/clusterrolebindings", clusterRoleBindingTablePrinter],
  ["certificates.k8s.io/certificatesigningrequests", csrTablePrinter],
  ["metallb.io/ipaddresspools", ipAddressPoolTablePrinter],
  ["metallb.io/l2advertisements", l2AdvertisementTablePrinter],
]);

/**
 * The printer for a resource, by API group ("" for core) and plural resource name; the
 * default printer for any other resource. Subresources are not printers' business: pass the
 * main resource. Printers are shared, stateless singletons.
 */
export function printerFor(group: string, resource: string): TablePrinter {
  return printers.get(`${group}/${resource}`) ?? defaultTablePrinter;
}
