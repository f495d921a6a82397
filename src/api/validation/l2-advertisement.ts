// metallb.io/v1beta1 L2Advertisement validation: the CRD's schema, then pool names that are
// object names, well-formed pool and node selectors, network interface names the kernel would
// accept, and no pool or selector listed twice (MetalLB refuses repeats).

import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import { L2_ADVERTISEMENT_DEFINITION } from "../schema/metallb-schemas.js";
import type { KubeObject } from "../types.js";
import { validateDNS1123Subdomain } from "./common.js";
import { validateMetalLBCreate, validateMetalLBStatusUpdate, validateMetalLBUpdate, validateNoRepeats, validateSelectorList } from "./metallb-common.js";
import { byteLength } from "./names.js";
import { list, rec, str } from "./read.js";

/** Linux's IFNAMSIZ less the terminating NUL: the longest interface name. */
const maxInterfaceNameBytes = 15;

/**
 * The messages for a network interface name the Linux kernel would refuse (its dev_valid_name):
 * empty, longer than 15 bytes, "." or "..", or containing '/', ':' or white space.
 */
export function isInterfaceName(value: string): string[] {
  if (value === "") return ["must be non-empty"];
  const errs: string[] = [];
  if (byteLength(value) > maxInterfaceNameBytes) errs.push(`must be no more than ${maxInterfaceNameBytes} bytes`);
  if (value === "." || value === "..") errs.push(`must not be "." or ".."`);
  if (/[/:\s]/.test(value)) errs.push("must not contain '/', ':' or white space");
  return errs;
}

function validateInterfaces(value: unknown, p: FieldPath): FieldError[] {
  return list(value).flatMap((v, i) => {
    const name = str(v);
    return isInterfaceName(name).map((m) => fieldErrors.invalid(p.index(i), name, m));
  });
}

function specRules(adv: KubeObject): () => FieldError[] {
  return () => {
    const spec = rec(adv.spec);
    const p = path("spec");
    const pools = list(spec.ipAddressPools).map(str);
    return [
      ...pools.flatMap((name, i) => validateDNS1123Subdomain(name, p.child("ipAddressPools").index(i))),
      ...validateNoRepeats(pools, p.child("ipAddressPools")),
      ...validateSelectorList(spec.ipAddressPoolSelectors, p.child("ipAddressPoolSelectors")),
      ...validateSelectorList(spec.nodeSelectors, p.child("nodeSelectors")),
      ...validateInterfaces(spec.interfaces, p.child("interfaces")),
    ];
  };
}

/** An L2Advertisement on create. */
export function validateL2Advertisement(adv: KubeObject): FieldError[] {
  return validateMetalLBCreate(L2_ADVERTISEMENT_DEFINITION, adv, specRules(adv));
}

/** An L2Advertisement update of the main resource. */
export function validateL2AdvertisementUpdate(adv: KubeObject, old: KubeObject): FieldError[] {
  return validateMetalLBUpdate(L2_ADVERTISEMENT_DEFINITION, adv, old, specRules(adv));
}

/** A write of L2Advertisement status: the schema only. */
export function validateL2AdvertisementStatusUpdate(adv: KubeObject, old: KubeObject): FieldError[] {
  return validateMetalLBStatusUpdate(L2_ADVERTISEMENT_DEFINITION, adv, old);
}
