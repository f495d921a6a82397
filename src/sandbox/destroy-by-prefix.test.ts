import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { destroyByPrefix, parseNetnsList } from "./destroy-by-prefix.js";
import { FakeIpRunner } from "./fake-ip-runner.js";

describe("parseNetnsList", () => {
  const cases: { name: string; stdout: string; want: string[] }[] = [
    { name: "empty", stdout: "", want: [] },
    { name: "plain names", stdout: "a\nb\n", want: ["a", "b"] },
    { name: "names with ids", stdout: "svcnet-x-pod-1 (id: 3)\nother (id: 0)\n", want: ["svcnet-x-pod-1", "other"] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(parseNetnsList(c.stdout), c.want));
  }
});

describe("destroyByPrefix", () => {
  const all = ["svcnet-a-underlay", "svcnet-a-core-v2-01", "svcnet-ab-underlay", "svcnet-b-pod-1", "other", "svcnetx"];
  const cases: { name: string; id?: string; left: string[] }[] = [
    { name: "one sandbox, not one whose id merely starts alike", id: "a", left: ["svcnet-ab-underlay", "svcnet-b-pod-1", "other", "svcnetx"] },
    { name: "every sandbox when no id is given", left: ["other", "svcnetx"] },
    { name: "nothing for an unknown id", id: "zz", left: all },
  ];
  for (const c of cases) {
    it(`removes ${c.name}`, async () => {
      const ip = new FakeIpRunner();
      for (const ns of all) ip.addNamespace(ns);
      const deleted = await destroyByPrefix(ip, c.id === undefined ? {} : { id: c.id });
      assert.deepEqual(ip.namespaces, c.left);
      assert.deepEqual([...deleted].sort(), all.filter((n) => !c.left.includes(n)).sort());
    });
  }

  it("lists the processes inside each namespace before deleting it (they are killed first)", async () => {
    const ip = new FakeIpRunner();
    ip.addNamespace("svcnet-a-pod-1");
    await destroyByPrefix(ip, { id: "a" });
    assert.deepEqual(ip.lines(), ["ip netns list", "ip netns pids svcnet-a-pod-1", "ip netns del svcnet-a-pod-1"]);
  });

  it("is a no-op the second time", async () => {
    const ip = new FakeIpRunner();
    ip.addNamespace("svcnet-a-underlay");
    await destroyByPrefix(ip, { id: "a" });
    assert.deepEqual(await destroyByPrefix(ip, { id: "a" }), []);
  });

  it("tries every namespace and reports the ones left", async () => {
    const ip = new FakeIpRunner();
    ip.addNamespace("svcnet-a-1");
    ip.addNamespace("svcnet-a-2");
    ip.failWhen((args) => args[1] === "del" && args[2] === "svcnet-a-2", "Device or resource busy");
    await assert.rejects(destroyByPrefix(ip, { id: "a" }), (error: unknown) => {
      assert.ok(error instanceof AggregateError);
      assert.match(error.message, /svcnet-a-2/);
      assert.doesNotMatch(error.message, /svcnet-a-1/);
      assert.equal(error.errors.length, 1);
      return true;
    });
    assert.deepEqual(ip.namespaces, ["svcnet-a-2"]);
  });

  it("succeeds when a failed delete raced with someone else's", async () => {
    const ip = new FakeIpRunner();
    ip.addNamespace("svcnet-a-1");
    // Scripts play newest first: the first listing still shows it, the second does not.
    ip.respond((args) => args[1] === "list", "", { times: 1 });
    ip.respond((args) => args[1] === "list", "svcnet-a-1\n", { times: 1 });
    ip.failWhen((args) => args[1] === "del", "No such file or directory", { times: 1 });
    assert.deepEqual(await destroyByPrefix(ip, { id: "a" }), ["svcnet-a-1"]);
  });
});
