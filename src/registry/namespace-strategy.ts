// Namespaces are deleted in two steps, as in Kubernetes: DELETE marks the namespace
// Terminating; the namespace controller removes its content and then clears spec.finalizers
// through /finalize, after which the namespace goes.

import type { KubeObject, Namespace } from "../api/types.js";
import type { ResourceStrategy } from "./strategy.js";

export function namespaceStrategyOverrides(base: ResourceStrategy): Partial<ResourceStrategy> {
  return {
    prepareForCreate(obj, ctx) {
      base.prepareForCreate(obj, ctx);
      const ns = obj as Namespace;
      ns.status = { phase: "Active" };
      ns.spec = { finalizers: ns.spec?.finalizers ?? ["kubernetes"] };
    },
    prepareForUpdate(obj, old, ctx) {
      const specBefore = (obj as Namespace).spec;
      base.prepareForUpdate(obj, old, ctx);
      // Only /finalize may change spec.finalizers; the main resource and /status keep them.
      (obj as Namespace).spec = ctx.subresource === "finalize" ? { finalizers: specBefore?.finalizers ?? [] } : (old as Namespace).spec;
      if (ctx.subresource === "finalize") (obj as Namespace).status = (old as Namespace).status;
    },
    prepareForDeletion(obj: KubeObject): boolean {
      const ns = obj as Namespace;
      ns.status = { ...(ns.status ?? {}), phase: "Terminating" };
      return (ns.spec?.finalizers ?? []).length > 0;
    },
    deletionBlocked: (obj) => ((obj as Namespace).spec?.finalizers ?? []).length > 0,
  };
}
