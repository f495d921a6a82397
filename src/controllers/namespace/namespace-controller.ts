// Empties namespaces that are being deleted, as Kubernetes' namespace controller does: every
// namespaced object in them is deleted; once none is left, the `kubernetes` finalizer is
// cleared through /finalize and the API server removes the namespace. While objects are still
// finishing (graceful pods, finalizers) the namespace is checked again shortly.

import { deepCopy } from "../../api/json.js";
import { resources } from "../../api/resources.js";
import type { Namespace } from "../../api/types.js";
import { WorkQueue, isConflict, isNotFound, keyOf, runController } from "../../client/index.js";
import type { Controller, ControllerContext } from "../controller-context.js";
import { resource } from "../controller-context.js";

const recheckMs = 1000;

/** Deletes what is left in the namespace; returns how many objects still exist. */
async function emptyNamespace(ctx: ControllerContext, ns: string): Promise<number> {
  let remaining = 0;
  for (const r of resources) {
    if (!r.namespaced || !r.verbs.includes("deletecollection")) continue;
    const client = ctx.client(r);
    await client.deleteCollection(ns, { propagationPolicy: "Background" });
    remaining += (await client.list(ns)).items.length;
  }
  return remaining;
}

export const namespaceController: Controller = {
  name: "namespace",
  async run(ctx) {
    const namespaces = ctx.factory.informerFor<Namespace>(resource("", "v1", "namespaces"));
    const queue = new WorkQueue<string>({ clock: ctx.clock });
    const enqueue = (o: unknown): void => queue.add(keyOf(o as Namespace));
    namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_old, o) => enqueue(o), onDelete: () => {} });
    await runController({
      name: "namespace",
      queue,
      signal: ctx.signal,
      caches: [namespaces],
      async sync(name) {
        const ns = namespaces.lister.get(undefined, name);
        if (!ns?.metadata.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes("kubernetes")) return;
        if ((await emptyNamespace(ctx, name)) > 0) {
          queue.addAfter(name, recheckMs);
          return;
        }
        const next = deepCopy(ns);
        next.spec = { finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== "kubernetes") };
        try {
          await ctx.client<Namespace>(resource("", "v1", "namespaces")).updateSubresource(next, "finalize");
        } catch (e) {
          if (isConflict(e)) queue.addAfter(name, 50);
          else if (!isNotFound(e)) throw e;
        }
      },
    });
  },
};
