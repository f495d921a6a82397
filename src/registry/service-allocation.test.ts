import { test } from "node:test";
import assert from "node:assert/strict";
import { isApiError } from "../api/errors.js";
import type { Service } from "../api/types.js";
import { seededRandomInt } from "../allocators/random.js";
import { MemoryStore } from "../storage/memory-store.js";
import { clusterIPKeyPrefix, nodePortKeyPrefix, ServiceAllocator } from "./service-allocation.js";
import type { ServiceAllocatorOptions } from "./service-allocation.js";

let uidCounter = 0;

function makeService(ns: string, name: string, edit: (s: Service) => void = () => {}): Service {
  const s: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: ns, name, uid: `uid-${name}-${++uidCounter}` },
    spec: { type: "ClusterIP", selector: { app: name }, ports: [{ name: "web", port: 8000, protocol: "TCP", targetPort: 80 }] },
  };
  edit(s);
  return s;
}

const nodePort = (s: Service): void => {
  s.spec.type = "NodePort";
};

async function withAllocator(
  fn: (alloc: ServiceAllocator, store: MemoryStore) => Promise<void>,
  options: Partial<ServiceAllocatorOptions> = {},
): Promise<void> {
  const store = new MemoryStore();
  try {
    await fn(new ServiceAllocator({ store, random: seededRandomInt(11), ...options }), store);
  } finally {
    await store.close();
  }
}

async function keys(store: MemoryStore, prefix: string): Promise<string[]> {
  return (await store.list(prefix)).items.map((kv) => kv.key.slice(prefix.length));
}

/** Asserts that `p` rejects with an ApiError of this code and exact message. */
async function rejectsWith(p: Promise<unknown>, code: number, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isApiError(e), `expected ApiError, got ${String(e)}`);
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    return true;
  });
}

const ipOf = (ip: string): number => Number(ip.split(".")[3]);

test("create: cluster IPs", async (t) => {
  await t.test("dynamic IP comes from the upper band and is recorded with its owner", () =>
    withAllocator(async (alloc, store) => {
      const svc = makeService("default", "nginx-service");
      await alloc.allocateForCreate(svc, { dryRun: false });
      const ip = svc.spec.clusterIP ?? "";
      assert.deepEqual(svc.spec.clusterIPs, [ip]);
      assert.ok(ipOf(ip) >= 17 && ipOf(ip) <= 254, `${ip} is in 10.0.0.17-10.0.0.254`);
      assert.equal(svc.spec.ipFamilyPolicy, "SingleStack");
      assert.deepEqual(svc.spec.ipFamilies, ["IPv4"]);
      const kv = await store.get(clusterIPKeyPrefix + ip);
      assert.deepEqual(JSON.parse(kv?.value ?? "null"), { namespace: "default", name: "nginx-service", uid: svc.metadata.uid });
    }),
  );

  await t.test("kubernetes service gets 10.0.0.1 by request", () =>
    withAllocator(async (alloc) => {
      assert.equal(alloc.kubernetesServiceIP, "10.0.0.1");
      const svc = makeService("default", "kubernetes", (s) => (s.spec.clusterIP = alloc.kubernetesServiceIP));
      await alloc.allocateForCreate(svc, { dryRun: false });
      assert.deepEqual(svc.spec.clusterIPs, ["10.0.0.1"]);
    }),
  );

  const refusals: { name: string; requested: string; message: string }[] = [
    {
      name: "outside the CIDR",
      requested: "10.9.0.5",
      message:
        'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.9.0.5"}: failed to allocate IP 10.9.0.5: ' +
        "the provided IP (10.9.0.5) is not in the valid range. The range of valid IPs is 10.0.0.0/24",
    },
    {
      name: "network address",
      requested: "10.0.0.0",
      message:
        'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.0"}: failed to allocate IP 10.0.0.0: ' +
        "the provided IP (10.0.0.0) is not in the valid range. The range of valid IPs is 10.0.0.0/24",
    },
    {
      name: "broadcast address",
      requested: "10.0.0.255",
      message:
        'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.255"}: failed to allocate IP 10.0.0.255: ' +
        "the provided IP (10.0.0.255) is not in the valid range. The range of valid IPs is 10.0.0.0/24",
    },
    {
      name: "already allocated",
      requested: "10.0.0.5",
      message: 'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: provided IP is already allocated',
    },
  ];
  for (const c of refusals) {
    await t.test(`requested IP refused: ${c.name}`, () =>
      withAllocator(async (alloc, store) => {
        await alloc.allocateForCreate(makeService("kube-system", "taken", (s) => (s.spec.clusterIP = "10.0.0.5")), { dryRun: false });
        const svc = makeService("default", "web", (s) => (s.spec.clusterIP = c.requested));
        await rejectsWith(alloc.allocateForCreate(svc, { dryRun: false }), 422, c.message);
        assert.deepEqual(await keys(store, clusterIPKeyPrefix), ["10.0.0.5"]);
      }),
    );
  }

  await t.test("a requested IP on an IPv4 cluster must be IPv4", () =>
    withAllocator(async (alloc) => {
      const svc = makeService("default", "web", (s) => (s.spec.clusterIPs = ["fd00::1"]));
      await rejectsWith(
        alloc.allocateForCreate(svc, { dryRun: false }),
        422,
        'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"fd00::1"}: IPv6 is not configured on this cluster',
      );
    }),
  );

  await t.test("headless and ExternalName get no IP", () =>
    withAllocator(async (alloc, store) => {
      const headless = makeService("default", "h", (s) => (s.spec.clusterIP = "None"));
      await alloc.allocateForCreate(headless, { dryRun: false });
      assert.deepEqual(headless.spec.clusterIPs, ["None"]);
      const ext = makeService("default", "e", (s) => {
        s.spec.type = "ExternalName";
        s.spec.externalName = "example.com";
      });
      await alloc.allocateForCreate(ext, { dryRun: false });
      assert.equal(ext.spec.clusterIP, undefined);
      assert.deepEqual(await keys(store, clusterIPKeyPrefix), []);
    }),
  );

  await t.test("an IPv6 service CIDR works the same way", () =>
    withAllocator(
      async (alloc, store) => {
        const svc = makeService("default", "v6", (s) => (s.spec.clusterIP = "fd00:10:96::a"));
        await alloc.allocateForCreate(svc, { dryRun: false });
        assert.deepEqual(svc.spec.ipFamilies, ["IPv6"]);
        assert.deepEqual(await keys(store, clusterIPKeyPrefix), ["fd00:10:96::a"]);
      },
      { serviceCIDR: "fd00:10:96::/112" },
    ),
  );
});

