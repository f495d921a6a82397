import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planControlPlane } from "./control-plane-plan.js";
import { inNetns, planEtcdCluster } from "./etcd-member-plan.js";

describe("planEtcdCluster", () => {
  const cp = planControlPlane({ id: "ab12", machines: 3 });

  it("gives the exact argv of member 1 of 3", () => {
    const plan = planEtcdCluster(cp, { dataRoot: "/var/lib/svcnet/etcd/" });
    assert.equal(plan.token, "svcnet-ab12");
    assert.equal(plan.initialCluster, "etcd-1=http://172.17.8.11:2380,etcd-2=http://172.17.8.12:2380,etcd-3=http://172.17.8.13:2380");
    assert.deepEqual(plan.clientUrls, ["http://172.17.8.11:2379", "http://172.17.8.12:2379", "http://172.17.8.13:2379"]);
    assert.equal(plan.storeSpec, "etcd://172.17.8.11:2379,172.17.8.12:2379,172.17.8.13:2379");
    const [one] = plan.members;
    assert.equal(one.name, "etcd-1");
    assert.equal(one.machine.netns, "svcnet-ab12-cp-1");
    assert.equal(one.dataDir, "/var/lib/svcnet/etcd/etcd-1");
    assert.equal(one.localClientUrl, "http://127.0.0.1:2379");
    assert.deepEqual(one.argv, [
      "/usr/bin/etcd",
      "--name=etcd-1",
      "--data-dir=/var/lib/svcnet/etcd/etcd-1",
      "--listen-client-urls=http://172.17.8.11:2379,http://127.0.0.1:2379",
      "--advertise-client-urls=http://172.17.8.11:2379",
      "--listen-peer-urls=http://172.17.8.11:2380",
      "--initial-advertise-peer-urls=http://172.17.8.11:2380",
      "--initial-cluster=etcd-1=http://172.17.8.11:2380,etcd-2=http://172.17.8.12:2380,etcd-3=http://172.17.8.13:2380",
      "--initial-cluster-state=new",
      "--initial-cluster-token=svcnet-ab12",
      "--heartbeat-interval=50",
      "--election-timeout=500",
      "--pre-vote=true",
      "--snapshot-count=10000",
      "--quota-backend-bytes=2147483648",
      "--logger=zap",
      "--log-level=warn",
      "--log-outputs=stderr",
    ]);
  });

  const cases: { name: string; options: Parameters<typeof planEtcdCluster>[1]; member: number; want: string[] }[] = [
    { name: "member 3 listens on its own address", options: { dataRoot: "/d" }, member: 2, want: ["--name=etcd-3", "--data-dir=/d/etcd-3", "--listen-client-urls=http://172.17.8.13:2379,http://127.0.0.1:2379", "--listen-peer-urls=http://172.17.8.13:2380"] },
    { name: "other ports", options: { dataRoot: "/d", clientPort: 12379, peerPort: 12380 }, member: 0, want: ["--listen-client-urls=http://172.17.8.11:12379,http://127.0.0.1:12379", "--listen-peer-urls=http://172.17.8.11:12380"] },
    { name: "other timeouts and binary", options: { dataRoot: "/d", heartbeatMs: 100, electionTimeoutMs: 1000, binary: "/opt/etcd" }, member: 0, want: ["/opt/etcd", "--heartbeat-interval=100", "--election-timeout=1000"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const argv = planEtcdCluster(cp, c.options).members[c.member].argv;
      for (const flag of c.want) assert.ok(argv.includes(flag), `${flag} missing from ${argv.join(" ")}`);
    });
  }

  it("gives every member the same --initial-cluster and token, and its own data dir", () => {
    const plan = planEtcdCluster(cp, { dataRoot: "/d" });
    const flag = (argv: string[], name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`));
    assert.equal(new Set(plan.members.map((m) => flag(m.argv, "initial-cluster"))).size, 1);
    assert.equal(new Set(plan.members.map((m) => flag(m.argv, "initial-cluster-token"))).size, 1);
    assert.equal(new Set(plan.members.map((m) => m.dataDir)).size, 3);
  });

  it("runs a command inside a namespace with ip netns exec", () => {
    assert.deepEqual(inNetns("svcnet-ab12-cp-2", ["/usr/bin/etcd", "--name=etcd-2"]), ["ip", "netns", "exec", "svcnet-ab12-cp-2", "/usr/bin/etcd", "--name=etcd-2"]);
  });
});
