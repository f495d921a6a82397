import { test } from "node:test";
import assert from "node:assert/strict";
import { ClientError, isAlreadyExists, isConflict, isExpired, isNotFound } from "./client-error.js";

const status = (code: number, reason: string, message: string): string => JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason, message });

const cases: { name: string; code: number; body?: string; reason: string; message: string; is?: (e: unknown) => boolean }[] = [
  { name: "a Status body is taken as is", code: 404, body: status(404, "NotFound", 'pods "x" not found'), reason: "NotFound", message: 'pods "x" not found', is: isNotFound },
  { name: "AlreadyExists and Conflict share 409 but not the predicate", code: 409, body: status(409, "AlreadyExists", "exists"), reason: "AlreadyExists", message: "exists", is: isAlreadyExists },
  { name: "Conflict", code: 409, body: status(409, "Conflict", "modified"), reason: "Conflict", message: "modified", is: isConflict },
  { name: "410 Expired", code: 410, body: status(410, "Expired", "too old resource version: 1 (5)"), reason: "Expired", message: "too old resource version: 1 (5)", is: isExpired },
  { name: "410 without a body is still expired", code: 410, reason: "Gone", message: "the server responded with the status code 410 but did not return more information", is: isExpired },
  { name: "plain text 500", code: 500, body: "boom\n", reason: "InternalError", message: 'an error on the server ("boom") has prevented the request from succeeding' },
  { name: "plain text 502: an internal error in client-go's words", code: 502, body: "bad gateway", reason: "InternalError", message: 'an error on the server ("bad gateway") has prevented the request from succeeding' },
  { name: "plain text 429 (kube-apiserver's flow control)", code: 429, body: "Too many requests, please try again later.\n", reason: "TooManyRequests", message: "the server has received too many requests and has asked us to try again later" },
  { name: "plain text 403 keeps the server's words", code: 403, body: "forbidden: no\n", reason: "Forbidden", message: "forbidden: no" },
  { name: "404 without a Status", code: 404, body: "404 page not found\n", reason: "NotFound", message: "the server could not find the requested resource", is: isNotFound },
  { name: "unknown code", code: 418, body: "", reason: "Unknown", message: "the server responded with the status code 418 but did not return more information" },
];

for (const c of cases) {
  test(c.name, () => {
    const e = ClientError.fromResponse(c.code, c.body);
    assert.equal(e.code, c.code);
    assert.equal(e.reason, c.reason);
    assert.equal(e.message, c.message);
    if (c.is) assert.ok(c.is(e));
    if (c.is !== isConflict) assert.equal(isConflict(e), false);
  });
}

test("a plain-text body is kept as an UnexpectedServerResponse cause", () => {
  const e = ClientError.fromResponse(429, "Too many requests, please try again later.\n");
  assert.deepEqual(e.details, { causes: [{ reason: "UnexpectedServerResponse", message: "Too many requests, please try again later." }] });
  assert.equal(ClientError.fromResponse(404, "").details, undefined);
});