test("create: the whole /24 can be filled, 254 addresses, then the range is full", () =>
  withAllocator(async (alloc, store) => {
    const kubernetes = makeService("default", "kubernetes", (s) => (s.spec.clusterIP = "10.0.0.1"));
    await alloc.allocateForCreate(kubernetes, { dryRun: false });
    const got: number[] = [];
    for (let i = 0; i < 253; i++) {
      const svc = makeService("default", `s${i}`);
      await alloc.allocateForCreate(svc, { dryRun: false });
      got.push(ipOf(svc.spec.clusterIP ?? ""));
    }
    assert.ok(
      got.slice(0, 238).every((n) => n >= 17),
      "the 238 addresses of the dynamic band (10.0.0.17-254) go first",
    );
    assert.deepEqual(
      [...got].sort((x, y) => x - y),
      Array.from({ length: 253 }, (_, i) => i + 2),
    );
    assert.equal((await keys(store, clusterIPKeyPrefix)).length, 254);
    await rejectsWith(
      alloc.allocateForCreate(makeService("default", "one-too-many"), { dryRun: false }),
      500,
      "Internal error occurred: failed to allocate a serviceIP: range is full",
    );
  }));

test("create: node ports", async (t) => {
  await t.test("dynamic node port comes from the upper band", () =>
    withAllocator(async (alloc, store) => {
      const svc = makeService("default", "nginx-service", nodePort);
      await alloc.allocateForCreate(svc, { dryRun: false });
      const np = svc.spec.ports?.[0].nodePort ?? 0;
      assert.ok(np >= 30086 && np <= 32767, `${np} is in 30086-32767`);
      assert.deepEqual(await keys(store, nodePortKeyPrefix), [String(np)]);
    }),
  );

  await t.test("requested node port honoured", () =>
    withAllocator(async (alloc) => {
      const svc = makeService("default", "nginx-service", (s) => {
        nodePort(s);
        if (s.spec.ports) s.spec.ports[0].nodePort = 30802;
      });
      await alloc.allocateForCreate(svc, { dryRun: false });
      assert.equal(svc.spec.ports?.[0].nodePort, 30802);
    }),
  );

  const refusals: { name: string; port: number; message: string }[] = [
    { name: "taken", port: 30802, message: 'Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 30802: provided port is already allocated' },
    {
      name: "below the range",
      port: 29999,
      message: 'Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767',
    },
    {
      name: "above the range",
      port: 32768,
      message: 'Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 32768: provided port is not in the valid range. The range of valid ports is 30000-32767',
    },
  ];
  for (const c of refusals) {
    await t.test(`requested node port refused: ${c.name}; the cluster IP is given back`, () =>
      withAllocator(async (alloc, store) => {
        const first = makeService("default", "first", (s) => {
          nodePort(s);
          if (s.spec.ports) s.spec.ports[0].nodePort = 30802;
        });
        await alloc.allocateForCreate(first, { dryRun: false });
        const svc = makeService("default", "web", (s) => {
          nodePort(s);
          if (s.spec.ports) s.spec.ports[0].nodePort = c.port;
        });
        await rejectsWith(alloc.allocateForCreate(svc, { dryRun: false }), 422, c.message);
        assert.deepEqual(await keys(store, clusterIPKeyPrefix), [first.spec.clusterIP]);
        assert.deepEqual(await keys(store, nodePortKeyPrefix), ["30802"]);
      }),
    );
  }

  await t.test("ports with the same port number and different protocols share one node port", () =>
    withAllocator(async (alloc, store) => {
      const svc = makeService("kube-system", "dns", (s) => {
        nodePort(s);
        s.spec.ports = [
          { name: "dns", port: 53, protocol: "UDP" },
          { name: "dns-tcp", port: 53, protocol: "TCP" },
          { name: "metrics", port: 9153, protocol: "TCP" },
        ];
      });
      await alloc.allocateForCreate(svc, { dryRun: false });
      const [udp, tcp, metrics] = svc.spec.ports?.map((p) => p.nodePort) ?? [];
      assert.equal(udp, tcp);
      assert.notEqual(udp, metrics);
      assert.equal((await keys(store, nodePortKeyPrefix)).length, 2);
    }),
  );

  await t.test("a requested node port shared across protocols is taken once", () =>
    withAllocator(async (alloc, store) => {
      const svc = makeService("kube-system", "dns", (s) => {
        nodePort(s);
        s.spec.ports = [
          { name: "dns", port: 53, protocol: "UDP" },
          { name: "dns-tcp", port: 53, protocol: "TCP", nodePort: 30053 },
        ];
      });
      await alloc.allocateForCreate(svc, { dryRun: false });
      assert.deepEqual(
        svc.spec.ports?.map((p) => p.nodePort),
        [30053, 30053],
      );
      assert.deepEqual(await keys(store, nodePortKeyPrefix), ["30053"]);
    }),
  );

  await t.test("the same node port twice with the same protocol is a duplicate", () =>
    withAllocator(async (alloc, store) => {
      const svc = makeService("default", "web", (s) => {
        nodePort(s);
        s.spec.ports = [
          { name: "a", port: 80, protocol: "TCP", nodePort: 30080 },
          { name: "b", port: 81, protocol: "TCP", nodePort: 30080 },
        ];
      });
      await rejectsWith(alloc.allocateForCreate(svc, { dryRun: false }), 422, 'Service "web" is invalid: spec.ports[1].nodePort: Duplicate value: 30080');
      assert.deepEqual(await keys(store, nodePortKeyPrefix), []);
    }),
  );

  await t.test("LoadBalancer gets node ports; without allocateLoadBalancerNodePorts only requested ones", () =>
    withAllocator(async (alloc, store) => {
      const lb = makeService("default", "lb", (s) => (s.spec.type = "LoadBalancer"));
      await alloc.allocateForCreate(lb, { dryRun: false });
      assert.ok(lb.spec.ports?.[0].nodePort);
      const bare = makeService("default", "bare", (s) => {
        s.spec.type = "LoadBalancer";
        s.spec.allocateLoadBalancerNodePorts = false;
        s.spec.ports = [
          { name: "a", port: 80, protocol: "TCP" },
          { name: "b", port: 81, protocol: "TCP", nodePort: 30081 },
        ];
      });
      await alloc.allocateForCreate(bare, { dryRun: false });
      assert.deepEqual(
        bare.spec.ports?.map((p) => p.nodePort),
        [undefined, 30081],
      );
      assert.equal((await keys(store, nodePortKeyPrefix)).length, 2);
    }),
  );

  await t.test("LoadBalancer with externalTrafficPolicy Local gets a health check node port", () =>
    withAllocator(async (alloc, store) => {
      const lb = makeService("default", "lb", (s) => {
        s.spec.type = "LoadBalancer";
        s.spec.externalTrafficPolicy = "Local";
      });
      await alloc.allocateForCreate(lb, { dryRun: false });
      const hc = lb.spec.healthCheckNodePort ?? 0;
      assert.ok(hc >= 30086);
      assert.notEqual(hc, lb.spec.ports?.[0].nodePort);
      assert.equal((await keys(store, nodePortKeyPrefix)).length, 2);
    }),
  );

  await t.test("a requested health check node port that is taken is an internal error", () =>
    withAllocator(async (alloc, store) => {
      const lb = makeService("default", "lb", (s) => {
        s.spec.type = "LoadBalancer";
        s.spec.externalTrafficPolicy = "Local";
        s.spec.healthCheckNodePort = 30081;
        if (s.spec.ports) s.spec.ports[0].nodePort = 30081;
      });
      await rejectsWith(
        alloc.allocateForCreate(lb, { dryRun: false }),
        500,
        "Internal error occurred: failed to allocate requested HealthCheck NodePort 30081: provided port is already allocated",
      );
      assert.deepEqual(await keys(store, nodePortKeyPrefix), []);
      assert.deepEqual(await keys(store, clusterIPKeyPrefix), []);
    }),
  );

  await t.test("a full node port range is an internal error", () =>
    withAllocator(
      async (alloc) => {
        const svc = makeService("default", "web", (s) => {
          nodePort(s);
          s.spec.ports = [
            { name: "a", port: 80, protocol: "TCP" },
            { name: "b", port: 81, protocol: "TCP" },
            { name: "c", port: 82, protocol: "TCP" },
          ];
        });
        await rejectsWith(alloc.allocateForCreate(svc, { dryRun: false }), 500, "Internal error occurred: failed to allocate a nodePort: range is full");
      },
      { nodePortRange: "30000-30001" },
    ),
  );
});

