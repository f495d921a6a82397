// Empties namespaces that are being deleted: deletes every namespaced object in them, and
// once nothing is left, clears the `kubernetes` finalizer through /finalize so the namespace
// itself goes — the same two steps as Kubernetes' namespace controller.

import { resources, findResource } from "../api/resources.js";
import type { Namespace } from "../api/types.js";
import type { Registry } from "../registry/registry.js";

export class NamespaceController {
  readonly #registry: Registry;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  async reconcile(): Promise<void> {
    const nsResource = findResource("", "v1", "namespaces");
    if (!nsResource) return;
    const list = await this.#registry.list(nsResource, undefined, { resourceVersion: "0" });
    for (const ns of list.items as Namespace[]) {
      if (!ns.metadata.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes("kubernetes")) continue;
      const name = ns.metadata.name ?? "";
      let remaining = 0;
      for (const r of resources) {
        if (!r.namespaced) continue;
        const deleted = await this.#registry.deleteCollection(r, name, {}, { propagationPolicy: "Background" });
        remaining += deleted.items.filter((o) => o.metadata.deletionTimestamp).length;
      }
      if (remaining > 0) continue;
      await this.#registry.update(
        nsResource,
        undefined,
        name,
        { ...ns, spec: { finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== "kubernetes") } },
        { subresource: "finalize" },
      );
    }
  }
}
