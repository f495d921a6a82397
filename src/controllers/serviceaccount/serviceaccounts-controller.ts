// kube-controller-manager's `serviceaccount` controller: every active namespace has the service
// accounts pods run as by default (just `default`). A namespace that appears or changes is
// checked; a deleted service account sends its namespace back to the queue, so it is made
// again. Terminating namespaces are left alone (and a create the API refuses because the
// namespace began terminating meanwhile is dropped).

import type { Namespace, ServiceAccount } from "../../api/types.js";
import { WorkQueue, isAlreadyExists, isNotFound, objectOf, runController } from "../../client/index.js";
import type { Controller } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { isNamespaceTerminating } from "../endpoints/namespace-terminating.js";

/** The service accounts every namespace gets (kube-controller-manager's default list). */
export const defaultServiceAccounts: readonly string[] = ["default"];

/** Which of `wanted` an active namespace still lacks; none for a namespace that is not Active. */
export function missingServiceAccounts(ns: Namespace | undefined, exists: (name: string) => boolean, wanted: readonly string[] = defaultServiceAccounts): string[] {
  if (!ns || ns.status?.phase !== "Active") return [];
  return wanted.filter((name) => !exists(name));
}

export const serviceAccountsController: Controller = {
  name: "serviceaccount",
  async run(ctx) {
    const namespaces = ctx.factory.informerFor<Namespace>(resource("", "v1", "namespaces"));
    const accounts = ctx.factory.informerFor<ServiceAccount>(resource("", "v1", "serviceaccounts"));
    const client = ctx.client<ServiceAccount>(resource("", "v1", "serviceaccounts"));
    const queue = new WorkQueue<string>({ clock: ctx.clock });
    const enqueueNamespace = (o: unknown): void => queue.add((o as Namespace).metadata.name ?? "");
    namespaces.addEventHandler({ onAdd: enqueueNamespace, onUpdate: (_old, o) => enqueueNamespace(o) });
    accounts.addEventHandler({ onDelete: (o) => queue.add(objectOf(o).metadata.namespace ?? "") });
    await runController({
      name: "serviceaccount",
      queue,
      signal: ctx.signal,
      caches: [namespaces, accounts],
      async sync(name) {
        const ns = namespaces.lister.get(undefined, name);
        for (const sa of missingServiceAccounts(ns, (n) => accounts.lister.get(name, n) !== undefined)) {
          try {
            await client.create({ metadata: { name: sa, namespace: name } });
          } catch (e) {
            if (!isAlreadyExists(e) && !isNotFound(e) && !isNamespaceTerminating(e)) throw e;
          }
        }
      },
    });
  },
};