test("create: dry run fills values and reserves nothing; rollback releases", async (t) => {
  await t.test("dry run", () =>
    withAllocator(async (alloc, store) => {
      const svc = makeService("default", "web", (s) => {
        s.spec.type = "LoadBalancer";
        s.spec.externalTrafficPolicy = "Local";
      });
      const rollback = await alloc.allocateForCreate(svc, { dryRun: true });
      assert.ok(svc.spec.clusterIP);
      assert.ok(svc.spec.ports?.[0].nodePort);
      assert.ok(svc.spec.healthCheckNodePort);
      assert.notEqual(svc.spec.healthCheckNodePort, svc.spec.ports?.[0].nodePort);
      assert.equal((await store.list("/registry/")).items.length, 0);
      await rollback();
    }),
  );

  await t.test("dry run still refuses a taken value", () =>
    withAllocator(async (alloc) => {
      await alloc.allocateForCreate(makeService("default", "a", (s) => (s.spec.clusterIP = "10.0.0.7")), { dryRun: false });
      await rejectsWith(
        alloc.allocateForCreate(makeService("default", "b", (s) => (s.spec.clusterIP = "10.0.0.7")), { dryRun: true }),
        422,
        'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.7"}: failed to allocate IP 10.0.0.7: provided IP is already allocated',
      );
    }),
  );

  await t.test("rollback after a failed write frees everything, twice is harmless", () =>
    withAllocator(async (alloc, store) => {
      const svc = makeService("default", "web", nodePort);
      const rollback = await alloc.allocateForCreate(svc, { dryRun: false });
      assert.equal((await store.list("/registry/")).items.length, 2);
      await rollback();
      await rollback();
      assert.equal((await store.list("/registry/")).items.length, 0);
    }),
  );
});

