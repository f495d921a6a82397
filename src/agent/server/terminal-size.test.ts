import { test } from "node:test";
import assert from "node:assert/strict";
import { parseResize, sizePrefix, sttyArgs } from "./terminal-size.js";

test("kubectl's resize message: {Width, Height} as JSON", async (t) => {
  const cases: [string, string, ReturnType<typeof parseResize>][] = [
    ["as kubectl sends it", `{"Width":123,"Height":45}`, { cols: 123, rows: 45 }],
    ["zero (a terminal of unknown size)", `{"Width":0,"Height":0}`, { cols: 0, rows: 0 }],
    ["extra fields are ignored", `{"Width":80,"Height":24,"x":1}`, { cols: 80, rows: 24 }],
    ["not JSON", `80x24`, undefined],
    ["a missing field", `{"Width":80}`, undefined],
    ["negative", `{"Width":-1,"Height":24}`, undefined],
    ["beyond 16 bits", `{"Width":70000,"Height":24}`, undefined],
    ["a string", `{"Width":"80","Height":24}`, undefined],
    ["not an object", `null`, undefined],
  ];
  for (const [name, json, want] of cases) await t.test(name, () => assert.deepEqual(parseResize(Buffer.from(json)), want));
});

test("stty sets rows and cols on a device, or on its own terminal before a command", () => {
  assert.deepEqual(sttyArgs("/proc/42/fd/0", { cols: 123, rows: 45 }), ["-F", "/proc/42/fd/0", "rows", "45", "cols", "123"]);
  assert.equal(sizePrefix({ cols: 123, rows: 45 }), "stty rows 45 cols 123 2>/dev/null; ");
});
