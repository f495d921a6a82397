// The announcer's command sequences against FakeIpRunner and a FakeClock: what a sync lists, adds
// and deletes; when gratuitous ARPs go out and that letting an address go cancels its repeats;
// the kernel's "already there" / "already gone" answers; IPv6 reported, not held.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeClock } from "../../client/index.js";
import { FakeIpRunner } from "../../sandbox/fake-ip-runner.js";
import { AddressAnnouncer } from "./address-announcer.js";

const ns = "svcnet-t1-core-v2-01";
const list = `ip -n ${ns} -4 -o addr show dev eth0 label eth0:lb`;
const add = (ip: string): string => `ip -n ${ns} addr add ${ip}/32 dev eth0 label eth0:lb`;
const del = (ip: string): string => `ip -n ${ns} addr del ${ip}/32 dev eth0`;
const garp = (ip: string): string => `ip netns exec ${ns} arping -q -U -c 1 -I eth0 ${ip}`;
const line = (ip: string): string => `3: eth0    inet ${ip}/32 scope global eth0:lb\\       valid_lft forever preferred_lft forever\n`;

function setup(): { runner: FakeIpRunner; clock: FakeClock; announcer: AddressAnnouncer; logs: string[] } {
  const runner = new FakeIpRunner();
  runner.addNamespace(ns);
  const clock = new FakeClock();
  const logs: string[] = [];
  const announcer = new AddressAnnouncer({ runner, netns: ns, clock, log: (l) => logs.push(l) });
  return { runner, clock, announcer, logs };
}

/** Scripts what the next listing prints. */
function holding(runner: FakeIpRunner, ips: string[]): void {
  runner.respond((a) => a.join(" ") === list.slice(3), ips.map(line).join(""), { times: 1 });
}

describe("AddressAnnouncer", () => {
  it("adds what is missing, announces it now and once more a second later", async () => {
    const { runner, clock, announcer } = setup();
    holding(runner, []);
    assert.deepEqual(await announcer.sync(["172.17.8.201", "172.17.8.230"]), { added: ["172.17.8.201", "172.17.8.230"], removed: [], skipped: [] });
    await announcer.idle();
    assert.deepEqual(runner.lines(), [list, add("172.17.8.201"), garp("172.17.8.201"), add("172.17.8.230"), garp("172.17.8.230")]);
    clock.advance(999);
    assert.equal(runner.lines().length, 5);
    clock.advance(1);
    await announcer.idle();
    assert.deepEqual(runner.lines().slice(5), [garp("172.17.8.201"), garp("172.17.8.230")]);
    clock.advance(10_000);
    assert.equal(runner.lines().length, 7, "two announcements in all");
  });

  it("deletes what is not desired and cancels its repeats", async () => {
    const { runner, clock, announcer } = setup();
    holding(runner, []);
    await announcer.sync(["172.17.8.201"]);
    holding(runner, ["172.17.8.201"]);
    assert.deepEqual(await announcer.sync([]), { added: [], removed: ["172.17.8.201"], skipped: [] });
    clock.advance(5000);
    await announcer.idle();
    assert.deepEqual(runner.lines(), [list, add("172.17.8.201"), garp("172.17.8.201"), list, del("172.17.8.201")]);
  });

  it("announces an address an earlier process left without adding it again, and only once", async () => {
    const { runner, announcer } = setup();
    holding(runner, ["172.17.8.201"]);
    assert.deepEqual(await announcer.sync(["172.17.8.201"]), { added: [], removed: [], skipped: [] });
    holding(runner, ["172.17.8.201"]);
    await announcer.sync(["172.17.8.201"]);
    assert.deepEqual(runner.lines(), [list, garp("172.17.8.201"), list]);
  });

  it("takes 'already there' and 'already gone' for done", async () => {
    const { runner, announcer } = setup();
    runner.failWhen((a) => a.includes("add"), "Error: ipv4: Address already assigned.", { times: 1 });
    holding(runner, ["172.17.8.230"]);
    runner.failWhen((a) => a.includes("del"), "Error: ipv4: Address not found.", { times: 1 });
    assert.deepEqual(await announcer.sync(["172.17.8.201"]), { added: ["172.17.8.201"], removed: ["172.17.8.230"], skipped: [] });
  });

  it("fails a sync on any other error, and says which command", async () => {
    const { runner, announcer } = setup();
    holding(runner, []);
    runner.failWhen((a) => a.includes("add"), 'Cannot find device "eth0"', { times: 1 });
    await assert.rejects(announcer.sync(["172.17.8.201"]), /addr add 172\.17\.8\.201\/32 dev eth0 label eth0:lb` exited 2: Cannot find device "eth0"/);
  });

  it("logs a failed gratuitous ARP without failing the sync", async () => {
    const { runner, announcer, logs } = setup();
    holding(runner, []);
    runner.failWhen((a) => a.includes("arping"), "arping: not found", { times: 1, exitCode: 1 });
    assert.deepEqual((await announcer.sync(["172.17.8.201"])).added, ["172.17.8.201"]);
    await announcer.idle();
    assert.equal(logs.length, 1);
    assert.match(logs[0], /^gratuitous ARP for 172\.17\.8\.201 failed: .*arping: not found/);
  });

  it("reports IPv6 addresses as skipped", async () => {
    const { runner, announcer } = setup();
    holding(runner, []);
    assert.deepEqual(await announcer.sync(["fd00::c8", "172.17.8.201"]), { added: ["172.17.8.201"], removed: [], skipped: ["fd00::c8"] });
  });

  it("stopAnnouncing cancels the repeats and keeps the addresses", async () => {
    const { runner, clock, announcer } = setup();
    holding(runner, []);
    await announcer.sync(["172.17.8.201"]);
    announcer.stopAnnouncing();
    clock.advance(5000);
    assert.deepEqual(runner.lines(), [list, add("172.17.8.201"), garp("172.17.8.201")]);
  });

  it("releaseAll deletes every labelled address", async () => {
    const { runner, announcer } = setup();
    holding(runner, ["172.17.8.201", "172.17.8.230"]);
    assert.deepEqual(await announcer.releaseAll(), ["172.17.8.201", "172.17.8.230"]);
    assert.deepEqual(runner.lines(), [list, del("172.17.8.201"), del("172.17.8.230")]);
  });
});
