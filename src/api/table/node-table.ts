// `kubectl get nodes`: Name, Status, Roles, Age, Version, and wide Internal-IP, External-IP,
// OS-Image, Kernel-Version, Container-Runtime.

import { deepFreeze } from "../json.js";
import type { KubeObject, Node, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { compareStrings } from "./format-labels.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

const ROLE_LABEL_PREFIX = "node-role.kubernetes.io/";
const ROLE_LABEL = "kubernetes.io/role";

const ADDRESSES_DOC =
  "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

const columns = deepFreeze([
  nameColumn(),
  column("Status", "The status of the node"),
  column("Roles", "The roles of the node"),
  ageColumn(),
  column("Version", "Kubelet Version reported by the node."),
  column("Internal-IP", ADDRESSES_DOC, { priority: 1 }),
  column("External-IP", ADDRESSES_DOC, { priority: 1 }),
  column("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", {
    priority: 1,
  }),
  column("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", {
    priority: 1,
  }),
  column(
    "Container-Runtime",
    "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
    { priority: 1 },
  ),
]);

/** STATUS: `Ready`/`NotReady` from the Ready condition (`Unknown` without one), `,SchedulingDisabled` if cordoned. */
export function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === "Ready").at(-1);
  const parts = [ready === undefined ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady"];
  if (node.spec?.unschedulable) parts.push("SchedulingDisabled");
  return parts.join(",");
}

/** ROLES: sorted, de-duplicated `node-role.kubernetes.io/<role>` suffixes and `kubernetes.io/role` values; `<none>`. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_LABEL_PREFIX)) {
      const role = k.slice(ROLE_LABEL_PREFIX.length);
      if (role !== "") roles.add(role);
    } else if (k === ROLE_LABEL && v !== "") {
      roles.add(v);
    }
  }
  return roles.size === 0 ? "<none>" : [...roles].sort(compareStrings).join(",");
}

/** The first address of the given type, or `<none>`. */
export function nodeAddress(node: Node, type: "InternalIP" | "ExternalIP"): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? "<none>";
}

/** The node printer. */
export const nodeTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const node = obj as Node;
    const info = node.status?.nodeInfo;
    return [
      node.metadata?.name ?? "",
      nodeStatus(node),
      nodeRoles(node),
      translateTimestampSince(node.metadata?.creationTimestamp, now),
      info?.kubeletVersion ?? "",
      nodeAddress(node, "InternalIP"),
      nodeAddress(node, "ExternalIP"),
      info?.osImage || "<unknown>",
      info?.kernelVersion || "<unknown>",
      info?.containerRuntimeVersion || "<unknown>",
    ];
  },
};
