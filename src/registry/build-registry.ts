// Assembles the registry with every resource's strategy: the generic one, plus what services
// (allocation), pods (service account admission, graceful deletion), namespaces (two-step
// deletion), IPAddressPools (no overlap between pools) and CertificateSigningRequests (the
// requester recorded, immutable but for /status and /approval) do differently.

import { parseCIDR } from "../allocators/cidr.js";
import { resources } from "../api/resources.js";
import type { ResourceInfo } from "../api/resources.js";
import { CERTIFICATES_GROUP } from "../api/certificates-types.js";
import type { Store } from "../storage/store.js";
import { csrStrategyOverrides } from "./csr-strategy.js";
import { genericStrategy } from "./generic-strategy.js";
import { ipAddressPoolStrategyOverrides } from "./ip-address-pool-strategy.js";
import { namespaceStrategyOverrides } from "./namespace-strategy.js";
import { podStrategyOverrides } from "./pod-strategy.js";
import type { FieldTracker, ObjectCache } from "./registry.js";
import { Registry } from "./registry.js";
import { ServiceAllocator } from "./service-allocation.js";
import { serviceStrategyOverrides } from "./service-strategy.js";
import type { ServiceAccountLookupOptions } from "./service-account-admission.js";
import type { ResourceStrategy } from "./strategy.js";

export interface BuildRegistryOptions {
  store: Store;
  cache: ObjectCache;
  serviceCIDR: string;
  nodePortRange: string;
  now?: () => Date;
  fieldTracker?: FieldTracker;
  /** How pod admission waits for a `default` service account that does not exist yet. */
  serviceAccountLookup?: ServiceAccountLookupOptions;
}

export function buildRegistry(o: BuildRegistryOptions): { registry: Registry; allocator: ServiceAllocator } {
  const allocator = new ServiceAllocator({ store: o.store, serviceCIDR: o.serviceCIDR, nodePortRange: o.nodePortRange });
  const strategies = new Map<ResourceInfo, ResourceStrategy>();
  const registry: Registry = new Registry({ store: o.store, cache: o.cache, strategies, now: o.now, fieldTracker: o.fieldTracker });
  // Services are defaulted and validated against the family of the service range (an IPv6 range
  // makes an IPv6 cluster); without this, every Service would be IPv4 whatever the range.
  const serviceIPFamilies = [parseCIDR(o.serviceCIDR)?.family ?? "IPv4"];
  for (const r of resources) {
    const base = genericStrategy(r, {}, r.group === "" && r.resource === "services" ? { serviceIPFamilies } : {});
    let overrides: Partial<ResourceStrategy> = {};
    if (r.group === "" && r.resource === "services") overrides = serviceStrategyOverrides(base, allocator);
    if (r.group === "" && r.resource === "pods") overrides = podStrategyOverrides(base, () => registry, { serviceAccountLookup: o.serviceAccountLookup });
    if (r.group === "" && r.resource === "namespaces") overrides = namespaceStrategyOverrides(base);
    if (r.group === "metallb.io" && r.resource === "ipaddresspools") overrides = ipAddressPoolStrategyOverrides(r, () => registry);
    if (r.group === CERTIFICATES_GROUP && r.resource === "certificatesigningrequests") overrides = csrStrategyOverrides(base);
    strategies.set(r, { ...base, ...overrides });
  }
  return { registry, allocator };
}
