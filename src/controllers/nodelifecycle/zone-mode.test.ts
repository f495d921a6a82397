import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Condition, Node } from "../../api/types.js";
import { makeNode } from "../scheduling/fixtures.js";
import { noExecuteModeForNode, zoneKeyOf } from "./zone-mode.js";
import type { NoExecuteMode } from "./zone-state.js";

const cond = (status: Condition["status"]): Condition => ({ type: "Ready", status });
function node(name: string, status: Condition["status"], zone?: string): Node {
  return deepFreeze(
    makeNode(name, (n) => {
      n.status.conditions = [cond(status)];
      if (zone) n.metadata.labels = { ...n.metadata.labels, "topology.kubernetes.io/zone": zone };
    }),
  );
}

test("zoneKeyOf", async (t) => {
  const cases: { name: string; labels: Record<string, string>; want: string }[] = [
    { name: "no labels", labels: {}, want: ":\u0000:" },
    { name: "region and zone", labels: { "topology.kubernetes.io/region": "r", "topology.kubernetes.io/zone": "z" }, want: "r:\u0000:z" },
    { name: "beta labels", labels: { "failure-domain.beta.kubernetes.io/zone": "old" }, want: ":\u0000:old" },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(zoneKeyOf(makeNode("n", (n) => (n.metadata.labels = c.labels))), c.want));
});

test("noExecuteModeForNode", async (t) => {
  const three = [node("a", "True"), node("b", "True"), node("c", "True")];
  const cases: { name: string; target: Node; ready: Condition["status"]; nodes: Node[]; want: NoExecuteMode }[] = [
    { name: "one of three silent: normal tainting", target: three[2], ready: "Unknown", nodes: three, want: "taint" },
    { name: "the only node silent: full disruption everywhere", target: node("a", "True"), ready: "Unknown", nodes: [node("a", "True")], want: "remove" },
    { name: "the node's new state counts, not the cached one", target: three[0], ready: "Unknown", nodes: [three[0], node("b", "Unknown"), node("c", "Unknown")], want: "remove" },
    {
      name: "one zone down while another is fine: taint",
      target: node("a", "True", "z1"),
      ready: "Unknown",
      nodes: [node("a", "True", "z1"), node("b", "True", "z2")],
      want: "taint",
    },
    {
      name: "partial disruption in a small cluster: hold",
      target: node("a", "True"),
      ready: "Unknown",
      nodes: [node("a", "True"), node("b", "Unknown"), node("c", "Unknown"), node("d", "True")],
      want: "hold",
    },
    { name: "a node missing from the list is added", target: node("x", "True"), ready: "Unknown", nodes: three, want: "taint" },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(noExecuteModeForNode(c.target, cond(c.ready), c.nodes), c.want));
});
