import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONDITION_ADDRESS_ASSIGNED } from "../../api/metallb-types.js";
import type { Service } from "../../api/types.js";
import type { LoadBalancerOutcome } from "./lb-status.js";
import { carriesAllocatorState, planStatus, poolAddressesInStatus, quotedList } from "./lb-status.js";
import { makeService } from "./test-fixtures.js";

const now = Date.parse("2024-05-01T10:00:00Z");
const before = "2024-04-01T00:00:00Z";

const assignedFrom = (pool: string, ips: string[]) => (s: Service) => {
  s.metadata.annotations = { "metallb.io/ip-allocated-from-pool": pool };
  s.status = {
    loadBalancer: { ingress: ips.map((ip) => ({ ip, ipMode: "VIP" as const })) },
    conditions: [{ type: CONDITION_ADDRESS_ASSIGNED, status: "True", reason: "Assigned", message: `assigned ${ips.join(", ")} from IPAddressPool "${pool}"`, lastTransitionTime: before }],
  };
};
const pendingWith = (reason: string, message: string) => (s: Service) => {
  s.status = { loadBalancer: {}, conditions: [{ type: CONDITION_ADDRESS_ASSIGNED, status: "False", reason, message, lastTransitionTime: before }] };
};

describe("planStatus", () => {
  const cases: {
    name: string;
    svc: (s: Service) => void;
    outcome: LoadBalancerOutcome;
    write: boolean;
    ingress?: string[];
    condition?: [status: string, reason: string, since: string] | null;
    annotation?: string | null;
    events?: string[];
  }[] = [
    {
      name: "a new pool assignment",
      svc: () => {},
      outcome: { kind: "pool", pool: "default", ips: ["172.17.8.201"] },
      write: true,
      ingress: ["172.17.8.201"],
      condition: ["True", "Assigned", "2024-05-01T10:00:00Z"],
      annotation: "default",
      events: ['Normal IPAllocated Assigned IP ["172.17.8.201"]'],
    },
    { name: "nothing to change", svc: assignedFrom("default", ["172.17.8.201"]), outcome: { kind: "pool", pool: "default", ips: ["172.17.8.201"] }, write: false },
    {
      name: "moved to another address: transition time kept (still True)",
      svc: assignedFrom("default", ["172.17.8.201"]),
      outcome: { kind: "pool", pool: "default", ips: ["172.17.8.202"] },
      write: true,
      ingress: ["172.17.8.202"],
      condition: ["True", "Assigned", before],
      events: ['Normal IPAllocated Assigned IP ["172.17.8.202"]'],
    },
    {
      name: "pool mode to node-IP mode drops the annotation",
      svc: assignedFrom("default", ["172.17.8.201"]),
      outcome: { kind: "nodes", ips: ["172.17.8.101", "172.17.8.102"] },
      write: true,
      ingress: ["172.17.8.101", "172.17.8.102"],
      annotation: null,
      events: ["Normal UpdatedIngressIP LoadBalancer Ingress IP addresses updated: 172.17.8.101, 172.17.8.102"],
    },
    {
      name: "assigned to pending",
      svc: assignedFrom("default", ["172.17.8.201"]),
      outcome: { kind: "pending", reason: "PoolExhausted", message: "no free address" },
      write: true,
      ingress: [],
      condition: ["False", "PoolExhausted", "2024-05-01T10:00:00Z"],
      annotation: null,
      events: ['Warning AllocationFailed Failed to allocate IP for "default/svc": no free address'],
    },
    { name: "the same pending reason again: no write, no event", svc: pendingWith("PoolExhausted", "no free address"), outcome: { kind: "pending", reason: "PoolExhausted", message: "no free address" }, write: false },
    {
      name: "another pending reason",
      svc: pendingWith("PoolExhausted", "no free address"),
      outcome: { kind: "pending", reason: "UnknownPool", message: "no pool" },
      write: true,
      condition: ["False", "UnknownPool", before],
      events: ['Warning AllocationFailed Failed to allocate IP for "default/svc": no pool'],
    },
    {
      name: "released: ingress, condition and annotation removed",
      svc: assignedFrom("default", ["172.17.8.201"]),
      outcome: { kind: "released" },
      write: true,
      ingress: [],
      condition: null,
      annotation: null,
      events: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const svc = makeService("default", "svc", c.svc);
      const plan = planStatus(svc, c.outcome, { key: "default/svc", now });
      assert.equal(plan.next !== undefined, c.write);
      if (!plan.next) return assert.deepEqual(plan.events, []);
      const next = plan.next;
      if (c.ingress) assert.deepEqual(next.status?.loadBalancer?.ingress?.map((i) => `${i.ip}/${i.ipMode}`) ?? [], c.ingress.map((ip) => `${ip}/VIP`));
      const cond = next.status?.conditions?.find((x) => x.type === CONDITION_ADDRESS_ASSIGNED);
      if (c.condition === null) assert.equal(cond, undefined);
      else if (c.condition) assert.deepEqual([cond?.status, cond?.reason, cond?.lastTransitionTime], c.condition);
      const ann = next.metadata.annotations?.["metallb.io/ip-allocated-from-pool"];
      if (c.annotation === null) assert.equal(ann, undefined);
      else if (c.annotation) assert.equal(ann, c.annotation);
      if (c.events) assert.deepEqual(plan.events.map((e) => `${e.type} ${e.reason} ${e.message}`), c.events);
    });
  }

  it("keeps other conditions and annotations", () => {
    const svc = makeService("default", "svc", (s) => {
      s.metadata.annotations = { team: "a" };
      s.status = { conditions: [{ type: "Other", status: "True" }] };
    });
    const next = planStatus(svc, { kind: "pool", pool: "p", ips: ["10.9.0.1"] }, { key: "default/svc", now }).next;
    assert.deepEqual(next?.metadata.annotations, { team: "a", "metallb.io/ip-allocated-from-pool": "p" });
    assert.deepEqual(next?.status?.conditions?.map((c) => c.type), ["Other", CONDITION_ADDRESS_ASSIGNED]);
  });
});

describe("reading the allocator's marks", () => {
  it("pool addresses are those under the pool annotation (either prefix)", () => {
    assert.deepEqual(poolAddressesInStatus(makeService("default", "a", assignedFrom("p", ["10.9.0.1"]))), { ips: ["10.9.0.1"], pool: "p" });
    const old = makeService("default", "a", (s) => {
      assignedFrom("p", ["10.9.0.1"])(s);
      s.metadata.annotations = { "metallb.universe.tf/ip-allocated-from-pool": "p" };
    });
    assert.deepEqual(poolAddressesInStatus(old), { ips: ["10.9.0.1"], pool: "p" });
    const nodes = makeService("default", "a", (s) => (s.status = { loadBalancer: { ingress: [{ ip: "172.17.8.101" }] } }));
    assert.equal(poolAddressesInStatus(nodes), undefined, "node-IP mode addresses are not pool addresses");
  });
  it("knows what it wrote", () => {
    assert.equal(carriesAllocatorState(makeService("default", "a")), false);
    assert.equal(carriesAllocatorState(makeService("default", "a", pendingWith("UnknownPool", "x"))), true);
  });
  it("prints lists as MetalLB's events do", () => assert.equal(quotedList(["172.17.8.201", "fd00::1"]), '["172.17.8.201" "fd00::1"]'));
});
