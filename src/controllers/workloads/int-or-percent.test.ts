import { test } from "node:test";
import assert from "node:assert/strict";
import type { IntOrString } from "../../api/types.js";
import { InvalidIntOrPercentError, resolveFenceposts, scaledValue } from "./int-or-percent.js";

test("scaledValue resolves ints and percentages", async (t) => {
  const cases: { name: string; v: IntOrString | undefined; total: number; up: boolean; want?: number; err?: string }[] = [
    { name: "int", v: 3, total: 10, up: true, want: 3 },
    { name: "25% of 10 up", v: "25%", total: 10, up: true, want: 3 },
    { name: "25% of 10 down", v: "25%", total: 10, up: false, want: 2 },
    { name: "exact percentage", v: "50%", total: 4, up: false, want: 2 },
    { name: "0%", v: "0%", total: 7, up: true, want: 0 },
    { name: "100%", v: "100%", total: 7, up: false, want: 7 },
    { name: "nil", v: undefined, total: 1, up: true, err: "nil value for IntOrString" },
    { name: "not a percentage", v: "5", total: 1, up: true, err: "invalid value for IntOrString: invalid type: string is not a percentage" },
    { name: "bad number", v: "x%", total: 1, up: true, err: `invalid value for IntOrString: invalid value "x%": strconv.Atoi: parsing "x": invalid syntax` },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (c.err !== undefined) assert.throws(() => scaledValue(c.v, c.total, c.up), (e: unknown) => e instanceof InvalidIntOrPercentError && e.message === c.err);
      else assert.equal(scaledValue(c.v, c.total, c.up), c.want);
    });
  }
});

test("resolveFenceposts", async (t) => {
  const cases: { name: string; surge?: IntOrString; unavailable?: IntOrString; replicas: number; want: { surge: number; unavailable: number } }[] = [
    { name: "defaults on 3 replicas", surge: "25%", unavailable: "25%", replicas: 3, want: { surge: 1, unavailable: 0 } },
    { name: "defaults on 10 replicas", surge: "25%", unavailable: "25%", replicas: 10, want: { surge: 3, unavailable: 2 } },
    { name: "both zero → one unavailable", surge: 0, unavailable: 0, replicas: 5, want: { surge: 0, unavailable: 1 } },
    { name: "both percent zero on 1 replica", surge: "0%", unavailable: "25%", replicas: 1, want: { surge: 0, unavailable: 1 } },
    { name: "absent values are 0", replicas: 4, want: { surge: 0, unavailable: 1 } },
    { name: "absolute numbers", surge: 3, unavailable: 2, replicas: 10, want: { surge: 3, unavailable: 2 } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(resolveFenceposts(c.surge, c.unavailable, c.replicas), c.want));
});
