import assert from "node:assert/strict";
import { test } from "node:test";
import type { Status } from "../../api/types.js";
import { ClientError } from "../../client/index.js";
import { isNamespaceTerminating } from "./namespace-terminating.js";

function status(code: number, causes: { reason: string }[] = []): ClientError {
  const s: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason: code === 403 ? "Forbidden" : "Conflict", details: { causes } };
  return new ClientError(s);
}

test("isNamespaceTerminating", async (t) => {
  const cases: { name: string; err: unknown; want: boolean }[] = [
    { name: "403 with the cause", err: status(403, [{ reason: "NamespaceTerminating" }]), want: true },
    { name: "403 for another reason", err: status(403), want: false },
    { name: "other code with the cause", err: status(409, [{ reason: "NamespaceTerminating" }]), want: false },
    { name: "not a ClientError", err: new Error("x"), want: false },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(isNamespaceTerminating(c.err), c.want));
});
