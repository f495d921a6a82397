// `kubectl get endpoints`: Name, Endpoints, Age.

import { deepFreeze } from "../json.js";
import type { Endpoints, EndpointSubset, KubeObject, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { joinHostPort } from "./format-list.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

const MAX_SHOWN = 3;

const columns = deepFreeze([
  nameColumn(),
  column(
    "Endpoints",
    "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.",
  ),
  ageColumn(),
]);

/**
 * ENDPOINTS: for each subset, `ip:port` for every port × ready address (bare IPs for a subset
 * without ports; IPv6 bracketed); the first three joined with `,`, then ` + N more...`.
 * `<none>` without subsets; "" when subsets hold only not-ready addresses.
 */
export function formatEndpoints(subsets: readonly EndpointSubset[] | null | undefined): string {
  if (!subsets || subsets.length === 0) return "<none>";
  const shown: string[] = [];
  let count = 0;
  let more = false;
  const take = (text: string): void => {
    if (shown.length === MAX_SHOWN) more = true;
    else shown.push(text);
  };
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) take(a.ip);
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) take(joinHostPort(a.ip, p.port));
    }
  }
  const joined = shown.join(",");
  return more ? `${joined} + ${count - MAX_SHOWN} more...` : joined;
}

/** The endpoints printer. */
export const endpointsTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const ep = obj as Endpoints;
    return [ep.metadata?.name ?? "", formatEndpoints(ep.subsets), translateTimestampSince(ep.metadata?.creationTimestamp, now)];
  },
};
