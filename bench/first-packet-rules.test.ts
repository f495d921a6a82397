import { test } from "node:test";
import assert from "node:assert/strict";
import { NftRuleStore } from "../src/proxy/nftables/nft-rule-store.js";
import { splitTransaction } from "./first-packet-rules.js";
import { benchNodeConfig, firstPacketState } from "./first-packet-services.js";

const lines = (texts: readonly string[]): string[] => texts.flatMap((t) => t.split("\n")).filter((l) => l !== "").sort();

test("splitTransaction: the head, then parts of `chunk` services, holding every line once", async (t) => {
  // 5 services: 4 fillers and the target.
  const text = new NftRuleStore().full(firstPacketState(5, [{ ip: "10.1.201.2", port: 8080 }]), benchNodeConfig()).text;
  const cases: { name: string; chunk: number; wantParts: number }[] = [
    { name: "0: one transaction, as the proxier writes it", chunk: 0, wantParts: 1 },
    { name: "1 service a part", chunk: 1, wantParts: 6 },
    { name: "2 services a part (the last one short)", chunk: 2, wantParts: 4 },
    { name: "more than there are", chunk: 100, wantParts: 2 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const parts = splitTransaction(text, c.chunk);
      assert.equal(parts.length, c.wantParts);
      assert.deepEqual(lines(parts), lines([text]));
      if (c.chunk > 0) {
        assert.match(parts[0], /^add table ip kube-proxy/);
        assert.doesNotMatch(parts[0], /bench\/svc-0/, "no service in the head");
        for (const part of parts.slice(1)) assert.match(part, /^# bench\//, "each later part starts at a service");
      }
    });
  }
});
