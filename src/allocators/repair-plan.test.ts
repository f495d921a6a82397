import { test } from "node:test";
import assert from "node:assert/strict";
import type { RepairAction, RepairInput } from "./repair-plan.js";
import { planRepair } from "./repair-plan.js";
import type { PoolEntry, PoolOwner } from "./store-pool.js";

const a: PoolOwner = { namespace: "default", name: "a", uid: "ua" };
const b: PoolOwner = { namespace: "default", name: "b", uid: "ub" };
const aRecreated: PoolOwner = { namespace: "default", name: "a", uid: "ua2" };

function entry(item: string, owner: PoolOwner | undefined, rev = 5): PoolEntry {
  return { item, owner, kv: { key: `/p/${item}`, value: "", createRevision: rev, modRevision: rev } };
}

function describe(actions: RepairAction[]): string[] {
  return actions.map((x) => {
    if (x.kind === "record") return `record ${x.item} ${x.owner.name}`;
    if (x.kind === "reassign") return `reassign ${x.entry.item} ${x.owner.name}`;
    return `release ${x.entry.item}`;
  });
}

test("planRepair", async (t) => {
  const cases: {
    name: string;
    input: RepairInput;
    actions: string[];
    suspects: [string, number][];
    conflicts?: string[];
  }[] = [
    {
      name: "owned key is left alone",
      input: { entries: [entry("1", a)], claims: new Map([["1", [a]]]), suspects: new Map() },
      actions: [],
      suspects: [],
    },
    {
      name: "orphan seen for the first time becomes a suspect",
      input: { entries: [entry("1", a)], claims: new Map(), suspects: new Map() },
      actions: [],
      suspects: [["/p/1", 5]],
    },
    {
      name: "orphan seen twice at the same revision is released",
      input: { entries: [entry("1", a)], claims: new Map(), suspects: new Map([["/p/1", 5]]) },
      actions: ["release 1"],
      suspects: [],
    },
    {
      name: "orphan rewritten since the last run starts its grace again",
      input: { entries: [entry("1", a, 9)], claims: new Map(), suspects: new Map([["/p/1", 5]]) },
      actions: [],
      suspects: [["/p/1", 9]],
    },
    {
      name: "owner recreated with a new uid: the key is an orphan, then handed over",
      input: { entries: [entry("1", a)], claims: new Map([["1", [aRecreated]]]), suspects: new Map([["/p/1", 5]]) },
      actions: ["reassign 1 a"],
      suspects: [],
    },
    {
      name: "unreadable value counts as an orphan",
      input: { entries: [entry("1", undefined)], claims: new Map(), suspects: new Map() },
      actions: [],
      suspects: [["/p/1", 5]],
    },
    {
      name: "claimed without a key is recorded at once",
      input: { entries: [], claims: new Map([["2", [b]]]), suspects: new Map() },
      actions: ["record 2 b"],
      suspects: [],
    },
    {
      name: "double claim is reported and the key holder keeps it",
      input: { entries: [entry("3", b)], claims: new Map([["3", [a, b]]]), suspects: new Map() },
      actions: [],
      suspects: [],
      conflicts: ["3 a,b"],
    },
    {
      name: "suspects of keys that vanished are forgotten",
      input: { entries: [], claims: new Map(), suspects: new Map([["/p/9", 1]]) },
      actions: [],
      suspects: [],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const plan = planRepair(c.input);
      assert.deepEqual(describe(plan.actions), c.actions);
      assert.deepEqual([...plan.suspects], c.suspects);
      assert.deepEqual(
        plan.conflicts.map((x) => `${x.item} ${x.owners.map((o) => o.name).join(",")}`),
        c.conflicts ?? [],
      );
    });
  }
});
