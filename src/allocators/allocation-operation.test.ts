import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../storage/memory-store.js";
import { Operation } from "./allocation-operation.js";
import type { Holdings } from "./service-holdings.js";
import { StorePool } from "./store-pool.js";

function pools(store: MemoryStore): { ips: StorePool; ports: StorePool } {
  const ips = new StorePool({
    store,
    prefix: "/t/ips/",
    size: 4,
    staticBand: 0,
    itemAt: (o) => `10.0.0.${o + 1}`,
    offsetOf: (ip) => (/^10\.0\.0\.[1-4]$/.test(ip) ? Number(ip.split(".")[3]) - 1 : undefined),
  });
  const ports = new StorePool({
    store,
    prefix: "/t/ports/",
    size: 4,
    staticBand: 0,
    itemAt: (o) => String(30000 + o),
    offsetOf: (p) => (Number(p) >= 30000 && Number(p) < 30004 ? Number(p) - 30000 : undefined),
  });
  return { ips, ports };
}

const owner = { namespace: "default", name: "web", uid: "u" };
const none: Holdings = { clusterIPs: [], nodePorts: [] };

async function withOp(opts: { dryRun?: boolean; held?: Holdings }, fn: (op: Operation, store: MemoryStore) => Promise<void>): Promise<void> {
  const store = new MemoryStore();
  try {
    const op = new Operation({ ...pools(store), owner, dryRun: opts.dryRun ?? false, held: opts.held ?? none, canonicalIP: (ip) => ip });
    await fn(op, store);
  } finally {
    await store.close();
  }
}

const count = async (store: MemoryStore): Promise<number> => (await store.list("/t/")).items.length;

test("Operation", async (t) => {
  await t.test("takes values, and rollback gives back exactly those", () =>
    withOp({}, async (op, store) => {
      await store.create("/t/ports/30003", "{}"); // someone else's
      assert.equal(await op.takeIP("10.0.0.2"), true);
      assert.equal(await op.takePort(30001, { shared: true }), true);
      assert.ok((await op.nextPort()) !== undefined);
      assert.equal(await count(store), 4);
      await op.rollback();
      assert.equal(await count(store), 1);
    }),
  );

  await t.test("a port taken twice in one call: shared ok, strict refused", () =>
    withOp({}, async (op) => {
      assert.equal(await op.takePort(30001, { shared: true }), true);
      assert.equal(await op.takePort(30001, { shared: true }), true);
      assert.equal(await op.takePort(30001, { shared: false }), false);
      assert.equal(await op.takeIP("10.0.0.1"), true);
      assert.equal(await op.takeIP("10.0.0.1"), false, "one IP per service");
    }),
  );

  await t.test("held values need no reservation and are never rolled back", () =>
    withOp({ held: { clusterIPs: ["10.0.0.3"], nodePorts: [30002] } }, async (op, store) => {
      assert.equal(op.holdsIP("10.0.0.3"), true);
      assert.equal(op.holdsPort(30002), true);
      assert.equal(await op.takeIP("10.0.0.3"), true);
      assert.equal(await count(store), 0);
      await op.rollback();
    }),
  );

  await t.test("dry run checks and picks distinct values without writing", () =>
    withOp({ dryRun: true }, async (op, store) => {
      await store.create("/t/ports/30000", "{}");
      assert.equal(await op.takePort(30000, { shared: true }), false);
      const picked = new Set<number | undefined>();
      for (let i = 0; i < 3; i++) picked.add(await op.nextPort());
      assert.equal(picked.size, 3);
      assert.ok(!picked.has(30000));
      assert.equal(await op.nextPort(), undefined, "range exhausted within the dry run");
      assert.equal(await count(store), 1);
    }),
  );
});
