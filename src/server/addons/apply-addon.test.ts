import { test } from "node:test";
import assert from "node:assert/strict";
import { ClientError } from "../../client/index.js";
import { isTransientApiError } from "./apply-addon.js";

const status = (code: number, reason: string) => new ClientError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: reason, reason, code });

test("isTransientApiError: the API could not answer now vs the request is wrong", () => {
  const cases: [unknown, boolean][] = [
    [status(503, "ServiceUnavailable"), true],
    [status(504, "Timeout"), true],
    [status(500, "InternalError"), true],
    [status(429, "TooManyRequests"), true],
    [status(422, "Invalid"), false],
    [status(409, "AlreadyExists"), false],
    [status(403, "Forbidden"), false],
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), { code: "ECONNREFUSED" }), true],
    [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), true],
    [new Error("add-on object v1/Nope is not served by this API"), false],
    ["a string", false],
  ];
  for (const [e, want] of cases) assert.equal(isTransientApiError(e), want, e instanceof Error ? e.message : String(e));
});
