// Defaults of MetalLB's kinds (metallb.io/v1beta1), applied as kube-apiserver applies a CRD's
// structural schema: null values of non-nullable fields are dropped, then every absent field
// with a schema `default` is set — for an IPAddressPool, spec.autoAssign true and
// spec.avoidBuggyIPs false. Mutates the object it is given.

import type { JsonObject } from "../json.js";
import { IP_ADDRESS_POOL_DEFINITION, L2_ADVERTISEMENT_DEFINITION } from "../schema/metallb-schemas.js";
import { applySchemaDefaults, dropNullFields } from "../schema/structural-schema.js";
import type { KubeObject } from "../types.js";

function defaultFromSchema(definition: string, obj: KubeObject): void {
  const o = obj as unknown as JsonObject;
  dropNullFields(definition, o);
  applySchemaDefaults(definition, o);
}

/** An IPAddressPool: autoAssign true and avoidBuggyIPs false when the spec leaves them out. */
export function defaultIPAddressPool(obj: KubeObject): void {
  defaultFromSchema(IP_ADDRESS_POOL_DEFINITION, obj);
}

/** An L2Advertisement: its schema has no defaults, only null fields are dropped. */
export function defaultL2Advertisement(obj: KubeObject): void {
  defaultFromSchema(L2_ADVERTISEMENT_DEFINITION, obj);
}
