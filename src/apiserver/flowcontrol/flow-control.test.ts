import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock } from "../../client/clock.js";
import { parseRequestInfo } from "../request-info.js";
import { requestVerb } from "../request-verb.js";
import type { UserInfo } from "../user-info.js";
import type { Admission, FlowControlOptions } from "./flow-control.js";
import { FlowControl, builtinUid, tooManyRequestsResponse } from "./flow-control.js";
import type { RequestDigest } from "./flow-schemas.js";
import { requestDigest } from "./request-digest.js";

const user = (name: string): UserInfo => ({ name, groups: [] });
const admin: UserInfo = { name: "admin", groups: ["system:masters"] };

function get(u: UserInfo | undefined, path = "/api/v1/namespaces/default/configmaps/x", query = ""): RequestDigest {
  const info = parseRequestInfo(path);
  return requestDigest(requestVerb("GET", info, new URLSearchParams(query)), info, u);
}

/**
 * A gate whose global-default level has `seats` seats: each user its own flow there. The
 * suggested levels' shares put global-default at 20 of 245, so 12 server seats give it one.
 */
function gate(o: Partial<FlowControlOptions> & { clock?: FakeClock } = {}): FlowControl {
  return new FlowControl({ maxRequestsInflight: 8, maxMutatingRequestsInflight: 4, requestWaitLimitMs: 1000, ...o });
}