/** Creates `svc` and returns the stored copy (what an update starts from). */
async function created(alloc: ServiceAllocator, svc: Service): Promise<Service> {
  await alloc.allocateForCreate(svc, { dryRun: false });
  return structuredClone(svc);
}

test("update", async (t) => {
  await t.test("ClusterIP to NodePort allocates node ports; the IP is kept", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(alloc, makeService("default", "web"));
      const next = structuredClone(old);
      next.spec.type = "NodePort";
      const txn = await alloc.allocateForUpdate(old, next, { dryRun: false });
      await txn.commit();
      assert.equal(next.spec.clusterIP, old.spec.clusterIP);
      assert.ok(next.spec.ports?.[0].nodePort);
      assert.deepEqual(await keys(store, nodePortKeyPrefix), [String(next.spec.ports?.[0].nodePort)]);
    }),
  );

  await t.test("NodePort to ClusterIP releases node ports on commit, not before", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(alloc, makeService("default", "web", nodePort));
      const next = structuredClone(old);
      next.spec.type = "ClusterIP";
      const txn = await alloc.allocateForUpdate(old, next, { dryRun: false });
      assert.equal(next.spec.ports?.[0].nodePort, undefined, "the node port is dropped from the object");
      assert.equal((await keys(store, nodePortKeyPrefix)).length, 1, "still held until commit");
      await txn.commit();
      assert.deepEqual(await keys(store, nodePortKeyPrefix), []);
      assert.deepEqual(await keys(store, clusterIPKeyPrefix), [old.spec.clusterIP]);
    }),
  );

  await t.test("NodePort to ExternalName releases the IP and node ports on commit", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(alloc, makeService("default", "web", nodePort));
      const next = structuredClone(old);
      next.spec.type = "ExternalName";
      next.spec.externalName = "example.com";
      const txn = await alloc.allocateForUpdate(old, next, { dryRun: false });
      assert.equal(next.spec.clusterIP, undefined);
      await txn.commit();
      assert.equal((await store.list("/registry/")).items.length, 0);
    }),
  );

  await t.test("ExternalName to ClusterIP allocates an IP", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(
        alloc,
        makeService("default", "web", (s) => {
          s.spec.type = "ExternalName";
          s.spec.externalName = "example.com";
        }),
      );
      const next = structuredClone(old);
      next.spec.type = "ClusterIP";
      delete next.spec.externalName;
      const txn = await alloc.allocateForUpdate(old, next, { dryRun: false });
      await txn.commit();
      assert.ok(next.spec.clusterIP);
      assert.deepEqual(await keys(store, clusterIPKeyPrefix), [next.spec.clusterIP]);
    }),
  );

  await t.test("ExternalName to NodePort with a requested IP and node port", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(
        alloc,
        makeService("default", "web", (s) => {
          s.spec.type = "ExternalName";
          s.spec.externalName = "example.com";
        }),
      );
      const next = structuredClone(old);
      next.spec.type = "NodePort";
      next.spec.clusterIP = "10.0.0.9";
      if (next.spec.ports) next.spec.ports[0].nodePort = 30009;
      await (await alloc.allocateForUpdate(old, next, { dryRun: false })).commit();
      assert.deepEqual(await keys(store, clusterIPKeyPrefix), ["10.0.0.9"]);
      assert.deepEqual(await keys(store, nodePortKeyPrefix), ["30009"]);
    }),
  );

  await t.test("node port changed by the user: new one taken, old one released on commit", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(
        alloc,
        makeService("default", "web", (s) => {
          nodePort(s);
          if (s.spec.ports) s.spec.ports[0].nodePort = 30802;
        }),
      );
      const next = structuredClone(old);
      if (next.spec.ports) next.spec.ports[0].nodePort = 30803;
      const txn = await alloc.allocateForUpdate(old, next, { dryRun: false });
      assert.deepEqual(await keys(store, nodePortKeyPrefix), ["30802", "30803"]);
      await txn.commit();
      assert.deepEqual(await keys(store, nodePortKeyPrefix), ["30803"]);
    }),
  );

  await t.test("rollback of an update releases what it took and keeps what the old object held", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(
        alloc,
        makeService("default", "web", (s) => {
          nodePort(s);
          if (s.spec.ports) s.spec.ports[0].nodePort = 30802;
        }),
      );
      const next = structuredClone(old);
      if (next.spec.ports) next.spec.ports[0].nodePort = 30803;
      next.spec.ports?.push({ name: "extra", port: 9000, protocol: "TCP" });
      const txn = await alloc.allocateForUpdate(old, next, { dryRun: false });
      assert.equal((await keys(store, nodePortKeyPrefix)).length, 3);
      await txn.rollback();
      assert.deepEqual(await keys(store, nodePortKeyPrefix), ["30802"]);
    }),
  );

  await t.test("ports added and removed", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(
        alloc,
        makeService("default", "web", (s) => {
          nodePort(s);
          s.spec.ports = [
            { name: "a", port: 80, protocol: "TCP", nodePort: 30080 },
            { name: "b", port: 81, protocol: "TCP", nodePort: 30081 },
          ];
        }),
      );
      const next = structuredClone(old);
      next.spec.ports = [
        { name: "a", port: 80, protocol: "TCP", nodePort: 30080 },
        { name: "c", port: 82, protocol: "TCP" },
      ];
      await (await alloc.allocateForUpdate(old, next, { dryRun: false })).commit();
      const c = next.spec.ports[1].nodePort ?? 0;
      assert.ok(c >= 30086);
      assert.deepEqual((await keys(store, nodePortKeyPrefix)).sort(), ["30080", String(c)].sort());
    }),
  );

  await t.test("apply without clusterIP and nodePort keeps both and takes nothing new", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(alloc, makeService("default", "web", nodePort));
      const next = structuredClone(old);
      delete next.spec.clusterIP;
      delete next.spec.clusterIPs;
      if (next.spec.ports) delete next.spec.ports[0].nodePort;
      await (await alloc.allocateForUpdate(old, next, { dryRun: false })).commit();
      assert.equal(next.spec.clusterIP, old.spec.clusterIP);
      assert.equal(next.spec.ports?.[0].nodePort, old.spec.ports?.[0].nodePort);
      assert.equal((await store.list("/registry/")).items.length, 2);
    }),
  );

  await t.test("a node port held by another service is refused on update", () =>
    withAllocator(async (alloc) => {
      await created(
        alloc,
        makeService("default", "other", (s) => {
          nodePort(s);
          if (s.spec.ports) s.spec.ports[0].nodePort = 30802;
        }),
      );
      const old = await created(alloc, makeService("default", "web", nodePort));
      const next = structuredClone(old);
      if (next.spec.ports) next.spec.ports[0].nodePort = 30802;
      await rejectsWith(
        alloc.allocateForUpdate(old, next, { dryRun: false }),
        422,
        'Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 30802: provided port is already allocated',
      );
    }),
  );

  await t.test("Local to Cluster traffic policy releases the health check port on commit", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(
        alloc,
        makeService("default", "lb", (s) => {
          s.spec.type = "LoadBalancer";
          s.spec.externalTrafficPolicy = "Local";
        }),
      );
      const next = structuredClone(old);
      next.spec.externalTrafficPolicy = "Cluster";
      await (await alloc.allocateForUpdate(old, next, { dryRun: false })).commit();
      assert.equal(next.spec.healthCheckNodePort, undefined);
      assert.deepEqual(await keys(store, nodePortKeyPrefix), [String(next.spec.ports?.[0].nodePort)]);
    }),
  );

  await t.test("values held before a range change are kept on update", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(alloc, makeService("default", "web", nodePort));
      const moved = new ServiceAllocator({ store, serviceCIDR: "10.96.0.0/24", nodePortRange: "31000-31999" });
      const next = structuredClone(old);
      next.metadata.labels = { touched: "yes" };
      await (await moved.allocateForUpdate(old, next, { dryRun: false })).commit();
      assert.equal(next.spec.clusterIP, old.spec.clusterIP);
      assert.equal(next.spec.ports?.[0].nodePort, old.spec.ports?.[0].nodePort);
    }),
  );

  await t.test("dry-run update changes nothing in the store", () =>
    withAllocator(async (alloc, store) => {
      const old = await created(alloc, makeService("default", "web", nodePort));
      const before = await store.currentRevision();
      const next = structuredClone(old);
      next.spec.type = "ExternalName";
      next.spec.externalName = "example.com";
      const txn = await alloc.allocateForUpdate(old, next, { dryRun: true });
      await txn.commit();
      assert.equal(await store.currentRevision(), before);
    }),
  );
});

