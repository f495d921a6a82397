// What IPAddressPools do beyond the generic strategy: MetalLB's webhook refuses a pool whose
// addresses overlap another pool's, so admission lists the other pools of the namespace (from
// the watch cache, so it is cheap) and refuses the write with a field error for each clash.
// Two pools created at the same instant can both pass, as with MetalLB's webhook.

import { jsonEqual } from "../api/json.js";
import { ApiError } from "../api/errors.js";
import type { ResourceInfo } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import { poolOverlapErrors } from "../api/validation/ip-address-pool-overlap.js";
import type { Registry } from "./registry.js";
import type { ResourceStrategy } from "./strategy.js";
import { noAdmission } from "./strategy.js";

export function ipAddressPoolStrategyOverrides(r: ResourceInfo, registry: () => Registry): Partial<ResourceStrategy> {
  const refuseOverlaps = async (pool: KubeObject): Promise<void> => {
    const others = await registry().list(r, pool.metadata.namespace);
    const errs = poolOverlapErrors(pool, others.items);
    if (errs.length) throw ApiError.invalid(r.group, r.kind, pool.metadata.name ?? "", errs);
  };
  return {
    async admitCreate(obj) {
      await refuseOverlaps(obj);
      return noAdmission;
    },
    async admitUpdate(obj, old, ctx) {
      const addresses = (o: KubeObject): unknown => (o.spec as { addresses?: unknown } | undefined)?.addresses;
      if (ctx.subresource === "" && !jsonEqual(addresses(obj), addresses(old))) await refuseOverlaps(obj);
      return noAdmission;
    },
  };
}
