// Keeps an RbacPolicyIndex current with the registry's Roles, ClusterRoles and their bindings, as
// kube-apiserver's RBAC authorizer reads from informers: each kind is listed, then watched from
// the list's revision; after a watch ends (a too-old revision, a store outage) the kind is listed
// again and whatever vanished meanwhile is removed. Authorization never waits on the store.

import { RBAC_GROUP } from "../../api/rbac-types.js";
import { requireResource } from "../../api/resources.js";
import type { ResourceInfo } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import type { Registry } from "../../registry/registry.js";
import { reflectResource } from "../registry-reflector.js";
import { rbacResources, type RbacKind, type RbacPolicyIndex } from "./rbac-policy-source.js";

const keyOf = (obj: KubeObject): string => `${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`;

/**
 * Feeds `index` from `registry` until `signal` aborts. `synced` resolves once every kind's first
 * list is in (before that, authorization would refuse what the policy allows).
 */
export function reflectRbacPolicy(registry: Registry, index: RbacPolicyIndex, signal: AbortSignal, o: { retryMs?: number; log?: (line: string) => void } = {}): { synced: Promise<void>; done: Promise<void> } {
  const syncs: Promise<void>[] = [];
  const runs: Promise<void>[] = [];
  for (const [kind, resource] of Object.entries(rbacResources) as [RbacKind, string][]) {
    let synced!: () => void;
    syncs.push(new Promise<void>((resolve) => (synced = resolve)));
    runs.push(reflect(registry, index, kind, requireResource(RBAC_GROUP, "v1", resource), signal, () => synced(), o));
  }
  return { synced: Promise.all(syncs).then(() => undefined), done: Promise.all(runs).then(() => undefined) };
}

function reflect(
  registry: Registry,
  index: RbacPolicyIndex,
  kind: RbacKind,
  r: ResourceInfo,
  signal: AbortSignal,
  onSynced: () => void,
  o: { retryMs?: number; log?: (line: string) => void },
): Promise<void> {
  const known = new Map<string, KubeObject>();
  return reflectResource(
    registry,
    r,
    {
      replace: (items) => {
        const seen = new Set<string>();
        for (const obj of items) {
          seen.add(keyOf(obj));
          known.set(keyOf(obj), obj);
          index.upsert(kind, obj);
        }
        for (const [key, obj] of known) {
          if (seen.has(key)) continue;
          known.delete(key);
          index.remove(kind, obj.metadata.namespace ?? "", obj.metadata.name ?? "");
        }
      },
      event: (ev) => {
        if (ev.type === "DELETED") {
          known.delete(keyOf(ev.object));
          index.remove(kind, ev.object.metadata.namespace ?? "", ev.object.metadata.name ?? "");
        } else {
          known.set(keyOf(ev.object), ev.object);
          index.upsert(kind, ev.object);
        }
      },
    },
    signal,
    { who: "RBAC authorizer", onSynced, ...o },
  );
}