test("releaseForDelete frees only what the service still owns", () =>
  withAllocator(async (alloc, store) => {
    const svc = await created(alloc, makeService("default", "web", nodePort));
    // Somebody else's key under a value this (stale) object claims must survive.
    const stale = structuredClone(svc);
    stale.spec.clusterIP = "10.0.0.3";
    stale.spec.clusterIPs = ["10.0.0.3"];
    await created(alloc, makeService("default", "owner-of-3", (s) => (s.spec.clusterIP = "10.0.0.3")));
    await alloc.releaseForDelete(stale);
    assert.deepEqual(await keys(store, clusterIPKeyPrefix), ["10.0.0.3", svc.spec.clusterIP].sort());
    assert.deepEqual(await keys(store, nodePortKeyPrefix), []);
    await alloc.releaseForDelete(svc);
    assert.deepEqual(await keys(store, clusterIPKeyPrefix), ["10.0.0.3"]);
  }));

test("allocations survive a restart: a new allocator on the same store sees them", () =>
  withAllocator(async (alloc, store) => {
    await created(alloc, makeService("default", "web", (s) => (s.spec.clusterIP = "10.0.0.20")));
    const restarted = new ServiceAllocator({ store });
    await rejectsWith(
      restarted.allocateForCreate(makeService("default", "again", (s) => (s.spec.clusterIP = "10.0.0.20")), { dryRun: false }),
      422,
      'Service "again" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.20"}: failed to allocate IP 10.0.0.20: provided IP is already allocated',
    );
  }));

