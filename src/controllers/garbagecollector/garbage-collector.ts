// The garbage collector as a controller: informers on every served resource feed one work key
// ("all"); each sync plans over the listers' snapshot (gc-plan.ts) and acts through the API.
// An owner that looks absent is confirmed with a live read by name and uid before anything
// of its dependents is deleted.

import { deepCopy } from "../../api/json.js";
import { findResourceByKind, resources } from "../../api/resources.js";
import type { ResourceInfo } from "../../api/resources.js";
import type { KubeObject, OwnerReference } from "../../api/types.js";
import type { Informer } from "../../client/index.js";
import { WorkQueue, isConflict, isNotFound, retryOnConflict, runController } from "../../client/index.js";
import type { Controller, ControllerContext } from "../controller-context.js";
import type { GcEntry } from "./gc-plan.js";
import { planGarbageCollection } from "./gc-plan.js";
import { addAffectsGarbageCollection, deleteAffectsGarbageCollection, updateAffectsGarbageCollection } from "./gc-relevance.js";

const key = "all";

function gone(e: unknown): boolean {
  return isNotFound(e) || isConflict(e);
}

async function ownerExists(ctx: ControllerContext, ref: OwnerReference, namespace: string | undefined): Promise<boolean> {
  const r = findResourceByKind(ref.apiVersion, ref.kind);
  if (!r) return false;
  try {
    const live = await ctx.client(r).get(r.namespaced ? namespace : undefined, ref.name);
    return live.metadata.uid === ref.uid;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/** Read-modify-write of one object's metadata, retried on conflicts; a vanished object is fine. */
async function editMetadata(ctx: ControllerContext, e: GcEntry, edit: (obj: KubeObject) => void): Promise<void> {
  const client = ctx.client(e.resource);
  try {
    await retryOnConflict(async () => {
      const live = deepCopy(await client.get(e.object.metadata.namespace, e.object.metadata.name ?? ""));
      if (live.metadata.uid !== e.object.metadata.uid) return;
      edit(live);
      await client.update(live);
    });
  } catch (err) {
    if (!gone(err)) throw err;
  }
}

async function remove(ctx: ControllerContext, e: GcEntry, policy: "Background" | "Foreground"): Promise<void> {
  try {
    await ctx.client(e.resource).delete(e.object.metadata.namespace, e.object.metadata.name ?? "", {
      propagationPolicy: policy,
      preconditions: { uid: e.object.metadata.uid },
    });
  } catch (err) {
    if (!gone(err)) throw err;
  }
}

async function sync(ctx: ControllerContext, informers: ReadonlyMap<ResourceInfo, Informer<KubeObject>>): Promise<void> {
  const all: GcEntry[] = [];
  for (const [resource, inf] of informers) for (const object of inf.lister.list()) all.push({ resource, object });
  for (const a of planGarbageCollection(all)) {
    switch (a.type) {
      case "deleteIfOwnersGone": {
        const refs = a.target.object.metadata.ownerReferences ?? [];
        let any = false;
        for (const ref of refs) if ((any = await ownerExists(ctx, ref, a.target.object.metadata.namespace))) break;
        if (!any) await remove(ctx, a.target, a.policy);
        break;
      }
      case "deleteDependent":
        await remove(ctx, a.target, "Foreground");
        break;
      case "removeOwnerReference":
        await editMetadata(ctx, a.target, (o) => {
          o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== a.ownerUid);
          if (!o.metadata.ownerReferences.length) delete o.metadata.ownerReferences;
        });
        break;
      case "removeFinalizer":
        await editMetadata(ctx, a.target, (o) => {
          o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== a.finalizer);
        });
        break;
    }
  }
}

export const garbageCollector: Controller = {
  name: "garbagecollector",
  async run(ctx) {
    const queue = new WorkQueue<string>({ clock: ctx.clock });
    const informers = new Map<ResourceInfo, Informer<KubeObject>>();
    for (const r of resources) {
      // Review kinds (access reviews) are answered, never stored: there is nothing to watch.
      if (!r.verbs.includes("watch")) continue;
      const inf = ctx.factory.informerFor(r);
      // Only events that can change the plan wake the collector (gc-relevance.ts).
      inf.addEventHandler({
        onAdd: (o) => {
          if (addAffectsGarbageCollection(o)) queue.add(key);
        },
        onUpdate: (old, now) => {
          if (updateAffectsGarbageCollection(old, now)) queue.add(key);
        },
        onDelete: () => {
          if (deleteAffectsGarbageCollection()) queue.add(key);
        },
      });
      informers.set(r, inf);
    }
    await runController({ name: "garbagecollector", queue, signal: ctx.signal, caches: [...informers.values()], sync: () => sync(ctx, informers) });
  },
};
