// The `ip` argument lists that realise a ControlPlanePlan, in order. Pure: the runner only runs
// them. As in topology-commands.ts, each veth is created with its far end already inside its
// target namespace, so nothing ever appears in the machine's root namespace.

import type { ControlPlaneMachinePlan, ControlPlanePlan } from "./control-plane-plan.js";

/** Commands creating the underlay namespace and its address-less bridge (when no sandbox made it). */
export function controlPlaneUnderlayCommands(plan: ControlPlanePlan): string[][] {
  const { netns, bridge } = plan.underlay;
  return [
    ["netns", "add", netns],
    ["-n", netns, "link", "set", "lo", "up"],
    ["-n", netns, "link", "add", "name", bridge, "type", "bridge"],
    ["-n", netns, "link", "set", bridge, "up"],
  ];
}

/** Commands creating one machine's namespace with eth0 on the underlay bridge. */
export function machineCommands(plan: ControlPlanePlan, machine: ControlPlaneMachinePlan): string[][] {
  const ns = machine.netns;
  const { netns: underlay, bridge } = plan.underlay;
  return [
    ["netns", "add", ns],
    ["-n", ns, "link", "set", "lo", "up"],
    ["-n", underlay, "link", "add", "name", machine.underlayPeer, "type", "veth", "peer", "name", machine.underlayDev, "netns", ns],
    ["-n", underlay, "link", "set", machine.underlayPeer, "master", bridge],
    ["-n", underlay, "link", "set", machine.underlayPeer, "up"],
    ["-n", ns, "addr", "add", `${machine.ip}/${machine.ipPrefixLength}`, "dev", machine.underlayDev],
    ["-n", ns, "link", "set", machine.underlayDev, "up"],
  ];
}

/**
 * Commands cutting a machine off the underlay (its peer on br0 goes down) or joining it again:
 * a "machine" losing its network while its processes live on.
 */
export function machineLinkCommands(plan: ControlPlanePlan, machine: ControlPlaneMachinePlan, up: boolean): string[][] {
  return [["-n", plan.underlay.netns, "link", "set", machine.underlayPeer, up ? "up" : "down"]];
}
