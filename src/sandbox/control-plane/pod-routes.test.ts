import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planTopology } from "../topology-plan.js";
import { planControlPlane } from "./control-plane-plan.js";
import { podRouteCommands } from "./pod-routes.js";

describe("podRouteCommands", () => {
  it("routes every node's pod range via the node from every machine", () => {
    const cp = planControlPlane({ id: "ab12", machines: 2 });
    const topology = planTopology({ id: "ab12", nodes: 2 });
    assert.deepEqual(podRouteCommands(cp.machines, topology.nodes).map((c) => c.join(" ")), [
      "-n svcnet-ab12-cp-1 route add 10.1.13.0/24 via 172.17.8.101 dev eth0",
      "-n svcnet-ab12-cp-1 route add 10.1.14.0/24 via 172.17.8.102 dev eth0",
      "-n svcnet-ab12-cp-2 route add 10.1.13.0/24 via 172.17.8.101 dev eth0",
      "-n svcnet-ab12-cp-2 route add 10.1.14.0/24 via 172.17.8.102 dev eth0",
    ]);
  });
  it("adds nothing without nodes", () => {
    assert.deepEqual(podRouteCommands(planControlPlane({ id: "ab12", machines: 3 }).machines, []), []);
  });
});
