// Services: cluster IPs and node ports are allocated at admission (after validation, before
// storage) and released after delete, through the store-backed ServiceAllocator so that
// several API servers on one etcd never hand out the same value. (Kubernetes' update fixups —
// keep allocated values a client left out, drop what a new type no longer uses — run in the
// generic strategy through the Service admission's prepareForUpdate.)

import type { KubeObject, Service } from "../api/types.js";
import type { ServiceAllocator } from "./service-allocation.js";
import type { ResourceStrategy } from "./strategy.js";

export function serviceStrategyOverrides(base: ResourceStrategy, allocator: ServiceAllocator): Partial<ResourceStrategy> {
  return {
    prepareForCreate(obj, ctx) {
      base.prepareForCreate(obj, ctx);
      (obj as Service).status = { loadBalancer: {} };
    },
    async admitCreate(obj, ctx) {
      const rollback = await allocator.allocateForCreate(obj as Service, { dryRun: ctx.dryRun });
      return { commit: async () => {}, rollback };
    },
    async admitUpdate(obj, old, ctx) {
      if (ctx.subresource !== "") return { commit: async () => {}, rollback: async () => {} };
      return allocator.allocateForUpdate(old as Service, obj as Service, { dryRun: ctx.dryRun });
    },
    async afterDelete(obj: KubeObject) {
      await allocator.releaseForDelete(obj as Service);
    },
  };
}
