// `kubectl get ipaddresspools` and `kubectl get l2advertisements`: the printer columns of
// MetalLB's CRDs (metallb.io/v1beta1), so the output matches a cluster with MetalLB installed —
// no AGE column, since the CRDs declare their own columns and none of them is the age.

import { customColumnsPrinter } from "./custom-columns.js";
import type { TablePrinter } from "./table-printer.js";

/** NAME, AUTO ASSIGN, AVOID BUGGY IPS, ADDRESSES. */
export const ipAddressPoolTablePrinter: TablePrinter = customColumnsPrinter([
  { name: "Auto Assign", type: "boolean", jsonPath: ".spec.autoAssign" },
  { name: "Avoid Buggy IPs", type: "boolean", jsonPath: ".spec.avoidBuggyIPs" },
  { name: "Addresses", type: "string", jsonPath: ".spec.addresses" },
]);

/** NAME, IPADDRESSPOOLS, IPADDRESSPOOL SELECTORS, INTERFACES; NODE SELECTORS with -o wide. */
export const l2AdvertisementTablePrinter: TablePrinter = customColumnsPrinter([
  { name: "IPAddressPools", type: "string", jsonPath: ".spec.ipAddressPools" },
  { name: "IPAddressPool Selectors", type: "string", jsonPath: ".spec.ipAddressPoolSelectors" },
  { name: "Interfaces", type: "string", jsonPath: ".spec.interfaces" },
  { name: "Node Selectors", type: "string", jsonPath: ".spec.nodeSelectors", priority: 10 },
]);
