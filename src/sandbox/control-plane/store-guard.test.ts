import assert from "node:assert/strict";
import { test } from "node:test";
import { planControlPlane } from "./control-plane-plan.js";
import { planEtcdCluster } from "./etcd-member-plan.js";
import { STORE_GUARD_TABLE, storeGuardRules } from "./store-guard.js";

test("store guard: the etcd ports answer only the control-plane machines and loopback", () => {
  const plan = planEtcdCluster(planControlPlane({ id: "ab12", machines: 3 }), { dataRoot: "/tmp/x" });
  const rules = storeGuardRules(plan).trim().split("\n");
  assert.deepEqual(rules, [
    `add table inet ${STORE_GUARD_TABLE}`,
    `delete table inet ${STORE_GUARD_TABLE}`,
    `add table inet ${STORE_GUARD_TABLE}`,
    `add chain inet ${STORE_GUARD_TABLE} input { type filter hook input priority 0 ; policy accept ; }`,
    `add rule inet ${STORE_GUARD_TABLE} input iifname "lo" accept`,
    `add rule inet ${STORE_GUARD_TABLE} input tcp dport { 2379, 2380 } ip saddr { 172.17.8.11, 172.17.8.12, 172.17.8.13 } accept`,
    `add rule inet ${STORE_GUARD_TABLE} input tcp dport { 2379, 2380 } counter reject with tcp reset`,
  ]);
});

test("store guard: other ports follow the plan", () => {
  const plan = planEtcdCluster(planControlPlane({ id: "ab12", machines: 1 }), { dataRoot: "/tmp/x", clientPort: 12379, peerPort: 12380 });
  assert.match(storeGuardRules(plan), /tcp dport \{ 12379, 12380 \} ip saddr \{ 172\.17\.8\.11 \} accept/);
});
