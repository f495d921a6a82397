import { test } from "node:test";
import assert from "node:assert/strict";
import { PortRange } from "./port-range.js";

test("PortRange parses the forms kube-apiserver accepts", async (t) => {
  const cases: { name: string; text: string; base?: number; size?: number; band?: number; str?: string }[] = [
    { name: "default", text: "30000-32767", base: 30000, size: 2768, band: 86, str: "30000-32767" },
    { name: "plus form", text: "30000+2767", base: 30000, size: 2768, band: 86, str: "30000-32767" },
    { name: "single port", text: "8080", base: 8080, size: 1, band: 0, str: "8080-8080" },
    { name: "whitespace", text: " 1-65535 ", base: 1, size: 65535, band: 128, str: "1-65535" },
    { name: "reversed", text: "32767-30000" },
    { name: "beyond 65535", text: "65000-65536" },
    { name: "zero", text: "0-10" },
    { name: "garbage", text: "abc" },
    { name: "empty", text: "" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (c.base === undefined) {
        assert.throws(() => new PortRange(c.text), TypeError);
        return;
      }
      const r = new PortRange(c.text);
      assert.equal(r.base, c.base);
      assert.equal(r.size, c.size);
      assert.equal(r.staticBand, c.band);
      assert.equal(String(r), c.str);
    });
  }
});

test("PortRange offsets", async (t) => {
  const r = new PortRange("30000-32767");
  const cases: { name: string; port: number; want: number | undefined }[] = [
    { name: "first", port: 30000, want: 0 },
    { name: "seed's 30802", port: 30802, want: 802 },
    { name: "last", port: 32767, want: 2767 },
    { name: "below", port: 29999, want: undefined },
    { name: "above", port: 32768, want: undefined },
    { name: "fraction", port: 30000.5, want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(r.offsetOf(c.port), c.want));
  assert.equal(r.portAt(2767), 32767);
  assert.throws(() => r.portAt(2768), RangeError);
});
