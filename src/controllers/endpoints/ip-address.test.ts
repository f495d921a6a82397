import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAddress } from "./ip-address.js";

test("parseAddress", async (t) => {
  const cases: { name: string; input: string; want: ReturnType<typeof parseAddress> }[] = [
    { name: "plain IPv4", input: "10.1.13.2", want: { family: "IPv4", text: "10.1.13.2" } },
    { name: "IPv4 with leading zeros is read as decimal", input: "010.001.013.002", want: { family: "IPv4", text: "10.1.13.2" } },
    { name: "IPv4 octet too large", input: "10.1.13.256", want: undefined },
    { name: "IPv6 is compressed", input: "fd00:0:0:0:0:0:0:1", want: { family: "IPv6", text: "fd00::1" } },
    { name: "IPv6 is lower-cased", input: "FD00::A", want: { family: "IPv6", text: "fd00::a" } },
    { name: "IPv4-mapped IPv6 counts as IPv4", input: "::ffff:10.1.13.2", want: { family: "IPv4", text: "10.1.13.2" } },
    { name: "IPv6 with zone is rejected", input: "fe80::1%eth0", want: undefined },
    { name: "hostname is not an address", input: "example.com", want: undefined },
    { name: "empty", input: "", want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(parseAddress(c.input), c.want));
});
