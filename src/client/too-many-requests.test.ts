// A 429 with Retry-After from the server's flow control is sent again after that long, as
// client-go does; without Retry-After, or after ten tries, it is the caller's error.

import assert from "node:assert/strict";
import { test } from "node:test";
import { ClientError } from "./client-error.js";
import { KubeClient } from "./rest-client.js";
import { coreResource } from "./test-fixtures.js";
import type { ClientRequest, ClientResponse, Transport } from "./transport.js";

const tooMany = (retryAfter?: string): ClientResponse => ({
  status: 429,
  headers: retryAfter === undefined ? {} : { "retry-after": retryAfter },
  // kube-apiserver's flow control answers in plain text, not with a Status.
  body: "Too many requests, please try again later.\n",
});
const ok: ClientResponse = { status: 200, headers: {}, body: JSON.stringify({ metadata: { name: "kubernetes", namespace: "default" } }) };

/** Answers from a script, one per request, and counts the requests. */
function scripted(answers: ClientResponse[]): Transport & { sent: ClientRequest[] } {
  const sent: ClientRequest[] = [];
  return {
    sent,
    request: (r) => {
      sent.push(r);
      return Promise.resolve(answers[Math.min(sent.length - 1, answers.length - 1)]);
    },
  };
}

const cases: { name: string; answers: ClientResponse[]; sends: number; ok: boolean }[] = [
  { name: "429 with Retry-After: 0, then 200: sent again", answers: [tooMany("0"), tooMany("0"), ok], sends: 3, ok: true },
  { name: "429 without Retry-After: not sent again", answers: [tooMany(), ok], sends: 1, ok: false },
  { name: "429 with a date for Retry-After: not sent again", answers: [tooMany("Wed, 21 Oct 2026 07:28:00 GMT"), ok], sends: 1, ok: false },
  { name: "429 every time: ten more tries, then the error", answers: [tooMany("0")], sends: 11, ok: false },
];

for (const c of cases) {
  test(`too many requests: ${c.name}`, async () => {
    const t = scripted(c.answers);
    const client = new KubeClient(t, coreResource("services"));
    if (c.ok) assert.equal((await client.get("default", "kubernetes")).metadata.name, "kubernetes");
    else await assert.rejects(client.get("default", "kubernetes"), (e: unknown) => e instanceof ClientError && e.code === 429);
    assert.equal(t.sent.length, c.sends);
  });
}

test("too many requests: the wait honours Retry-After (1 s)", async () => {
  const t = scripted([tooMany("1"), ok]);
  const started = Date.now();
  await new KubeClient(t, coreResource("services")).get("default", "kubernetes");
  assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
});
