import assert from "node:assert/strict";
import { test } from "node:test";
import { deepFreeze } from "../../api/json.js";
import type { EndpointAddress, EndpointSubset } from "../../api/types.js";
import { repackSubsets } from "./repack-subsets.js";

const a = (ip: string, uid?: string): EndpointAddress => (uid ? { ip, targetRef: { kind: "Pod", uid } } : { ip });
const http = { name: "http", port: 80, protocol: "TCP" as const };
const https = { name: "https", port: 443, protocol: "TCP" as const };

test("repackSubsets", async (t) => {
  const cases: { name: string; input: EndpointSubset[]; want: EndpointSubset[] }[] = [
    { name: "nothing", input: [], want: [] },
    {
      name: "one address per subset with the same port merge into one subset",
      input: [
        { addresses: [a("10.1.13.3")], ports: [http] },
        { addresses: [a("10.1.13.2")], ports: [http] },
      ],
      want: [{ addresses: [a("10.1.13.2"), a("10.1.13.3")], ports: [http] }],
    },
    {
      name: "addresses sort by IP text, byte-wise (10 before 2)",
      input: [{ addresses: [a("10.1.13.2"), a("10.1.13.10"), a("10.1.13.1")], ports: [http] }],
      want: [{ addresses: [a("10.1.13.1"), a("10.1.13.10"), a("10.1.13.2")], ports: [http] }],
    },
    {
      name: "same addresses on two ports become one subset with both ports",
      input: [
        { addresses: [a("10.1.13.2")], ports: [https] },
        { addresses: [a("10.1.13.2")], ports: [http] },
      ],
      want: [{ addresses: [a("10.1.13.2")], ports: [http, https] }],
    },
    {
      name: "addresses serving different port sets stay apart",
      input: [
        { addresses: [a("10.1.13.2")], ports: [http] },
        { addresses: [a("10.1.13.2")], ports: [https] },
        { addresses: [a("10.1.13.3")], ports: [http] },
      ],
      want: [
        { addresses: [a("10.1.13.2"), a("10.1.13.3")], ports: [http] },
        { addresses: [a("10.1.13.2")], ports: [https] },
      ],
    },
    {
      name: "ready and not ready addresses share a subset",
      input: [
        { notReadyAddresses: [a("10.1.13.3")], ports: [http] },
        { addresses: [a("10.1.13.2")], ports: [http] },
      ],
      want: [{ addresses: [a("10.1.13.2")], notReadyAddresses: [a("10.1.13.3")], ports: [http] }],
    },
    {
      name: "not ready wins over ready for the same address and port",
      input: [
        { addresses: [a("10.1.13.2")], ports: [http] },
        { notReadyAddresses: [a("10.1.13.2")], ports: [http] },
      ],
      want: [{ notReadyAddresses: [a("10.1.13.2")], ports: [http] }],
    },
    {
      name: "duplicates are keyed by IP and target UID",
      input: [{ addresses: [a("10.1.13.2", "u2"), a("10.1.13.2", "u1"), a("10.1.13.2", "u1")], ports: [http] }],
      want: [{ addresses: [a("10.1.13.2", "u1"), a("10.1.13.2", "u2")], ports: [http] }],
    },
    {
      name: "subsets without ports keep their addresses",
      input: [{ addresses: [a("10.1.13.3")] }, { addresses: [a("10.1.13.2")] }],
      want: [{ addresses: [a("10.1.13.2"), a("10.1.13.3")] }],
    },
    {
      name: "an address without target sorts before the same IP with one",
      input: [{ addresses: [a("10.1.13.2", "u1"), a("10.1.13.2")], ports: [http] }],
      want: [{ addresses: [a("10.1.13.2"), a("10.1.13.2", "u1")], ports: [http] }],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const input = deepFreeze(structuredClone(c.input));
      assert.deepEqual(repackSubsets(input), c.want);
    });
  }
});

test("repackSubsets is idempotent and order-independent", () => {
  const input: EndpointSubset[] = [
    { addresses: [a("10.1.13.4")], ports: [http, https] },
    { notReadyAddresses: [a("10.1.13.5")], ports: [http] },
    { addresses: [a("10.1.13.2")], ports: [https] },
  ];
  const once = repackSubsets(input);
  assert.deepEqual(repackSubsets(once), once);
  assert.deepEqual(repackSubsets([...input].reverse()), once);
});
