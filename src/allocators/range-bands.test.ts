import { test } from "node:test";
import assert from "node:assert/strict";
import { ipStaticBandSize, portStaticBandSize } from "./range-bands.js";

test("ipStaticBandSize follows min(max(16, size/16), 256)", async (t) => {
  const cases: { name: string; size: bigint; want: number }[] = [
    { name: "/32 has no band", size: 1n, want: 0 },
    { name: "/28 (16 addresses) has no band", size: 16n, want: 0 },
    { name: "/27 gets the minimum", size: 32n, want: 16 },
    { name: "/24 (default) is 16", size: 256n, want: 16 },
    { name: "/20 is 256", size: 4096n, want: 256 },
    { name: "/22 is 64", size: 1024n, want: 64 },
    { name: "/12 is capped at 256", size: 1n << 20n, want: 256 },
    { name: "ipv6 /64 is capped at 256", size: 1n << 64n, want: 256 },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(ipStaticBandSize(c.size), c.want));
});

test("portStaticBandSize follows min(max(16, size/32), 128)", async (t) => {
  const cases: { name: string; size: number; want: number }[] = [
    { name: "single port", size: 1, want: 0 },
    { name: "16 ports has no band", size: 16, want: 0 },
    { name: "17 ports gets the minimum", size: 17, want: 16 },
    { name: "default 30000-32767 is 86", size: 2768, want: 86 },
    { name: "512 ports is 16", size: 512, want: 16 },
    { name: "large range capped at 128", size: 30000, want: 128 },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(portStaticBandSize(c.size), c.want));
});
