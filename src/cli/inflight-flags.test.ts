// Table tests of `svcnet server`'s --max-requests-inflight and --max-mutating-requests-inflight.

import { test } from "node:test";
import assert from "node:assert/strict";
import { parseInflightFlags } from "./inflight-flags.js";

const cases: { name: string; reads: string; mutating: string; want: ReturnType<typeof parseInflightFlags> }[] = [
  { name: "the defaults", reads: "40", mutating: "20", want: { ok: true, value: { maxRequestsInflight: 40, maxMutatingRequestsInflight: 20 } } },
  { name: "kube-apiserver's defaults", reads: "400", mutating: "200", want: { ok: true, value: { maxRequestsInflight: 400, maxMutatingRequestsInflight: 200 } } },
  { name: "one of them 0", reads: "0", mutating: "8", want: { ok: true, value: { maxRequestsInflight: 0, maxMutatingRequestsInflight: 8 } } },
  { name: "both 0, as kube-apiserver refuses", reads: "0", mutating: "0", want: { ok: false, error: "--max-requests-inflight and --max-mutating-requests-inflight must add up to something positive, got 0 and 0" } },
  { name: "negative", reads: "-1", mutating: "50", want: { ok: false, error: '--max-requests-inflight must be a whole number, got "-1"' } },
  { name: "not a number", reads: "100", mutating: "lots", want: { ok: false, error: '--max-mutating-requests-inflight must be a whole number, got "lots"' } },
];

for (const c of cases) {
  test(`parseInflightFlags: ${c.name}`, () => {
    assert.deepEqual(parseInflightFlags({ reads: c.reads, mutating: c.mutating }), c.want);
  });
}
