import { test } from "node:test";
import assert from "node:assert/strict";
import { ClientError, isAlreadyExists, isConflict, isExpired, isNotFound } from "./client-error.js";

const status = (code: number, reason: string, message: string): string => JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason, message });

const cases: { name: string; code: number; body?: string; reason: string; message: string; is?: (e: unknown) => boolean }[] = [
  { name: "a Status body is taken as is", code: 404, body: status(404, "NotFound", 'pods "x" not found'), reason: "NotFound", message: 'pods "x" not found', is: isNotFound },
  { name: "AlreadyExists and Conflict share 409 but not the predicate", code: 409, body: status(409, "AlreadyExists", "exists"), reason: "AlreadyExists", message: "exists", is: isAlreadyExists },
  { name: "Conflict", code: 409, body: status(409, "Conflict", "modified"), reason: "Conflict", message: "modified", is: isConflict },
  { name: "410 Expired", code: 410, body: status(410, "Expired", "too old resource version: 1 (5)"), reason: "Expired", message: "too old resource version: 1 (5)", is: isExpired },
  { name: "410 without a body is still expired", code: 410, reason: "Gone", message: "the server responded with status 410", is: isExpired },
  { name: "plain text 500", code: 500, body: "boom\n", reason: "InternalError", message: 'an error on the server ("boom") has prevented the request from succeeding' },
  { name: "unknown code", code: 418, body: "", reason: "Unknown", message: "the server responded with status 418" },
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
