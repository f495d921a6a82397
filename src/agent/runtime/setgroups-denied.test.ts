import assert from "node:assert/strict";
import { test } from "node:test";
import { setgroupsDenied } from "./setgroups-denied.js";

test("setgroupsDenied reads /proc/self/setgroups", () => {
  const cases: { name: string; read: (p: string) => string; want: boolean }[] = [
    { name: "a rootless user namespace", read: () => "deny\n", want: true },
    { name: "the initial namespace", read: () => "allow\n", want: false },
    { name: "no such file (old kernel, not Linux)", read: () => { throw new Error("ENOENT"); }, want: false },
  ];
  for (const c of cases) assert.equal(setgroupsDenied(c.read), c.want, c.name);
});
