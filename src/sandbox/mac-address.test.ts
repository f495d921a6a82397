import assert from "node:assert/strict";
import { test } from "node:test";
import { macForIPv4 } from "./mac-address.js";

test("macForIPv4: 02:42 and the address's bytes in hex", async (t) => {
  const cases: [string, string][] = [
    ["10.1.13.1", "02:42:0a:01:0d:01"],
    ["10.1.13.2", "02:42:0a:01:0d:02"],
    ["172.17.8.101", "02:42:ac:11:08:65"],
    ["0.0.0.0", "02:42:00:00:00:00"],
    ["255.255.255.255", "02:42:ff:ff:ff:ff"],
  ];
  for (const [ip, mac] of cases) await t.test(ip, () => assert.equal(macForIPv4(ip), mac));
});

test("macForIPv4: refuses what is not an IPv4 address", async (t) => {
  for (const bad of ["", "10.1.13", "10.1.13.256", "fd00::1", "docker0"]) {
    await t.test(JSON.stringify(bad), () => assert.throws(() => macForIPv4(bad), /an IPv4 address is needed/));
  }
});
