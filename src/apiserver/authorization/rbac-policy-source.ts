// Where the RBAC authorizer reads policy from: the bindings that may apply to a user, and roles by
// name. RbacPolicyIndex is the in-memory implementation, fed object by object from the registry's
// watch. It indexes bindings by subject — user name, group, and a service account's user name —
// so finding a user's bindings costs one map lookup per name and group of the user plus the
// bindings found, not a walk over every binding in the cluster.
//
// Contract: objects passed to upsert are kept as given and handed out again, never copied and
// never changed (callers share them with their caches; tests freeze them). Removing an object
// that is not there is a no-op. Bindings come back in name order, so the binding named in an
// authorization reason does not depend on the order of events.

import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, Subject } from "../../api/rbac-types.js";
import { serviceAccountUserName } from "../serviceaccount/claims.js";
import type { UserInfo } from "../user-info.js";

export type RbacKind = "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding";

/** The rbac.authorization.k8s.io/v1 resource of each kind. */
export const rbacResources: Readonly<Record<RbacKind, string>> = {
  ClusterRole: "clusterroles",
  Role: "roles",
  ClusterRoleBinding: "clusterrolebindings",
  RoleBinding: "rolebindings",
};

export interface RbacObjects {
  Role: Role;
  ClusterRole: ClusterRole;
  RoleBinding: RoleBinding;
  ClusterRoleBinding: ClusterRoleBinding;
}

/** Synchronous reads of RBAC policy. A binding list may hold extra bindings (callers re-check subjects) but must not miss one. */
export interface RbacPolicySource {
  /** ClusterRoleBindings with a subject that may be this user, one of its groups or its service account. */
  clusterRoleBindingsFor(user: UserInfo): readonly ClusterRoleBinding[];
  /** The same for the RoleBindings of one namespace. */
  roleBindingsFor(namespace: string, user: UserInfo): readonly RoleBinding[];
  clusterRole(name: string): ClusterRole | undefined;
  role(namespace: string, name: string): Role | undefined;
  /** Every ClusterRole (aggregation selects among them). */
  clusterRoles(): readonly ClusterRole[];
  /** A number that changes whenever a ClusterRole is added, changed or removed. */
  clusterRolesRevision(): number;
}

/**
 * The index key a binding subject is found under: users by name, groups by name, and service
 * accounts by the user name they authenticate as (a subject without a namespace takes the
 * binding's; in a ClusterRoleBinding it matches no one, as in Kubernetes). Other kinds match no one.
 */
export function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case "User":
      return `u:${s.name}`;
    case "Group":
      return `g:${s.name}`;
    case "ServiceAccount": {
      const ns = s.namespace || bindingNamespace;
      return ns ? `u:${serviceAccountUserName(ns, s.name)}` : undefined;
    }
    default:
      return undefined;
  }
}

/** The keys a user's bindings are found under. */
export function userKeys(user: UserInfo): string[] {
  return [`u:${user.name}`, ...user.groups.map((g) => `g:${g}`)];
}

/** Bindings of one scope (the cluster, or one namespace), by name and by subject key. */
class BindingIndex<T extends ClusterRoleBinding | RoleBinding> {
  readonly #byName = new Map<string, { obj: T; keys: string[] }>();
  readonly #bySubject = new Map<string, Set<string>>();
  readonly #namespace: string;

  constructor(namespace: string) {
    this.#namespace = namespace;
  }

  get size(): number {
    return this.#byName.size;
  }

  set(obj: T): void {
    const name = obj.metadata.name ?? "";
    this.delete(name);
    const keys = [...new Set((obj.subjects ?? []).map((s) => subjectKey(s, this.#namespace)).filter((k): k is string => k !== undefined))];
    this.#byName.set(name, { obj, keys });
    for (const k of keys) {
      let names = this.#bySubject.get(k);
      if (!names) this.#bySubject.set(k, (names = new Set()));
      names.add(name);
    }
  }

  delete(name: string): void {
    const old = this.#byName.get(name);
    if (!old) return;
    this.#byName.delete(name);
    for (const k of old.keys) {
      const names = this.#bySubject.get(k);
      names?.delete(name);
      if (names?.size === 0) this.#bySubject.delete(k);
    }
  }

  candidates(keys: readonly string[]): T[] {
    const names = new Set<string>();
    for (const k of keys) for (const n of this.#bySubject.get(k) ?? []) names.add(n);
    return [...names].sort().map((n) => this.#byName.get(n)?.obj as T);
  }
}

export class RbacPolicyIndex implements RbacPolicySource {
  readonly #clusterRoles = new Map<string, ClusterRole>();
  readonly #roles = new Map<string, Role>();
  readonly #clusterBindings = new BindingIndex<ClusterRoleBinding>("");
  readonly #bindings = new Map<string, BindingIndex<RoleBinding>>();
  #revision = 0;

  /** Adds or replaces one object (as a watch's ADDED or MODIFIED event delivers it). */
  upsert<K extends RbacKind>(kind: K, obj: RbacObjects[K]): void {
    const ns = obj.metadata.namespace ?? "";
    const name = obj.metadata.name ?? "";
    switch (kind) {
      case "ClusterRole":
        this.#clusterRoles.set(name, obj as ClusterRole);
        this.#revision++;
        break;
      case "Role":
        this.#roles.set(`${ns}/${name}`, obj as Role);
        break;
      case "ClusterRoleBinding":
        this.#clusterBindings.set(obj as ClusterRoleBinding);
        break;
      case "RoleBinding": {
        let idx = this.#bindings.get(ns);
        if (!idx) this.#bindings.set(ns, (idx = new BindingIndex<RoleBinding>(ns)));
        idx.set(obj as RoleBinding);
        break;
      }
    }
  }

  /** Removes one object; namespace is "" for cluster-scoped kinds. */
  remove(kind: RbacKind, namespace: string, name: string): void {
    switch (kind) {
      case "ClusterRole":
        if (this.#clusterRoles.delete(name)) this.#revision++;
        break;
      case "Role":
        this.#roles.delete(`${namespace}/${name}`);
        break;
      case "ClusterRoleBinding":
        this.#clusterBindings.delete(name);
        break;
      case "RoleBinding": {
        const idx = this.#bindings.get(namespace);
        idx?.delete(name);
        if (idx?.size === 0) this.#bindings.delete(namespace);
        break;
      }
    }
  }

  clusterRoleBindingsFor(user: UserInfo): readonly ClusterRoleBinding[] {
    return this.#clusterBindings.candidates(userKeys(user));
  }

  roleBindingsFor(namespace: string, user: UserInfo): readonly RoleBinding[] {
    return this.#bindings.get(namespace)?.candidates(userKeys(user)) ?? [];
  }

  clusterRole(name: string): ClusterRole | undefined {
    return this.#clusterRoles.get(name);
  }

  /** Roles are namespaced: with namespace "" (a ClusterRoleBinding naming a Role) there is none. */
  role(namespace: string, name: string): Role | undefined {
    return namespace === "" ? undefined : this.#roles.get(`${namespace}/${name}`);
  }

  clusterRoles(): readonly ClusterRole[] {
    return [...this.#clusterRoles.values()];
  }

  clusterRolesRevision(): number {
    return this.#revision;
  }
}
