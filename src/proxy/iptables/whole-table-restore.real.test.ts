// The whole-table fast path against the real kernel (as root, in two namespaces of its own): a
// full sync written by replacing the tables leaves exactly what kube-proxy's way (hooks inserted
// one by one, then a --noflush restore) leaves; and ownsTables notices a rule that is not ours.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ExecIptables } from "./iptables-commands.js";
import { generateModernRules } from "./modern-rules.js";
import { CANARY_CHAIN, ensureCanaries, ensureJumpRules } from "./netfilter-setup.js";
import { makeNginxState, makeNodeAConfig } from "./testdata/nginx-fixtures.js";
import { ownsTables, wholeTableRestore } from "./whole-table-restore.js";

const isRoot = process.getuid?.() === 0;

/** iptables-save output without its comment lines and counters, for comparing kernel state. */
function normalised(save: string): string {
  return save
    .split("\n")
    .filter((l) => !l.startsWith("#"))
    .map((l) => l.replace(/ \[\d+:\d+\]$/, ""))
    .join("\n");
}

describe("whole-table restore in the real kernel", { skip: isRoot ? false : "needs root (network namespaces)" }, () => {
  const id = randomBytes(4).toString("hex");
  const slow = `svcnet-t${id}-slow`;
  const fast = `svcnet-t${id}-fast`;
  before(() => {
    for (const ns of [slow, fast]) execFileSync("ip", ["netns", "add", ns]);
  });
  after(() => {
    for (const ns of [slow, fast]) execFileSync("ip", ["netns", "del", ns]);
  });

  it("leaves the same chains, rules and hooks as hooks + --noflush, and ownsTables tells ours from foreign rules", async () => {
    const state = makeNginxState((s) => (s.nodePort = 30802));
    const text = generateModernRules(state, makeNodeAConfig()).text;
    const a = new ExecIptables({ netns: slow });
    await ensureJumpRules(a, "modern");
    await ensureCanaries(a);
    await a.restore(text);
    const b = new ExecIptables({ netns: fast });
    await b.restoreAll(wholeTableRestore(text, "modern", { filter: [CANARY_CHAIN], nat: [CANARY_CHAIN] }));
    await ensureCanaries(b);
    for (const table of ["filter", "nat", "mangle"] as const) {
      assert.equal(normalised(await b.save(table)), normalised(await a.save(table)), `${table} table`);
    }
    assert.equal(ownsTables((await a.save("filter")) + (await a.save("nat")), "modern"), true);
    // A foreign rule (another component's masquerade) makes replacing the tables unsafe.
    const added = await a.iptables(["-t", "nat", "-A", "POSTROUTING", "-s", "10.9.0.0/16", "-j", "MASQUERADE"]);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(ownsTables((await a.save("filter")) + (await a.save("nat")), "modern"), false);
    const chain = await b.iptables(["-N", "DOCKER-USER"]);
    assert.equal(chain.code, 0, chain.stderr);
    assert.equal(ownsTables((await b.save("filter")) + (await b.save("nat")), "modern"), false, "a foreign chain");
  });
});
