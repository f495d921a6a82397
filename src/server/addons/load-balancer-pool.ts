// The LoadBalancer add-on of `svcnet up`: the namespace MetalLB's users keep pools in, one pool on
// the sandbox's node network and an L2Advertisement for it, so that `type: LoadBalancer` gets a
// reachable address on first run. Created once; a user's edits are kept (see apply-addon.ts).

import type { IPAddressPool, L2Advertisement } from "../../api/metallb-types.js";
import { METALLB_API_VERSION, METALLB_NAMESPACE } from "../../api/metallb-types.js";
import type { KubeObject, Namespace } from "../../api/types.js";

export interface LoadBalancerPoolOptions {
  /** The pool's addresses, e.g. ["172.17.8.201-172.17.8.250"]. */
  addresses: string[];
  /** The pool's and the advertisement's name. */
  name: string;
}

/**
 * The sandbox's node network is 172.17.8.0/24: nodes from .101, the outside client at .200, so
 * the pool takes the fifty addresses after it.
 */
export const defaultLoadBalancerPool: LoadBalancerPoolOptions = { addresses: ["172.17.8.201-172.17.8.250"], name: "default" };

export function loadBalancerPoolObjects(o: LoadBalancerPoolOptions = defaultLoadBalancerPool): KubeObject[] {
  const labels = { "app.kubernetes.io/managed-by": "svcnet" };
  const namespace: Namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: METALLB_NAMESPACE, labels } };
  const pool: IPAddressPool = {
    apiVersion: METALLB_API_VERSION,
    kind: "IPAddressPool",
    metadata: { name: o.name, namespace: METALLB_NAMESPACE, labels },
    spec: { addresses: [...o.addresses], autoAssign: true, avoidBuggyIPs: true },
  };
  const advertisement: L2Advertisement = {
    apiVersion: METALLB_API_VERSION,
    kind: "L2Advertisement",
    metadata: { name: o.name, namespace: METALLB_NAMESPACE, labels },
    spec: { ipAddressPools: [o.name] },
  };
  return [namespace, pool, advertisement];
}
