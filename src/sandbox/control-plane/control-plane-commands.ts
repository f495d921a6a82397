// The `ip` argument lists that realise a ControlPlanePlan, in order. Pure: the runner only runs
// them. As in topology-commands.ts, each veth is created with its far end already inside its
// target namespace, so nothing ever appears in the machine's root namespace.

import { underlayCommands, underlayMemberCommands } from "../topology-commands.js";
import type { ControlPlaneMachinePlan, ControlPlanePlan } from "./control-plane-plan.js";

/** Commands creating the underlay namespace and its address-less bridge (when no sandbox made it). */
export function controlPlaneUnderlayCommands(plan: ControlPlanePlan): string[][] {
  return underlayCommands(plan);
}

/** Commands creating one machine's namespace with eth0 on the underlay bridge. */
export function machineCommands(plan: ControlPlanePlan, machine: ControlPlaneMachinePlan): string[][] {
  return underlayMemberCommands(plan.underlay, { netns: machine.netns, dev: machine.underlayDev, underlayPeer: machine.underlayPeer, ip: machine.ip, ipPrefixLength: machine.ipPrefixLength });
}

/**
 * Commands cutting a machine off the underlay (its peer on br0 goes down) or joining it again:
 * a "machine" losing its network while its processes live on.
 */
export function machineLinkCommands(plan: ControlPlanePlan, machine: ControlPlaneMachinePlan, up: boolean): string[][] {
  return [["-n", plan.underlay.netns, "link", "set", machine.underlayPeer, up ? "up" : "down"]];
}