test("two API servers on one store, 200 concurrent NodePort creates: nothing handed out twice", async () => {
  const store = new MemoryStore();
  try {
    let lostRaces = 0;
    const create = store.create.bind(store);
    store.create = async (key, value) => {
      try {
        return await create(key, value);
      } catch (e) {
        lostRaces++;
        throw e;
      }
    };
    const servers = [new ServiceAllocator({ store, random: seededRandomInt(1) }), new ServiceAllocator({ store, random: seededRandomInt(1) })];
    const services = Array.from({ length: 200 }, (_, i) => makeService("default", `svc-${i}`, nodePort));
    // Same seeds: both servers try the same values in the same order, so races are certain.
    await Promise.all(services.map((svc, i) => servers[i % 2].allocateForCreate(svc, { dryRun: false })));
    const ips = services.map((s) => s.spec.clusterIP);
    const ports = services.map((s) => s.spec.ports?.[0].nodePort);
    assert.ok(lostRaces > 0, "the two servers really competed for the same values");
    assert.equal(new Set(ips).size, 200);
    assert.equal(new Set(ports).size, 200);
    assert.equal((await keys(store, clusterIPKeyPrefix)).length, 200);
    assert.equal((await keys(store, nodePortKeyPrefix)).length, 200);
    for (const svc of services) {
      const kv = await store.get(clusterIPKeyPrefix + (svc.spec.clusterIP ?? ""));
      assert.equal(JSON.parse(kv?.value ?? "{}").uid, svc.metadata.uid, "each key names the service that got it");
    }
  } finally {
    await store.close();
  }
});

