// The bounded fuzz run of `make test` (issue 11, point 4): hostile requests against every verb
// of every served resource through ApiServer.inject. Each answer must be a 2xx (where the case
// allows one) or a 4xx Status, never a 5xx or a throw; the server must keep answering a plain
// GET quickly; and every stored object outside the scratch namespace must be unchanged.
//
// The run is time-boxed. Its seed is printed; replay a failure with SVCNET_FUZZ_SEED=<seed>
// (and SVCNET_FUZZ_CASES / SVCNET_FUZZ_MS to change the bounds).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { METALLB_NAMESPACE } from "../../api/metallb-types.js";
import { resources } from "../../api/resources.js";
import type { TestApi } from "../test-api.js";
import { startTestApi, testToken } from "../test-api.js";
import type { FuzzTargets } from "./fuzz-cases.js";
import { describeCase, fuzzCase, targetOf } from "./fuzz-cases.js";
import { runCase } from "./fuzz-runner.js";
import { resourcePath } from "./hostile-path.js";
import { freshSeed, parseSeed } from "./random.js";
import type { StoreSnapshot } from "./store-snapshot.js";
import { isScratch, snapshotChanges, snapshotStore } from "./store-snapshot.js";
import { validObject } from "./valid-objects.js";

const seed = parseSeed(process.env.SVCNET_FUZZ_SEED) ?? freshSeed();
// About 20 s for 8,000 cases on a quiet machine; the time box keeps a busy one within a minute.
const maxCases = Number(process.env.SVCNET_FUZZ_CASES ?? 8000);
const budgetMs = Number(process.env.SVCNET_FUZZ_MS ?? 40_000);
const batch = 100;

const targets: FuzzTargets = { protectedNamespace: "fuzz-fixed", scratchNamespace: "fuzz-scratch", token: testToken };

/**
 * Creates the valid object of every kind for a class (409 is fine), after the namespace's
 * default service account, which pods need and a fuzz case may have deleted. Scratch objects
 * a case left terminating (no kubelet or controller finishes them here) are removed first, so
 * that later cases delete them gracefully again rather than find them half gone.
 */
async function seedObjects(t: TestApi, cls: "protected" | "scratch"): Promise<void> {
  const namespace = cls === "protected" ? targets.protectedNamespace : targets.scratchNamespace;
  if (cls === "scratch") {
    for (const kv of (await t.store.list("/registry/")).items) {
      if (isScratch(kv.key, kv.value, namespace) && (JSON.parse(kv.value) as { metadata?: { deletionTimestamp?: string } }).metadata?.deletionTimestamp) await t.store.delete(kv.key);
    }
  }
  await t.request("POST", `/api/v1/namespaces/${namespace}/serviceaccounts`, { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } } });
  for (const r of resources) {
    const { namespace: ns, name } = targetOf(r, targets, cls);
    const res = await t.request("POST", resourcePath(r, { namespace: ns }), { body: validObject(r, ns, name) });
    if (res.status !== 201 && res.status !== 409 && cls === "protected") assert.fail(`seeding ${r.resource} ${name}: ${res.status} ${String(res.body)}`);
  }
}

/** Own properties of the built-in prototypes, to notice prototype pollution. */
function prototypeShape(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join(",")).join("|");
}

describe("API fuzz: hostile requests to every endpoint (in-process)", () => {
  let t: TestApi;
  let before_: StoreSnapshot;
  const shape = prototypeShape();

  before(async () => {
    t = await startTestApi({ cacheCapacity: 2000 });
    for (const ns of [targets.protectedNamespace, targets.scratchNamespace, METALLB_NAMESPACE]) {
      const res = await t.request("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } } });
      assert.equal(res.status, 201, String(res.body));
    }
    // The node the valid pods are bound to, so that deleting them takes the graceful path.
    const node = await t.request("POST", "/api/v1/nodes", { body: { apiVersion: "v1", kind: "Node", metadata: { name: "fuzz-node" } } });
    assert.equal(node.status, 201, String(node.body));
    await seedObjects(t, "protected");
    before_ = await snapshotStore(t.store, targets.scratchNamespace);
    await seedObjects(t, "scratch");
  });
  after(() => t?.close());

  test("answers are 2xx or 4xx Status, never 5xx; the server stays responsive; stored data is unchanged", async (tt) => {
    tt.diagnostic(`fuzz seed ${seed}: replay with SVCNET_FUZZ_SEED=${seed}`);
    const started = Date.now();
    const failures: string[] = [];
    let ran = 0;
    let slowest = { ms: 0, index: -1 };
    for (let i = 0; i < maxCases && Date.now() - started < budgetMs && failures.length < 10; i++) {
      const c = fuzzCase(seed, i, targets);
      const { problems, ms } = await runCase(t.api, c);
      ran++;
      if (ms > slowest.ms) slowest = { ms, index: i };
      if (problems.length) failures.push(`${describeCase(c)}\n  → ${problems.join("\n  → ")}`);
      if ((i + 1) % batch === 0) {
        const probe = performance.now();
        const res = await t.request("GET", resourcePath(resources[0], { name: targets.protectedNamespace }));
        const probeMs = performance.now() - probe;
        if (res.status !== 200 || probeMs > 2000) failures.push(`after case ${i}: a plain GET answered ${res.status} in ${Math.round(probeMs)} ms`);
        await seedObjects(t, "scratch");
        await t.store.compact(await t.store.currentRevision());
      }
    }
    tt.diagnostic(`${ran} cases in ${Date.now() - started} ms; slowest #${slowest.index} ${Math.round(slowest.ms)} ms`);
    const changes = snapshotChanges(before_, await snapshotStore(t.store, targets.scratchNamespace), targets.protectedNamespace);
    if (changes.length) failures.push(`stored data changed:\n  ${changes.slice(0, 10).join("\n  ")}`);
    if (prototypeShape() !== shape) failures.push("a built-in prototype gained or lost properties (prototype pollution)");
    assert.deepEqual(failures, [], `fuzz seed ${seed} (replay with SVCNET_FUZZ_SEED=${seed}):\n${failures.join("\n\n")}`);
  });
});
