import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeIpRunner } from "./fake-ip-runner.js";
import { IpCommandError } from "./ip-runner.js";

async function failure(promise: Promise<unknown>): Promise<IpCommandError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof IpCommandError);
    return error;
  }
  assert.fail("expected a failure");
}

describe("FakeIpRunner", () => {
  it("models netns add, list and del", async () => {
    const ip = new FakeIpRunner();
    await ip.ip(["netns", "add", "a"]);
    await ip.ip(["netns", "add", "b"]);
    assert.equal(await ip.ip(["netns", "list"]), "b\na\n");
    await ip.ip(["netns", "del", "a"]);
    assert.deepEqual(ip.namespaces, ["b"]);
  });

  const failures: { name: string; setup: string[]; args: string[]; stderr: RegExp }[] = [
    { name: "adding an existing namespace", setup: ["a"], args: ["netns", "add", "a"], stderr: /File exists/ },
    { name: "deleting a missing namespace", setup: [], args: ["netns", "del", "a"], stderr: /No such file/ },
    { name: "-n with a missing namespace", setup: [], args: ["-n", "a", "link", "set", "lo", "up"], stderr: /Cannot open network namespace "a"/ },
    { name: "netns exec in a missing namespace", setup: [], args: ["netns", "exec", "a", "true"], stderr: /Cannot open network namespace "a"/ },
    {
      name: "a veth peer into a missing namespace",
      setup: ["a"],
      args: ["-n", "a", "link", "add", "name", "x", "type", "veth", "peer", "name", "eth0", "netns", "b"],
      stderr: /Invalid "netns" value/,
    },
  ];
  for (const c of failures) {
    it(`fails ${c.name}`, async () => {
      const ip = new FakeIpRunner();
      for (const ns of c.setup) ip.addNamespace(ns);
      const error = await failure(ip.ip(c.args));
      assert.equal(error.code, "IpCommandFailed");
      assert.match(error.stderr, c.stderr);
    });
  }

  it("records every command, failed ones too", async () => {
    const ip = new FakeIpRunner();
    await ip.ip(["netns", "add", "a"]);
    await failure(ip.ip(["netns", "add", "a"]));
    assert.deepEqual(ip.lines(), ["ip netns add a", "ip netns add a"]);
  });

  it("plays scripts newest first and consumes limited ones", async () => {
    const ip = new FakeIpRunner();
    ip.respond((args) => args[0] === "route", "first\n");
    ip.failWhen((args) => args[0] === "route", "boom", { times: 1, exitCode: 7 });
    const error = await failure(ip.ip(["route", "get", "1.1.1.1"]));
    assert.equal(error.exitCode, 7);
    assert.equal(error.stderr, "boom");
    assert.equal(await ip.ip(["route", "get", "1.1.1.1"]), "first\n");
  });
});
