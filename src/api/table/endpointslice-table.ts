// `kubectl get endpointslices`: Name, AddressType, Ports, Endpoints, Age.

import { deepFreeze } from "../json.js";
import type { EndpointSlice, KubeObject, SlicePort, SliceEndpoint, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { listWithMore } from "./format-list.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

// Kubernetes 1.32 describes these columns with the discovery.k8s.io/v1beta1 field docs.
const columns = deepFreeze([
  nameColumn(),
  column(
    "AddressType",
    "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.",
  ),
  column(
    "Ports",
    'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.',
  ),
  column(
    "Endpoints",
    "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.",
  ),
  ageColumn(),
]);

/** PORTS: each port number, else its name (even ""), else `*`; three shown; `<unset>` if none. */
export function formatSlicePorts(ports: readonly SlicePort[] | null | undefined): string {
  return listWithMore(
    (ports ?? []).map((p) => {
      if (typeof p.port === "number") return String(p.port);
      if (typeof p.name === "string") return p.name;
      return "*";
    }),
  );
}

/** ENDPOINTS: every address of every endpoint (ready or not), three shown; `<unset>` if none. */
export function formatSliceEndpoints(endpoints: readonly SliceEndpoint[] | null | undefined): string {
  return listWithMore((endpoints ?? []).flatMap((e) => e.addresses ?? []));
}

/** The EndpointSlice printer. */
export const endpointSliceTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const slice = obj as EndpointSlice;
    return [
      slice.metadata?.name ?? "",
      slice.addressType ?? "",
      formatSlicePorts(slice.ports),
      formatSliceEndpoints(slice.endpoints),
      translateTimestampSince(slice.metadata?.creationTimestamp, now),
    ];
  },
};