/** Whether a promise has settled, after letting pending callbacks run. */
async function settled<T>(p: Promise<T>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

function globalDefault(fc: FlowControl): { executing: number; waiting: number; rejected: number } {
  const l = fc.levels().find((x) => x.name === "global-default");
  assert.ok(l);
  return { executing: l.executing, waiting: l.waiting, rejected: l.rejected };
}

test("FlowControl: 12 server seats give global-default one; a second request waits and gets the seat when the first releases it", async () => {
  const clock = new FakeClock();
  const fc = gate({ clock });
  assert.equal(fc.levels().find((l) => l.name === "global-default")?.seats, 1);
  const first = await fc.admit(get(user("alice")));
  assert.ok(first.release);
  const second = fc.admit(get(user("alice")));
  assert.equal(await settled(second), false);
  assert.deepEqual(globalDefault(fc), { executing: 1, waiting: 1, rejected: 0 });
  first.release();
  first.release(); // twice frees one seat only
  const s = await second;
  assert.ok(s.release);
  assert.deepEqual(globalDefault(fc), { executing: 1, waiting: 0, rejected: 0 });
  s.release();
  assert.deepEqual(globalDefault(fc), { executing: 0, waiting: 0, rejected: 0 });
  assert.equal(clock.pendingTimers, 0, "no wait limit timer once nothing waits");
});

test("FlowControl: exempt, long-running and other levels' requests do not wait for a full level", async () => {
  const fc = gate();
  const hog = await fc.admit(get(user("mallory")));
  const cases: { name: string; digest: RequestDigest; level: string }[] = [
    { name: "system:masters", digest: get(admin), level: "exempt" },
    { name: "a probe", digest: get(undefined, "/livez"), level: "exempt" },
    { name: "a watch of the same user", digest: get(user("mallory"), "/api/v1/configmaps", "watch=1"), level: "global-default" },
    { name: "logs of the same user", digest: get(user("mallory"), "/api/v1/namespaces/default/pods/web/log"), level: "global-default" },
    { name: "a service account", digest: get({ name: "system:serviceaccount:default:app", groups: ["system:serviceaccounts"] }), level: "workload-low" },
  ];
  for (const c of cases) {
    const a = fc.admit(c.digest);
    assert.equal(await settled(a), true, c.name);
    const got = await a;
    assert.ok(got.release, c.name);
    assert.equal(got.priorityLevel, c.level, c.name);
    got.release();
  }
  assert.deepEqual(globalDefault(fc), { executing: 1, waiting: 0, rejected: 0 });
  hog.release?.();
});

test("FlowControl: one user's flood does not delay another user's request by more than one seat's turn", async () => {
  const fc = gate({ maxRequestsInflight: 40, maxMutatingRequestsInflight: 0 }); // global-default: 4 seats
  const running: Admission[] = [];
  for (let i = 0; i < 4; i++) running.push(await fc.admit(get(user("mallory"))));
  const flood = Array.from({ length: 40 }, () => fc.admit(get(user("mallory"))));
  const bob = fc.admit(get(user("bob")));
  assert.equal(await settled(bob), false);
  running[0].release?.();
  assert.equal(await settled(bob), true, "bob's request takes the first seat to free");
  assert.equal(globalDefault(fc).waiting, 40);
  (await bob).release?.();
  for (const r of running.slice(1)) r.release?.();
  for (const p of flood) (await p).release?.();
  assert.deepEqual(globalDefault(fc), { executing: 0, waiting: 0, rejected: 0 });
});

test("FlowControl: a full queue is refused without waiting for a seat, after the rejection delay, with the classification's headers", async () => {
  const clock = new FakeClock();
  const fc = gate({ clock, rejectionDelayMs: 250 });
  const hog = await fc.admit(get(user("mallory")));
  const queued = Array.from({ length: 50 }, () => fc.admit(get(user("mallory"))));
  const refusing = fc.admit(get(user("mallory")));
  clock.advance(249);
  assert.equal(await settled(refusing), false, "the refusal is held back");
  clock.advance(1);
  const rejected = await refusing;
  assert.equal(rejected.release, undefined);
  assert.deepEqual(rejected.headers, {
    "x-kubernetes-pf-flowschema-uid": builtinUid("flowschema", "global-default"),
    "x-kubernetes-pf-prioritylevel-uid": builtinUid("prioritylevelconfiguration", "global-default"),
  });
  assert.match(rejected.headers["x-kubernetes-pf-flowschema-uid"], /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.deepEqual(globalDefault(fc), { executing: 1, waiting: 50, rejected: 1 });
  hog.release?.();
  for (const p of queued) (await p).release?.();
});

test("FlowControl: a request waiting past the wait limit is rejected (fake clock)", async () => {
  const clock = new FakeClock();
  const fc = gate({ clock });
  const hog = await fc.admit(get(user("mallory")));
  const waiting = fc.admit(get(user("bob")));
  clock.advance(999);
  assert.equal(await settled(waiting), false);
  clock.advance(1);
  const a = await waiting;
  assert.equal(a.release, undefined);
  assert.deepEqual(globalDefault(fc), { executing: 1, waiting: 0, rejected: 1 });
  hog.release?.();
  assert.equal(clock.pendingTimers, 0);
});

test("FlowControl: a request whose client goes away stops waiting and leaves the queue", async () => {
  const clock = new FakeClock();
  const fc = gate({ clock });
  const hog = await fc.admit(get(user("mallory")));
  const gone = new AbortController();
  const waiting = fc.admit(get(user("bob")), gone.signal);
  assert.equal(await settled(waiting), false);
  gone.abort();
  assert.equal((await waiting).release, undefined);
  assert.equal(clock.pendingTimers, 0);
  assert.deepEqual(globalDefault(fc), { executing: 1, waiting: 0, rejected: 1 });
  hog.release?.();
  assert.deepEqual(globalDefault(fc), { executing: 0, waiting: 0, rejected: 1 });
});

test("FlowControl: a refused request whose client goes away during the rejection delay is answered at once", async () => {
  const clock = new FakeClock();
  // One level, one seat, no queue: everything lands in catch-all, and the second request is refused.
  const fc = gate({ clock, maxRequestsInflight: 1, maxMutatingRequestsInflight: 0, priorityLevels: [{ name: "catch-all", type: "Limited", nominalConcurrencyShares: 1 }], flowSchemas: [] });
  const hog = await fc.admit(get(user("mallory")));
  const gone = new AbortController();
  const refusing = fc.admit(get(user("mallory")), gone.signal);
  assert.equal(await settled(refusing), false);
  gone.abort();
  assert.equal((await refusing).release, undefined);
  assert.equal(clock.pendingTimers, 0);
  hog.release?.();
});

test("FlowControl: a schema that names a missing level is a configuration error", () => {
  assert.throws(
    () => gate({ flowSchemas: [{ name: "x", priorityLevel: "nope", matchingPrecedence: 1, rules: [] }] }),
    /flow schema x names priority level nope, which does not exist/,
  );
  assert.throws(() => gate({ priorityLevels: [{ name: "exempt", type: "Exempt" }], flowSchemas: [] }), /a limited priority level named catch-all/);
});

test("tooManyRequestsResponse: kube-apiserver's plain-text 429 with Retry-After: 1", () => {
  assert.deepEqual(tooManyRequestsResponse(), {
    status: 429,
    headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", "retry-after": "1" },
    body: "Too many requests, please try again later.\n",
  });
});
