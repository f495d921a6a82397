// Routes from the control-plane machines to the nodes' pod ranges (host-gw, as the nodes route
// to each other). A pod reaching an API server replica through the `kubernetes` Service keeps its
// own address as the source, so the replica's machine needs a way back to that pod. Pure: the
// `ip` argument lists only.

import type { NodePlan } from "../topology-plan.js";
import type { ControlPlaneMachinePlan } from "./control-plane-plan.js";

/** One `ip -n <machine> route add <podCidr> via <node ip> dev eth0` per machine and node. */
export function podRouteCommands(machines: readonly ControlPlaneMachinePlan[], nodes: readonly Pick<NodePlan, "podCidr" | "ip">[]): string[][] {
  return machines.flatMap((m) => nodes.map((n) => ["-n", m.netns, "route", "add", n.podCidr, "via", n.ip, "dev", m.underlayDev]));
}
