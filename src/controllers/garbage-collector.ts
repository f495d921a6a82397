// Garbage collection by ownerReferences, with Kubernetes' three propagation policies:
// - Background: once every owner of an object is gone, the object is deleted.
// - Foreground: an owner marked with the `foregroundDeletion` finalizer has its dependents
//   deleted first; the finalizer is removed when no dependent with blockOwnerDeletion is left.
// - Orphan: an owner marked with the `orphan` finalizer has itself removed from its dependents'
//   ownerReferences, then the finalizer is removed.
// An owner counts as gone only if a fresh read by name finds nothing with its uid.
//
// This runs inside the server against the registry; it reads a full snapshot per pass, which
// is cheap at the sizes svcnet targets (thousands of objects).

import { ApiError } from "../api/errors.js";
import { findResourceByKind, resources } from "../api/resources.js";
import type { ResourceInfo } from "../api/resources.js";
import type { KubeObject, OwnerReference } from "../api/types.js";
import type { Registry } from "../registry/registry.js";

interface Entry {
  r: ResourceInfo;
  obj: KubeObject;
}

function isGone(e: unknown): boolean {
  return e instanceof ApiError && (e.code === 404 || e.code === 409);
}

export class GarbageCollector {
  readonly #registry: Registry;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  async #snapshot(): Promise<Entry[]> {
    const out: Entry[] = [];
    for (const r of resources) {
      const list = await this.#registry.list(r, undefined, { resourceVersion: "0" });
      for (const obj of list.items) out.push({ r, obj });
    }
    return out;
  }

  async #ownerExists(ref: OwnerReference, ns: string | undefined, byUid: Map<string, Entry>): Promise<boolean> {
    if (byUid.has(ref.uid)) return true;
    const r = findResourceByKind(ref.apiVersion, ref.kind);
    if (!r) return false;
    const live = await this.#registry.find(r, r.namespaced ? ns : undefined, ref.name);
    return live?.metadata.uid === ref.uid;
  }

  async #removeFinalizer(e: Entry, finalizer: string): Promise<void> {
    try {
      await this.#registry.patch(e.r, e.obj.metadata.namespace, e.obj.metadata.name ?? "", (live) => {
        if (!live || live.metadata.uid !== e.obj.metadata.uid) throw ApiError.notFound({ group: e.r.group, resource: e.r.resource }, e.obj.metadata.name ?? "");
        live.metadata.finalizers = (live.metadata.finalizers ?? []).filter((f) => f !== finalizer);
        return live;
      });
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  async #delete(e: Entry, policy: "Background" | "Foreground"): Promise<void> {
    try {
      await this.#registry.delete(e.r, e.obj.metadata.namespace, e.obj.metadata.name ?? "", {
        propagationPolicy: policy,
        preconditions: { uid: e.obj.metadata.uid },
      });
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  /** One pass over everything; safe to run at any time, idempotent. */
  async reconcile(): Promise<void> {
    const all = await this.#snapshot();
    const byUid = new Map(all.filter((e) => e.obj.metadata.uid).map((e) => [e.obj.metadata.uid as string, e]));
    const dependents = new Map<string, Entry[]>();
    for (const e of all) {
      for (const ref of e.obj.metadata.ownerReferences ?? []) {
        const list = dependents.get(ref.uid) ?? [];
        list.push(e);
        dependents.set(ref.uid, list);
      }
    }
    for (const owner of all) {
      if (!owner.obj.metadata.deletionTimestamp) continue;
      const fins = owner.obj.metadata.finalizers ?? [];
      const uid = owner.obj.metadata.uid ?? "";
      const deps = dependents.get(uid) ?? [];
      if (fins.includes("orphan")) {
        for (const d of deps) {
          try {
            await this.#registry.patch(d.r, d.obj.metadata.namespace, d.obj.metadata.name ?? "", (live) => {
              if (!live) throw ApiError.notFound({ group: d.r.group, resource: d.r.resource }, d.obj.metadata.name ?? "");
              live.metadata.ownerReferences = (live.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== uid);
              if (!live.metadata.ownerReferences.length) delete live.metadata.ownerReferences;
              return live;
            });
          } catch (err) {
            if (!isGone(err)) throw err;
          }
        }
        await this.#removeFinalizer(owner, "orphan");
      } else if (fins.includes("foregroundDeletion")) {
        const blocking = deps.filter((d) => (d.obj.metadata.ownerReferences ?? []).some((ref) => ref.uid === uid && ref.blockOwnerDeletion));
        for (const d of deps) if (!d.obj.metadata.deletionTimestamp) await this.#delete(d, "Foreground");
        if (!blocking.length) await this.#removeFinalizer(owner, "foregroundDeletion");
      }
    }
    for (const e of all) {
      const refs = e.obj.metadata.ownerReferences ?? [];
      if (!refs.length || e.obj.metadata.deletionTimestamp) continue;
      let anyOwner = false;
      for (const ref of refs) {
        if (await this.#ownerExists(ref, e.obj.metadata.namespace, byUid)) {
          anyOwner = true;
          break;
        }
      }
      if (!anyOwner) await this.#delete(e, "Background");
    }
  }
}
