import { test } from "node:test";
import assert from "node:assert/strict";
import { chainTexts, omitUnchangedChains } from "./restore-delta.js";

const shared = new Set(["KUBE-SERVICES", "KUBE-NODEPORTS"]);

const input = [
  "*filter",
  ":KUBE-SERVICES - [0:0]",
  "-A KUBE-SERVICES -m comment --comment \"b has no endpoints\" -j REJECT",
  "COMMIT",
  "*nat",
  ":KUBE-SERVICES - [0:0]",
  ":KUBE-NODEPORTS - [0:0]",
  ":KUBE-SVC-A - [0:0]",
  "-A KUBE-SERVICES -d 10.0.0.1 -j KUBE-SVC-A",
  "-A KUBE-SVC-A -j KUBE-SEP-A",
  "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS",
  "COMMIT",
  "",
].join("\n");

test("chainTexts groups the candidates' rules per table, declared-but-empty chains included", () => {
  assert.deepEqual(
    [...chainTexts(input, shared)],
    [
      ["filter/KUBE-SERVICES", "-A KUBE-SERVICES -m comment --comment \"b has no endpoints\" -j REJECT\n"],
      ["nat/KUBE-SERVICES", "-A KUBE-SERVICES -d 10.0.0.1 -j KUBE-SVC-A\n-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n"],
      ["nat/KUBE-NODEPORTS", ""],
    ],
  );
});

test("omitUnchangedChains drops only chains identical to the previous restore", () => {
  const cases: { name: string; previous: Map<string, string>; omitted: string[]; gone: string[] }[] = [
    { name: "first sync: nothing known, nothing omitted", previous: new Map(), omitted: [], gone: [] },
    {
      name: "same nat KUBE-SERVICES and KUBE-NODEPORTS: both left out, filter kept",
      previous: chainTexts(input, shared),
      omitted: ["filter/KUBE-SERVICES", "nat/KUBE-NODEPORTS", "nat/KUBE-SERVICES"],
      gone: [":KUBE-NODEPORTS - [0:0]", "-A KUBE-SERVICES -d 10.0.0.1 -j KUBE-SVC-A"],
    },
    {
      name: "a changed KUBE-SERVICES is written whole",
      previous: new Map([["nat/KUBE-SERVICES", "-A KUBE-SERVICES -d 10.0.0.9 -j KUBE-SVC-Z\n"], ["nat/KUBE-NODEPORTS", ""]]),
      omitted: ["nat/KUBE-NODEPORTS"],
      gone: [":KUBE-NODEPORTS - [0:0]"],
    },
  ];
  for (const c of cases) {
    const delta = omitUnchangedChains(input, c.previous, shared);
    assert.deepEqual(delta.omitted, c.omitted, c.name);
    for (const line of c.gone) assert.ok(!delta.text.split("\n").includes(line), `${c.name}: ${line} left out`);
    // Per-service chains and table framing are never touched.
    assert.match(delta.text, /^:KUBE-SVC-A - \[0:0\]$/m, c.name);
    assert.match(delta.text, /^-A KUBE-SVC-A -j KUBE-SEP-A$/m, c.name);
    assert.equal(delta.text.split("\n").filter((l) => l === "COMMIT").length, 2, c.name);
  }
});
