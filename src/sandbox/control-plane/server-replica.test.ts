import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planControlPlane } from "./control-plane-plan.js";
import { planServerReplicas } from "./server-replica.js";

describe("planServerReplicas", () => {
  const cp = planControlPlane({ id: "ab12", machines: 3 });
  const base = { store: "etcd://172.17.8.11:2379,172.17.8.12:2379", dataRoot: "/var/lib/svcnet/servers", nodePath: "/usr/bin/node", svcnetBin: "/opt/svcnet/bin/svcnet.js" };

  it("puts replica i on machine cp-i, listening on every address, advertising the machine's", () => {
    const plans = planServerReplicas(cp, { ...base, count: 2, extraArgs: ["--leader-elect-lease-duration", "5s"] });
    assert.deepEqual(
      plans.map((p) => [p.name, p.address, p.dataDir]),
      [
        ["cp-1", { ip: "172.17.8.11", port: 6443 }, "/var/lib/svcnet/servers/cp-1"],
        ["cp-2", { ip: "172.17.8.12", port: 6443 }, "/var/lib/svcnet/servers/cp-2"],
      ],
    );
    assert.deepEqual(plans[1].argv, [
      "ip", "netns", "exec", "svcnet-ab12-cp-2",
      "/usr/bin/node", "/opt/svcnet/bin/svcnet.js", "server",
      "--store", "etcd://172.17.8.11:2379,172.17.8.12:2379",
      "--listen", "0.0.0.0:6443",
      "--advertise-address", "172.17.8.12",
      "--data-dir", "/var/lib/svcnet/servers/cp-2",
      "--leader-elect-lease-duration", "5s",
    ]);
  });

  it("takes another port", () => {
    assert.deepEqual(planServerReplicas(cp, { ...base, count: 1, port: 7443 })[0].address, { ip: "172.17.8.11", port: 7443 });
  });

  for (const count of [0, 4, 1.5]) {
    it(`refuses ${count} replicas on 3 machines`, () => {
      assert.throws(() => planServerReplicas(cp, { ...base, count }), /from 1 to 3/);
    });
  }
});
