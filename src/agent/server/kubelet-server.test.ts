import { test } from "node:test";
import assert from "node:assert/strict";
import { tailLines } from "./kubelet-server.js";

test("kubectl --tail keeps the last n lines", async (t) => {
  const cases: [string, string, number, string][] = [
    ["two of three", "a\nb\nc\n", 2, "b\nc\n"],
    ["more than there are", "a\nb\n", 5, "a\nb\n"],
    ["none", "a\nb\n", 0, ""],
    ["all (-1)", "a\nb\n", -1, "a\nb\n"],
    ["no final newline", "a\nb\nc", 1, "c"],
  ];
  for (const [name, text, n, want] of cases) await t.test(name, () => assert.equal(tailLines(text, n), want));
});
