import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../client/index.js";
import { Expectations } from "./expectations.js";

type Step = (e: Expectations, clock: FakeClock) => void;

test("Expectations", async (t) => {
  const cases: { name: string; steps: Step[]; satisfied: boolean }[] = [
    { name: "nothing recorded", steps: [], satisfied: true },
    { name: "creations outstanding", steps: [(e) => e.expectCreations("ns/a", 2), (e) => e.creationObserved("ns/a")], satisfied: false },
    { name: "every creation observed", steps: [(e) => e.expectCreations("ns/a", 2), (e) => e.creationObserved("ns/a"), (e) => e.creationObserved("ns/a")], satisfied: true },
    { name: "skipped creations lowered at once", steps: [(e) => e.expectCreations("ns/a", 7), (e) => e.creationObserved("ns/a", 7)], satisfied: true },
    { name: "more creations than expected", steps: [(e) => e.expectCreations("ns/a", 1), (e) => e.creationObserved("ns/a"), (e) => e.creationObserved("ns/a")], satisfied: true },
    { name: "deletions outstanding", steps: [(e) => e.expectDeletions("ns/a", ["ns/p1", "ns/p2"]), (e) => e.deletionObserved("ns/a", "ns/p1")], satisfied: false },
    { name: "an unexpected deletion changes nothing", steps: [(e) => e.expectDeletions("ns/a", ["ns/p1"]), (e) => e.deletionObserved("ns/a", "ns/other")], satisfied: false },
    { name: "every deletion observed", steps: [(e) => e.expectDeletions("ns/a", ["ns/p1"]), (e) => e.deletionObserved("ns/a", "ns/p1")], satisfied: true },
    { name: "expired after the TTL", steps: [(e) => e.expectCreations("ns/a", 3), (_e, c) => c.advance(5 * 60_000 + 1)], satisfied: true },
    { name: "not expired at the TTL", steps: [(e) => e.expectCreations("ns/a", 3), (_e, c) => c.advance(5 * 60_000)], satisfied: false },
    { name: "forgotten", steps: [(e) => e.expectCreations("ns/a", 3), (e) => e.forget("ns/a")], satisfied: true },
    { name: "another owner's record does not count", steps: [(e) => e.expectCreations("ns/b", 3)], satisfied: true },
    { name: "a new expectation replaces the old", steps: [(e) => e.expectCreations("ns/a", 3), (e) => e.expectDeletions("ns/a", [])], satisfied: true },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const clock = new FakeClock();
      const e = new Expectations({ clock });
      for (const s of c.steps) s(e, clock);
      assert.equal(e.satisfied("ns/a"), c.satisfied);
    });
  }
});
