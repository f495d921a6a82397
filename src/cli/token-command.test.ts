import { test } from "node:test";
import assert from "node:assert/strict";
import { formatColumns, shortHumanDuration, tokenListHeader, tokenListRow } from "./token-command.js";

test("shortHumanDuration as apimachinery's", async (t) => {
  const cases: [number, string][] = [
    [-5_000, "<invalid>"],
    [-500, "0s"],
    [59_000, "59s"],
    [60_000, "1m"],
    [3_599_000, "59m"],
    [23 * 3_600_000 + 59 * 60_000, "23h"],
    [86_400_000, "1d"],
    [400 * 86_400_000, "1y"],
  ];
  for (const [ms, want] of cases) await t.test(`${ms} ms`, () => assert.equal(shortHumanDuration(ms), want));
});

test("token list rows in kubeadm's columns", async (t) => {
  const now = new Date("2026-11-27T06:00:00Z");
  const base = { id: "abcdef", usages: ["authentication", "signing"], extraGroups: ["system:bootstrappers:svcnet:default-node-token"] };
  const cases: { name: string; info: Parameters<typeof tokenListRow>[1]; want: string[] }[] = [
    {
      name: "valid for a day",
      info: { ...base, expiration: "2026-11-28T06:00:00Z", description: "join" },
      want: ["abcdef.0123456789abcdef", "23h", "2026-11-28T06:00:00Z", "authentication,signing", "join", "system:bootstrappers:svcnet:default-node-token"],
    },
    { name: "never expires", info: { ...base }, want: ["abcdef.0123456789abcdef", "<forever>", "<never>", "authentication,signing", "<none>", "system:bootstrappers:svcnet:default-node-token"] },
    { name: "expired", info: { ...base, expiration: "2026-11-27T05:00:00Z" }, want: ["abcdef.0123456789abcdef", "<invalid>", "2026-11-27T05:00:00Z", "authentication,signing", "<none>", "system:bootstrappers:svcnet:default-node-token"] },
    { name: "no usages or groups", info: { id: "abcdef", usages: [], extraGroups: [], expiration: "soon" }, want: ["abcdef.0123456789abcdef", "<invalid>", "soon", "<none>", "<none>", "<none>"] },
  ];
  // 23h: the row is made a second after the token, as `svcnet token list` right after create.
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(tokenListRow("abcdef.0123456789abcdef", c.info, new Date(now.getTime() + 1000)), c.want));
});

test("formatColumns pads every column but the last to its widest cell plus three", () => {
  assert.equal(
    formatColumns([[...tokenListHeader], ["abcdef.0123456789abcdef", "23h", "2026-11-28T06:00:00Z", "authentication,signing", "<none>", "g"]]),
    [
      "TOKEN                     TTL   EXPIRES                USAGES                   DESCRIPTION   EXTRA GROUPS",
      "abcdef.0123456789abcdef   23h   2026-11-28T06:00:00Z   authentication,signing   <none>        g",
    ].join("\n"),
  );
});
