// ExecIpRunner's "unshare" way of `ip netns add` (what `svcnet up --rootless` uses), for real:
// the namespace is usable by name, a second add fails as ip's does, and `ip netns del` removes it.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, test } from "node:test";
import { ExecIpRunner, IpCommandError } from "../ip-runner.js";

const skip = process.getuid?.() === 0 ? false : "needs root (network namespaces)";
const name = `svcnet-${randomBytes(3).toString("hex")}-unshared`;

after(() => {
  try {
    execFileSync("ip", ["netns", "del", name], { stdio: "ignore" });
  } catch {
    // already gone
  }
});

test("netns add by unshare: a named namespace like ip's, refused twice, deleted by ip", { skip }, async () => {
  const runner = new ExecIpRunner({ namespaceCreation: "unshare" });
  await runner.ip(["netns", "add", name]);
  assert.match(await runner.ip(["netns", "list"]), new RegExp(`^${name}\\b`, "m"));
  await runner.ip(["-n", name, "link", "set", "lo", "up"]);
  assert.match(await runner.ip(["-n", name, "-br", "link", "show", "lo"]), /UNKNOWN|UP/);
  const own = execFileSync("readlink", ["/proc/self/ns/net"], { encoding: "utf8" }).trim();
  const its = execFileSync("ip", ["netns", "exec", name, "readlink", "/proc/self/ns/net"], { encoding: "utf8" }).trim();
  assert.notEqual(its, own, "a new namespace, not this one");
  await assert.rejects(runner.ip(["netns", "add", name]), (e: unknown) => e instanceof IpCommandError && /File exists/.test(e.message));
  await runner.ip(["netns", "del", name]);
  assert.doesNotMatch(await runner.ip(["netns", "list"]), new RegExp(name));
});
