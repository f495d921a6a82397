// `kubectl get rolebindings` and `clusterrolebindings` (Kubernetes 1.32's printRoleBinding and
// printClusterRoleBinding): Name, Role ("Kind/name"), Age, and with -o wide the Users, Groups
// and ServiceAccounts (as namespace/name) among the subjects, each list joined by ", ".
// Roles and ClusterRoles have no printer of their own: they get the default Name, Created At.

import { deepFreeze } from "../json.js";
import type { RoleBinding } from "../rbac-types.js";
import type { KubeObject, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

/** The subjects of a binding sorted by kind, as Kubernetes' rbac.SubjectsStrings does (other kinds are not printed). */
export function subjectsStrings(subjects: unknown): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of Array.isArray(subjects) ? (subjects as unknown[]) : []) {
    const subject = (typeof s === "object" && s !== null ? s : {}) as { kind?: unknown; name?: unknown; namespace?: unknown };
    const name = typeof subject.name === "string" ? subject.name : "";
    if (subject.kind === "User") out.users.push(name);
    else if (subject.kind === "Group") out.groups.push(name);
    else if (subject.kind === "ServiceAccount") out.serviceAccounts.push(`${typeof subject.namespace === "string" ? subject.namespace : ""}/${name}`);
  }
  return out;
}

function bindingPrinter(scope: "roleBinding" | "clusterRoleBinding", roleRefDoc: string): TablePrinter {
  const columns = deepFreeze([
    nameColumn(),
    column("Role", roleRefDoc),
    ageColumn(),
    column("Users", `Users in the ${scope}`, { priority: 1 }),
    column("Groups", `Groups in the ${scope}`, { priority: 1 }),
    column("ServiceAccounts", `ServiceAccounts in the ${scope}`, { priority: 1 }),
  ]);
  return {
    columns,
    cells(obj: KubeObject, now: Date): TableCell[] {
      const b = obj as Partial<RoleBinding> & KubeObject;
      const ref = b.roleRef ?? { kind: "", name: "" };
      const s = subjectsStrings(b.subjects);
      return [
        b.metadata?.name ?? "",
        `${ref.kind ?? ""}/${ref.name ?? ""}`,
        translateTimestampSince(b.metadata?.creationTimestamp, now),
        s.users.join(", "),
        s.groups.join(", "),
        s.serviceAccounts.join(", "),
      ];
    },
  };
}

/** The RoleBinding printer; its Role column's description is rbac/v1beta1's RoleBinding.roleRef documentation, as Kubernetes sends it. */
export const roleBindingTablePrinter: TablePrinter = bindingPrinter(
  "roleBinding",
  "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.",
);

/** The ClusterRoleBinding printer. */
export const clusterRoleBindingTablePrinter: TablePrinter = bindingPrinter(
  "clusterRoleBinding",
  "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.",
);
