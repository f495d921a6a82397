// The sandbox's control-plane "machines" as data: one network namespace per machine on the
// sandbox's underlay bridge, where an etcd member and a `svcnet server` replica run. Pure: no I/O.
//
// Layout (machine i is 1-based, at most MAX_CONTROL_PLANE_MACHINES):
//   svcnet-<id>-underlay   bridge br0, shared with the nodes (topology-plan.ts); created by
//                          whoever comes first, the sandbox or the control plane
//   svcnet-<id>-cp-<i>     eth0 = 172.17.8.(10+i)/24 (veth peer `veth-cp<i>` on br0), lo up;
//                          no other route: the machines only talk to the underlay
// The underlay addresses stay clear of the nodes (.101…), the outside client (.200) and the
// LoadBalancer pool (.201-.250).

import { sandboxPrefix, TopologyError } from "../topology-plan.js";

/** Most control-plane machines one sandbox can hold (addresses .11-.19). */
export const MAX_CONTROL_PLANE_MACHINES = 9;

/** What to plan: the sandbox id (as planTopology takes it) and the machine count. */
export interface ControlPlaneOptions {
  id: string;
  machines: number;
}

/** One control-plane machine: a namespace with one leg on the underlay. */
export interface ControlPlaneMachinePlan {
  /** 1-based position. */
  index: number;
  /** Short name, e.g. `cp-1`. */
  name: string;
  /** Network namespace, e.g. `svcnet-ab12-cp-1`. */
  netns: string;
  /** Its interface on the underlay (inside `netns`). */
  underlayDev: "eth0";
  /** The peer of `underlayDev`, attached to br0 in the underlay namespace, e.g. `veth-cp1`. */
  underlayPeer: string;
  /** Underlay address, e.g. 172.17.8.11. */
  ip: string;
  ipPrefixLength: number;
}

/** Every control-plane machine of one sandbox. */
export interface ControlPlanePlan {
  id: string;
  /** `svcnet-<id>-`: destroyByPrefix finds these namespaces by it. */
  prefix: string;
  /** The underlay namespace and bridge the machines attach to (the same as the sandbox's). */
  underlay: { netns: string; bridge: "br0" };
  machines: ControlPlaneMachinePlan[];
}

const UNDERLAY_NET = "172.17.8";
const UNDERLAY_PREFIX_LENGTH = 24;
const FIRST_HOST = 10;

/**
 * Plans `machines` control-plane namespaces of sandbox `id`. Throws TopologyError when the id is
 * not 1–16 lowercase letters/digits or the count is not an integer in 1..MAX_CONTROL_PLANE_MACHINES.
 */
export function planControlPlane(options: ControlPlaneOptions): ControlPlanePlan {
  const { id, machines } = options;
  if (!/^[a-z0-9]{1,16}$/.test(id)) {
    throw new TopologyError(`sandbox id ${JSON.stringify(id)} must be 1-16 lowercase letters or digits`);
  }
  if (!Number.isInteger(machines) || machines < 1 || machines > MAX_CONTROL_PLANE_MACHINES) {
    throw new TopologyError(`control-plane machine count ${machines} must be an integer from 1 to ${MAX_CONTROL_PLANE_MACHINES}`);
  }
  const prefix = sandboxPrefix(id);
  const planned = Array.from({ length: machines }, (_, k): ControlPlaneMachinePlan => {
    const index = k + 1;
    return {
      index,
      name: `cp-${index}`,
      netns: `${prefix}cp-${index}`,
      underlayDev: "eth0",
      underlayPeer: `veth-cp${index}`,
      ip: `${UNDERLAY_NET}.${FIRST_HOST + index}`,
      ipPrefixLength: UNDERLAY_PREFIX_LENGTH,
    };
  });
  return { id, prefix, underlay: { netns: `${prefix}underlay`, bridge: "br0" }, machines: planned };
}