test("repair", async (t) => {
  await t.test("an orphan is released only on the second sighting", () =>
    withAllocator(async (alloc, store) => {
      const gone = await created(alloc, makeService("default", "gone", nodePort));
      const kept = await created(alloc, makeService("default", "kept"));
      const first = await alloc.repair([kept]);
      assert.deepEqual(first, { released: [], restored: [], conflicts: [] });
      assert.equal((await store.list("/registry/")).items.length, 3);
      const second = await alloc.repair([kept]);
      assert.deepEqual(second.released.sort(), [clusterIPKeyPrefix + gone.spec.clusterIP, nodePortKeyPrefix + gone.spec.ports?.[0].nodePort].sort());
      assert.deepEqual(await keys(store, clusterIPKeyPrefix), [kept.spec.clusterIP]);
    }),
  );

  await t.test("an in-flight create on another server survives one repair in between", () =>
    withAllocator(async (alloc, store) => {
      const other = new ServiceAllocator({ store });
      const svc = makeService("default", "in-flight");
      await other.allocateForCreate(svc, { dryRun: false }); // reserved, not yet stored as a service
      await alloc.repair([]);
      const stored = structuredClone(svc); // the create completes
      const r = await alloc.repair([stored]);
      assert.deepEqual(r.released, []);
      assert.deepEqual(await keys(store, clusterIPKeyPrefix), [svc.spec.clusterIP]);
    }),
  );

  await t.test("a service whose values have no keys gets them re-recorded", () =>
    withAllocator(async (alloc, store) => {
      const svc = makeService("default", "lost", (s) => {
        nodePort(s);
        s.spec.clusterIP = "10.0.0.30";
        s.spec.clusterIPs = ["10.0.0.30"];
        if (s.spec.ports) s.spec.ports[0].nodePort = 30030;
      });
      const r = await alloc.repair([svc]);
      assert.deepEqual(r.restored, [clusterIPKeyPrefix + "10.0.0.30", nodePortKeyPrefix + "30030"]);
      await rejectsWith(
        alloc.allocateForCreate(makeService("default", "x", (s) => (s.spec.clusterIP = "10.0.0.30")), { dryRun: false }),
        422,
        'Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.30"}: failed to allocate IP 10.0.0.30: provided IP is already allocated',
      );
      assert.equal((await store.list("/registry/")).items.length, 2);
    }),
  );

  await t.test("two services holding one value and out-of-range values are reported", () =>
    withAllocator(async (alloc) => {
      const a = makeService("default", "a", (s) => {
        s.spec.clusterIP = "10.0.0.40";
        s.spec.clusterIPs = ["10.0.0.40"];
      });
      const b = makeService("default", "b", (s) => {
        s.spec.clusterIP = "10.0.0.40";
        s.spec.clusterIPs = ["10.0.0.40"];
      });
      const c = makeService("default", "c", (s) => {
        nodePort(s);
        s.spec.clusterIP = "10.96.0.1";
        s.spec.clusterIPs = ["10.96.0.1"];
        if (s.spec.ports) s.spec.ports[0].nodePort = 40000;
      });
      const r = await alloc.repair([a, b, c]);
      assert.deepEqual(r.restored, [clusterIPKeyPrefix + "10.0.0.40"]);
      assert.deepEqual(r.conflicts, [
        "the cluster IP 10.96.0.1 for service default/c is not within the service CIDR 10.0.0.0/24; please recreate",
        "the node port 40000 for service default/c is not within the port range 30000-32767; please recreate",
        "the cluster IP 10.0.0.40 is allocated to more than one service: default/a, default/b",
      ]);
    }),
  );

  await t.test("a service deleted on another server while repair lists does not get its freed values back", () =>
    withAllocator(async (alloc, store) => {
      const other = new ServiceAllocator({ store });
      const gone = await created(other, makeService("default", "gone", (s) => (s.spec.clusterIP = "10.0.0.60")));
      const r = await alloc.repair(async () => {
        const listed = [structuredClone(gone)]; // the list still has it …
        await other.releaseForDelete(gone); // … and the other server finishes deleting it right after
        return listed;
      });
      assert.deepEqual(r, { released: [], restored: [], conflicts: [] });
      assert.deepEqual(await keys(store, clusterIPKeyPrefix), []);
      const next = await created(other, makeService("default", "next", (s) => (s.spec.clusterIP = "10.0.0.60")));
      assert.equal(next.spec.clusterIP, "10.0.0.60");
    }),
  );

  await t.test("a key left by a deleted service is handed to the recreated service that holds the value", () =>
    withAllocator(async (alloc, store) => {
      await created(alloc, makeService("default", "web", (s) => (s.spec.clusterIP = "10.0.0.50")));
      const recreated = makeService("default", "web", (s) => {
        s.spec.clusterIP = "10.0.0.50";
        s.spec.clusterIPs = ["10.0.0.50"];
      });
      await alloc.repair([recreated]);
      const r = await alloc.repair([recreated]);
      assert.deepEqual(r.restored, [clusterIPKeyPrefix + "10.0.0.50"]);
      const kv = await store.get(clusterIPKeyPrefix + "10.0.0.50");
      assert.equal(JSON.parse(kv?.value ?? "{}").uid, recreated.metadata.uid);
    }),
  );
});
