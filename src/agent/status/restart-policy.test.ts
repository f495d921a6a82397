import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Container } from "../../api/types.js";
import type { RestartPolicy } from "./restart-policy.js";
import { isRestartableInitContainer, shouldRestart } from "./restart-policy.js";

test("shouldRestart follows the restart policy", async (t) => {
  const cases: { name: string; policy?: RestartPolicy; exitCode: number; want: boolean }[] = [
    { name: "Always after success", policy: "Always", exitCode: 0, want: true },
    { name: "Always after failure", policy: "Always", exitCode: 1, want: true },
    { name: "unset is Always", exitCode: 0, want: true },
    { name: "OnFailure after success", policy: "OnFailure", exitCode: 0, want: false },
    { name: "OnFailure after failure", policy: "OnFailure", exitCode: 137, want: true },
    { name: "Never after success", policy: "Never", exitCode: 0, want: false },
    { name: "Never after failure", policy: "Never", exitCode: 2, want: false },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(shouldRestart(c.policy, c.exitCode), c.want));
  }
});

test("isRestartableInitContainer recognises sidecars", async (t) => {
  const cases: { name: string; container: Container; want: boolean }[] = [
    { name: "sidecar", container: { name: "s", restartPolicy: "Always" }, want: true },
    { name: "plain init container", container: { name: "i" }, want: false },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(isRestartableInitContainer(deepFreeze(c.container)), c.want));
  }
});
