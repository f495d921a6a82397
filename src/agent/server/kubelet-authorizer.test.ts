import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock, InProcessTransport } from "../../client/index.js";
import { startTestApi, testToken } from "../../apiserver/test-api.js";
import type { AccessReviewer, KubeletUser } from "./kubelet-authorizer.js";
import { KubeletAuthorizer, subjectAccessReviewer } from "./kubelet-authorizer.js";
import type { KubeletRequestAttributes } from "./kubelet-request-attributes.js";

const jane: KubeletUser = { name: "jane", groups: ["system:authenticated"] };
const get: KubeletRequestAttributes = { verb: "get", subresource: "proxy", name: "n1" };
const create: KubeletRequestAttributes = { verb: "create", subresource: "proxy", name: "n1" };

/** A reviewer that answers from `answers` (by verb) and counts the reviews it made. */
function fakeReviewer(answers: Record<string, boolean | Error>): AccessReviewer & { calls: number } {
  const review = async (_user: KubeletUser, attrs: KubeletRequestAttributes) => {
    review.calls++;
    const a = answers[attrs.verb];
    if (a instanceof Error) throw a;
    return { allowed: a === true };
  };
  review.calls = 0;
  return review;
}

test("KubeletAuthorizer keeps answers as kubelet does: allowed 5 minutes, denied 30 seconds", async (t) => {
  const cases: { name: string; attrs: KubeletRequestAttributes; allowed: boolean; keptMs: number }[] = [
    { name: "an allowed answer", attrs: get, allowed: true, keptMs: 5 * 60_000 },
    { name: "a denied answer", attrs: create, allowed: false, keptMs: 30_000 },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const clock = new FakeClock();
      const review = fakeReviewer({ get: true, create: false });
      const authz = new KubeletAuthorizer({ review, clock });
      assert.equal(await authz.allowed(jane, c.attrs), c.allowed);
      clock.advance(c.keptMs - 1);
      assert.equal(await authz.allowed(jane, c.attrs), c.allowed);
      assert.equal(review.calls, 1, "answered from the cache");
      clock.advance(1);
      assert.equal(await authz.allowed(jane, c.attrs), c.allowed);
      assert.equal(review.calls, 2, "asked again once expired");
    });
  }
});

test("KubeletAuthorizer keys its answers by user, groups and attributes", async () => {
  const review = fakeReviewer({ get: true });
  const authz = new KubeletAuthorizer({ review, clock: new FakeClock() });
  await authz.allowed(jane, get);
  await authz.allowed({ name: "jane", groups: ["system:authenticated", "admins"] }, get);
  await authz.allowed({ name: "joe", groups: ["system:authenticated"] }, get);
  await authz.allowed(jane, { ...get, name: "n2" });
  await authz.allowed({ name: "jane", groups: ["system:authenticated"] }, { ...get });
  assert.equal(review.calls, 4);
});

test("KubeletAuthorizer does not keep a failed review, and keeps at most maxEntries answers", async () => {
  const failing = fakeReviewer({ get: new Error("connection refused") });
  const authz = new KubeletAuthorizer({ review: failing, clock: new FakeClock() });
  await assert.rejects(authz.allowed(jane, get), /connection refused/);
  await assert.rejects(authz.allowed(jane, get), /connection refused/);
  assert.equal(failing.calls, 2);

  const review = fakeReviewer({ get: true });
  const small = new KubeletAuthorizer({ review, clock: new FakeClock(), maxEntries: 2 });
  for (const name of ["n1", "n2", "n3", "n1"]) await small.allowed(jane, { ...get, name });
  assert.equal(review.calls, 4, "n1, the oldest, was dropped for n3");
});

test("subjectAccessReviewer asks the API with a SubjectAccessReview for nodes/<subresource>", async () => {
  const api = await startTestApi();
  try {
    const review = subjectAccessReviewer(new InProcessTransport(api.api, { token: testToken }));
    assert.equal((await review({ name: "kube-apiserver-kubelet-client", groups: ["system:authenticated"] }, create)).allowed, true, "system:kubelet-api-admin");
    assert.equal((await review(jane, get)).allowed, false);
    assert.equal((await review({ name: "root", groups: ["system:masters"] }, create)).allowed, true);
  } finally {
    api.close();
  }
});
