import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expandVars } from "./expand.js";

const vars: Record<string, string> = { FOO: "foo", BAR: "bar", EMPTY: "", NESTED: "$(FOO)", "WITH SPACE": "ws" };
const lookup = (n: string): string | undefined => (Object.hasOwn(vars, n) ? vars[n] : undefined);

describe("expandVars (kubelet $(VAR) rules)", () => {
  const cases: [name: string, input: string, want: string][] = [
    ["plain text", "hello", "hello"],
    ["empty", "", ""],
    ["single reference", "$(FOO)", "foo"],
    ["reference in text", "a$(FOO)b", "afoob"],
    ["two references", "$(FOO):$(BAR)", "foo:bar"],
    ["adjacent references", "$(FOO)$(BAR)", "foobar"],
    ["unknown left as is", "$(NOPE)", "$(NOPE)"],
    ["known empty value", "x$(EMPTY)y", "xy"],
    ["escaped reference", "$$(FOO)", "$(FOO)"],
    ["double escape then reference", "$$$(FOO)", "$foo"],
    ["lone $$", "$$", "$"],
    ["$$$$", "$$$$", "$$"],
    ["trailing $", "abc$", "abc$"],
    ["lone $", "$", "$"],
    ["$ before other char", "$FOO", "$FOO"],
    ["shell style braces untouched", "${FOO}", "${FOO}"],
    ["unclosed reference", "$(FOO", "$(FOO"],
    ["unclosed then closed", "$(FOO $(BAR)", "$(FOO $(BAR)"],
    ["empty name", "$()", "$()"],
    ["no recursive expansion", "$(NESTED)", "$(FOO)"],
    ["name with space", "$(WITH SPACE)", "ws"],
    ["$ then ( later", "$x(FOO)", "$x(FOO)"],
    ["reference closing at first paren", "$(FOO))", "foo)"],
    ["non-ascii", "é$(FOO)ü", "éfooü"],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => assert.equal(expandVars(input, lookup), want));
  }
});
