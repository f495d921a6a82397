import assert from "node:assert/strict";
import { test } from "node:test";
import { nodeOf, nodeUserName, withAuthenticatedGroup } from "./user-groups.js";

test("nodeOf: only system:node:<name> in system:nodes speaks for a node", () => {
  assert.equal(nodeOf({ name: "system:node:a", groups: ["system:nodes", "system:authenticated"] }), "a");
  assert.equal(nodeOf({ name: "system:node:a", groups: ["system:authenticated"] }), undefined);
  assert.equal(nodeOf({ name: "jane", groups: ["system:nodes"] }), "");
  assert.equal(nodeOf({ name: "admin", groups: ["system:masters"] }), undefined);
  assert.equal(nodeOf({ name: nodeUserName("core-v2-01"), groups: ["system:nodes"] }), "core-v2-01");
});

test("withAuthenticatedGroup: adds system:authenticated once, keeps the rest", () => {
  const admin = { name: "admin", groups: ["system:masters", "system:authenticated"], uid: "u" };
  assert.equal(withAuthenticatedGroup(admin), admin);
  assert.deepEqual(withAuthenticatedGroup({ name: "jane", groups: ["dev"], uid: "j" }), { name: "jane", groups: ["dev", "system:authenticated"], uid: "j" });
});
