import { test } from "node:test";
import assert from "node:assert/strict";
import type { BootstrapTokenSecret } from "./bootstrap-token.js";
import { bootstrapTokenSecret } from "./bootstrap-token.js";
import { BootstrapTokenAuthenticator } from "./bootstrap-token-authenticator.js";

const token = { id: "abcdef", secret: "0123456789abcdef" };
const text = "abcdef.0123456789abcdef";
const start = new Date("2026-11-27T06:00:00Z");

/** An authenticator over a one-Secret "store" with a hand-moved clock; counts store reads. */
function setup(o: { ttlMs?: number; cacheMs?: number } = {}) {
  const state = { now: start, reads: 0, secret: bootstrapTokenSecret({ token, now: start, ttlMs: o.ttlMs ?? 60_000 }) as BootstrapTokenSecret | undefined };
  const auth = new BootstrapTokenAuthenticator({
    now: () => state.now,
    cacheMs: o.cacheMs ?? 10_000,
    find: async (name) => {
      state.reads++;
      return name === state.secret?.metadata.name ? state.secret : undefined;
    },
  });
  return { state, auth, advance: (ms: number) => (state.now = new Date(state.now.getTime() + ms)) };
}

test("a bootstrap token authenticates as system:bootstrap:<id>", async () => {
  const { auth } = setup();
  assert.deepEqual(await auth.authenticate(text), { kind: "ok", user: { name: "system:bootstrap:abcdef", groups: ["system:bootstrappers", "system:authenticated"] } });
});

test("other tokens are not ours and cost no store read", async () => {
  const { auth, state } = setup();
  assert.deepEqual(await auth.authenticate("test-token-0123456789"), { kind: "not-ours" });
  assert.equal(state.reads, 0);
});

test("a wrong secret fails and is not remembered", async () => {
  const { auth, state } = setup();
  const got = await auth.authenticate("abcdef.ffffffffffffffff");
  assert.equal(got.kind, "failed");
  await auth.authenticate("abcdef.ffffffffffffffff");
  assert.equal(state.reads, 2);
});

test("success is reused for cacheMs, then the Secret is read again (a deleted token stops working)", async () => {
  const { auth, state, advance } = setup();
  await auth.authenticate(text);
  advance(5_000);
  assert.equal((await auth.authenticate(text)).kind, "ok");
  assert.equal(state.reads, 1, "second check from the cache");
  state.secret = undefined;
  advance(5_000);
  assert.equal((await auth.authenticate(text)).kind, "failed", "after 10 s the deletion is seen");
  assert.equal(state.reads, 2);
});

test("a cached token still expires on time", async () => {
  const { auth, advance } = setup({ ttlMs: 3_000 });
  assert.equal((await auth.authenticate(text)).kind, "ok");
  advance(3_000);
  const got = await auth.authenticate(text);
  assert.ok(got.kind === "failed" && /expired/.test(got.error), JSON.stringify(got));
});

test("cacheMs 0 reads the store every time", async () => {
  const { auth, state } = setup({ cacheMs: 0 });
  await auth.authenticate(text);
  await auth.authenticate(text);
  assert.equal(state.reads, 2);
});
