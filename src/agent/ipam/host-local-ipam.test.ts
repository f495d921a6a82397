import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import { HostLocalIpam } from "./host-local-ipam.js";
import type { IpamState } from "./ipam-state.js";
import { IpamError } from "./ipam-state.js";

/** Runs a script of operations and returns what each returned (or the error code it threw). */
type Op = ["allocate", string] | ["release", string] | ["adopt", string, string] | ["get", string];

function run(ipam: HostLocalIpam, ops: Op[]): unknown[] {
  return ops.map((op) => {
    try {
      switch (op[0]) {
        case "allocate":
          return ipam.allocate(op[1]).ip;
        case "release":
          return ipam.release(op[1]) ?? "none";
        case "adopt":
          return ipam.adopt(op[1], op[2]).ip;
        case "get":
          return ipam.get(op[1])?.ip ?? "none";
      }
    } catch (e) {
      if (e instanceof IpamError) return `error:${e.code}`;
      throw e;
    }
  });
}

test("HostLocalIpam allocates like CNI host-local", async (t) => {
  const cases: { name: string; cidr: string; state?: IpamState; ops: Op[]; want: unknown[] }[] = [
    {
      name: "first pod gets .2, gateway .1 is never handed out",
      cidr: "10.1.13.0/24",
      ops: [["allocate", "a"], ["allocate", "b"]],
      want: ["10.1.13.2", "10.1.13.3"],
    },
    {
      name: "allocate is idempotent per id",
      cidr: "10.1.13.0/24",
      ops: [["allocate", "a"], ["allocate", "a"], ["get", "a"]],
      want: ["10.1.13.2", "10.1.13.2", "10.1.13.2"],
    },
    {
      name: "a released address is not reused right away (round robin)",
      cidr: "10.1.13.0/24",
      ops: [["allocate", "a"], ["release", "a"], ["allocate", "a2"], ["get", "a"]],
      want: ["10.1.13.2", "10.1.13.2", "10.1.13.3", "none"],
    },
    {
      name: "release of an unknown id is a no-op",
      cidr: "10.1.13.0/24",
      ops: [["release", "ghost"]],
      want: ["none"],
    },
    {
      name: "/29 skips network, gateway, broadcast and wraps around",
      cidr: "10.1.13.0/29",
      ops: [
        ["allocate", "a"],
        ["allocate", "b"],
        ["allocate", "c"],
        ["allocate", "d"],
        ["allocate", "e"],
        ["allocate", "f"],
        ["release", "b"],
        ["allocate", "g"],
      ],
      want: ["10.1.13.2", "10.1.13.3", "10.1.13.4", "10.1.13.5", "10.1.13.6", "error:RangeFull", "10.1.13.3", "10.1.13.3"],
    },
    {
      name: "/30 has exactly one pod address",
      cidr: "10.1.13.4/30",
      ops: [["allocate", "a"], ["allocate", "b"]],
      want: ["10.1.13.6", "error:RangeFull"],
    },
    {
      name: "search resumes after the persisted lastReservedIP",
      cidr: "10.1.13.0/24",
      state: { range: "10.1.13.0/24", lastReservedIP: "10.1.13.9", allocations: { "10.1.13.10": "x" } },
      ops: [["allocate", "a"], ["get", "x"]],
      want: ["10.1.13.11", "10.1.13.10"],
    },
    {
      name: "lastReservedIP at the end wraps to the start",
      cidr: "10.1.13.0/24",
      state: { range: "10.1.13.0/24", lastReservedIP: "10.1.13.254", allocations: {} },
      ops: [["allocate", "a"]],
      want: ["10.1.13.2"],
    },
    {
      name: "state entries outside the range are ignored",
      cidr: "10.1.13.0/24",
      state: {
        range: "10.1.12.0/24",
        lastReservedIP: "10.1.12.7",
        allocations: { "10.1.12.7": "old", "10.1.13.1": "gw", "10.1.13.255": "bc", "nonsense": "n" },
      },
      ops: [["get", "old"], ["get", "gw"], ["get", "bc"], ["get", "n"], ["allocate", "a"]],
      want: ["none", "none", "none", "none", "10.1.13.2"],
    },
    {
      name: "adopt records a running pod without moving the search position",
      cidr: "10.1.13.0/24",
      ops: [["adopt", "p", "10.1.13.2"], ["adopt", "p", "10.1.13.2"], ["allocate", "a"]],
      want: ["10.1.13.2", "10.1.13.2", "10.1.13.3"],
    },
    {
      name: "adopt conflicts",
      cidr: "10.1.13.0/24",
      ops: [
        ["allocate", "a"],
        ["adopt", "b", "10.1.13.2"],
        ["adopt", "a", "10.1.13.7"],
        ["adopt", "c", "10.1.13.1"],
        ["adopt", "c", "10.1.14.7"],
      ],
      want: ["10.1.13.2", "error:Conflict", "error:Conflict", "error:Conflict", "error:Conflict"],
    },
    {
      name: "IPv6 range",
      cidr: "fd00:10:1:13::/64",
      ops: [["allocate", "a"], ["allocate", "b"]],
      want: ["fd00:10:1:13::2", "fd00:10:1:13::3"],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const ipam = new HostLocalIpam(c.cidr, c.state ? deepFreeze(c.state) : undefined);
      assert.deepEqual(run(ipam, c.ops), c.want);
    });
  }
});

test("HostLocalIpam returns gateway and prefix length", () => {
  const ipam = new HostLocalIpam("10.1.13.0/24");
  assert.deepEqual(ipam.allocate("a"), { ip: "10.1.13.2", gateway: "10.1.13.1", prefixLength: 24 });
  assert.equal(ipam.gateway, "10.1.13.1");
});

test("HostLocalIpam rejects unusable ranges", async (t) => {
  const cases: { name: string; cidr: string }[] = [
    { name: "not a CIDR", cidr: "10.1.13.0" },
    { name: "/31", cidr: "10.1.13.0/31" },
    { name: "/32", cidr: "10.1.13.0/32" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.throws(() => new HostLocalIpam(c.cidr), (e) => e instanceof IpamError && e.code === "InvalidRange");
    });
  }
});

test("HostLocalIpam full range error names the range", () => {
  const ipam = new HostLocalIpam("10.1.13.4/30");
  ipam.allocate("a");
  assert.throws(() => ipam.allocate("b"), {
    name: "IpamError",
    message: "no IP addresses available in range set: 10.1.13.6-10.1.13.6",
  });
});

test("HostLocalIpam state round-trips through JSON", () => {
  const ipam = new HostLocalIpam("10.1.13.0/24");
  ipam.allocate("a");
  ipam.allocate("b");
  ipam.allocate("c");
  ipam.release("b");
  const json = JSON.parse(JSON.stringify(ipam)) as IpamState;
  assert.deepEqual(json, {
    range: "10.1.13.0/24",
    lastReservedIP: "10.1.13.4",
    allocations: { "10.1.13.2": "a", "10.1.13.4": "c" },
  });
  const restored = new HostLocalIpam("10.1.13.0/24", json);
  assert.deepEqual(restored.toJSON(), json);
  assert.equal(restored.allocate("d").ip, "10.1.13.5");
  assert.deepEqual(restored.list(), [
    { id: "a", ip: "10.1.13.2" },
    { id: "c", ip: "10.1.13.4" },
    { id: "d", ip: "10.1.13.5" },
  ]);
});

test("fresh allocator has no lastReservedIP", () => {
  assert.deepEqual(new HostLocalIpam("10.1.13.0/24").toJSON(), { range: "10.1.13.0/24", allocations: {} });
});
