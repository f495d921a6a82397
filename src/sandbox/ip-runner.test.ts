import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExecIpRunner, IpCommandError, sysctlArgs } from "./ip-runner.js";

describe("ExecIpRunner", () => {
  it("resolves with stdout", async () => {
    const out = await new ExecIpRunner().ip(["-V"]);
    assert.match(out, /iproute2/);
  });

  it("names the failed command and its stderr", async () => {
    // A read-only query for a device that does not exist.
    const args = ["link", "show", "dev", "svcnet-none0"];
    await assert.rejects(new ExecIpRunner().ip(args), (error: unknown) => {
      assert.ok(error instanceof IpCommandError);
      assert.equal(error.code, "IpCommandFailed");
      assert.deepEqual(error.args, args);
      assert.equal(error.exitCode, 1);
      assert.match(error.stderr, /svcnet-none0/);
      assert.match(error.message, /^`ip link show dev svcnet-none0` exited 1: .*svcnet-none0/);
      return true;
    });
  });

  it("reports a program that cannot start as IpCommandNotRun", async () => {
    const runner = new ExecIpRunner({ program: "/nonexistent/svcnet-ip" });
    await assert.rejects(runner.ip(["-V"]), (error: unknown) => {
      assert.ok(error instanceof IpCommandError);
      assert.equal(error.code, "IpCommandNotRun");
      assert.equal(error.exitCode, undefined);
      assert.match(error.message, /could not run: .*ENOENT/);
      return true;
    });
  });
});

describe("sysctlArgs", () => {
  it("runs sysctl -w inside the namespace", () => {
    assert.deepEqual(sysctlArgs("svcnet-a-core-v2-01", { key: "net.ipv4.ip_forward", value: "1" }), [
      "netns", "exec", "svcnet-a-core-v2-01", "sysctl", "-w", "net.ipv4.ip_forward=1",
    ]);
  });
});
