// At every start, the server makes sure the default RBAC policy is in the store (kube-apiserver's
// "rbac/bootstrap-roles" post-start hook): missing roles and bindings are created, defaults that
// lost rules or subjects get them back (an administrator's additions stay), and objects whose
// autoupdate annotation says "false" are left alone. With several API servers each does the
// same; a conflict means another got there first, and the next start looks again. Before that,
// grants the default policy has retired are taken out of the defaults still auto-updated
// (retired-grants.ts), one log line each: the additive reconcile then puts back any narrower rule
// that a removed broad one used to cover.

import { ApiError } from "../../api/errors.js";
import { RBAC_GROUP } from "../../api/rbac-types.js";
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "../../api/rbac-types.js";
import { requireResource } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import { bootstrapPolicy } from "./bootstrap-policy.js";
import type { BootstrapPolicy } from "./bootstrap-policy.js";
import { reconcilePolicy } from "./policy-reconcile.js";
import { rbacResources, type RbacKind } from "./rbac-policy-source.js";
import { retirePolicy } from "./retired-grants.js";
import type { Registry } from "../../registry/registry.js";

const conflict = (e: unknown): boolean => e instanceof ApiError && (e.code === 409 || e.reason === "AlreadyExists");

/** Reconciles the default policy into `registry`; returns how many objects it created or changed. */
export async function ensureRbacPolicy(registry: Registry, o: { log?: (line: string) => void } = {}): Promise<number> {
  const expected = bootstrapPolicy();
  const list = async <T extends KubeObject>(kind: RbacKind): Promise<T[]> =>
    (await registry.list(requireResource(RBAC_GROUP, "v1", rbacResources[kind]), undefined)).items as T[];
  const listAll = async (): Promise<BootstrapPolicy> => ({
    clusterRoles: await list<ClusterRole>("ClusterRole"),
    roles: await list<Role>("Role"),
    clusterRoleBindings: await list<ClusterRoleBinding>("ClusterRoleBinding"),
    roleBindings: await list<RoleBinding>("RoleBinding"),
  });
  let existing = await listAll();
  let retired = 0;
  for (const action of retirePolicy(existing)) {
    const { namespace, name = "" } = action.object.metadata;
    try {
      await registry.update(requireResource(RBAC_GROUP, "v1", rbacResources[action.kind]), namespace, name, action.object);
      for (const line of action.lines) o.log?.(line);
      retired++;
    } catch (e) {
      if (!conflict(e)) throw e;
    }
  }
  // What the reconcile compares against must be what the store now holds.
  if (retired > 0) existing = await listAll();
  let changed = retired;
  for (const action of reconcilePolicy(expected, existing)) {
    const r = requireResource(RBAC_GROUP, "v1", rbacResources[action.kind]);
    const { namespace, name = "" } = action.object.metadata;
    try {
      if (action.op === "recreate") await registry.delete(r, namespace, name);
      if (action.op === "update") await registry.update(r, namespace, name, action.object);
      else await registry.create(r, namespace, { ...action.object, metadata: { ...action.object.metadata, resourceVersion: undefined } });
      changed++;
    } catch (e) {
      if (conflict(e)) continue;
      throw e;
    }
  }
  if (changed > retired) o.log?.(`RBAC: created or updated ${changed - retired} default roles and bindings`);
  return changed;
}
