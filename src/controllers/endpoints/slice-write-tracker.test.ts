import assert from "node:assert/strict";
import { test } from "node:test";
import type { EndpointSlice } from "../../api/types.js";
import { FakeClock } from "../../client/index.js";
import { SliceWriteTracker, atLeast } from "./slice-write-tracker.js";

function slice(name: string, resourceVersion: string): EndpointSlice {
  return { metadata: { namespace: "default", name, resourceVersion }, addressType: "IPv4", endpoints: null };
}

test("atLeast", async (t) => {
  const cases: { name: string; cached: string | undefined; written: string; want: boolean }[] = [
    { name: "same", cached: "42", written: "42", want: true },
    { name: "newer", cached: "43", written: "42", want: true },
    { name: "older", cached: "41", written: "42", want: false },
    { name: "newer with more digits", cached: "100", written: "99", want: true },
    { name: "older with fewer digits", cached: "99", written: "100", want: false },
    { name: "not cached", cached: undefined, written: "1", want: false },
    { name: "opaque versions only match exactly", cached: "b", written: "a", want: false },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(atLeast(c.cached, c.written), c.want));
});

test("SliceWriteTracker", async (t) => {
  const key = "default/web";
  const cases: { name: string; act: (tr: SliceWriteTracker, clock: FakeClock) => void; cache: EndpointSlice[]; want: boolean }[] = [
    { name: "nothing written", act: () => undefined, cache: [], want: false },
    { name: "created, not yet cached", act: (tr) => tr.wrote(key, slice("web-a", "10")), cache: [], want: true },
    { name: "created and cached", act: (tr) => tr.wrote(key, slice("web-a", "10")), cache: [slice("web-a", "10")], want: false },
    { name: "updated, cache has the older version", act: (tr) => tr.wrote(key, slice("web-a", "12")), cache: [slice("web-a", "10")], want: true },
    { name: "updated, cache already newer", act: (tr) => tr.wrote(key, slice("web-a", "12")), cache: [slice("web-a", "15")], want: false },
    { name: "deleted, still cached", act: (tr) => tr.deleted(key, "web-a"), cache: [slice("web-a", "10")], want: true },
    { name: "deleted and gone", act: (tr) => tr.deleted(key, "web-a"), cache: [], want: false },
    { name: "another service's write does not count", act: (tr) => tr.wrote("default/other", slice("other-a", "10")), cache: [], want: false },
    {
      name: "an unseen write expires",
      act: (tr, clock) => {
        tr.wrote(key, slice("web-a", "10"));
        clock.advance(10_000);
      },
      cache: [],
      want: false,
    },
    {
      name: "one of two writes still missing",
      act: (tr) => {
        tr.wrote(key, slice("web-a", "10"));
        tr.wrote(key, slice("web-b", "11"));
      },
      cache: [slice("web-a", "10")],
      want: true,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const clock = new FakeClock(1_000);
      const tr = new SliceWriteTracker({ clock });
      c.act(tr, clock);
      const byName = new Map(c.cache.map((s) => [s.metadata.name ?? "", s]));
      assert.equal(tr.isStale(key, (n) => byName.get(n)), c.want);
    });
  }

  await t.test("seen entries are forgotten, so a later lookup miss is not stale", () => {
    const tr = new SliceWriteTracker({ clock: new FakeClock(0) });
    tr.wrote(key, slice("web-a", "10"));
    assert.equal(tr.isStale(key, () => slice("web-a", "10")), false);
    assert.equal(tr.isStale(key, () => undefined), false);
  });

  await t.test("msUntilExpiry counts down from the oldest pending write", () => {
    const clock = new FakeClock(0);
    const tr = new SliceWriteTracker({ clock, expiryMs: 1_000 });
    assert.equal(tr.msUntilExpiry(key), 0);
    tr.wrote(key, slice("web-a", "10"));
    clock.advance(300);
    tr.wrote(key, slice("web-b", "11"));
    assert.equal(tr.msUntilExpiry(key), 700);
  });
});
