import { test } from "node:test";
import assert from "node:assert/strict";
import { execSessionArgv, exitStatus, parseExecQuery } from "./exec-session.js";
import type { RuntimeTools } from "../runtime/launch-plan.js";

const tools: RuntimeTools = { ip: "/sbin/ip", unshare: "/usr/bin/unshare", nsenter: "/usr/bin/nsenter", mount: "/bin/mount", sh: "/bin/sh", env: "/usr/bin/env" };

test("the exec query as kubectl sends it", () => {
  const q = new URLSearchParams("command=sh&command=-c&command=echo+hi&stdin=true&stdout=true&stderr=true&tty=false");
  assert.deepEqual(parseExecQuery(q), { command: ["sh", "-c", "echo hi"], stdin: true, stdout: true, stderr: true, tty: false });
  assert.deepEqual(parseExecQuery(new URLSearchParams("command=ls&stdout=1")), { command: ["ls"], stdin: false, stdout: true, stderr: false, tty: false });
});

test("the final Status: Success, or NonZeroExitCode with the code kubectl exits with", () => {
  assert.deepEqual(exitStatus(["true"], 0), { metadata: {}, status: "Success" });
  const failed = exitStatus(["sh", "-c", "exit 3"], 3);
  assert.equal(failed["reason"], "NonZeroExitCode");
  assert.deepEqual(failed["details"], { causes: [{ reason: "ExitCode", message: "3" }] });
  assert.equal(failed["message"], "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3");
});

test("the command runs in the container's namespaces; a terminal comes from script with the argv quoted", () => {
  const plain = execSessionArgv(tools, 42, { command: ["ls", "-l"], stdin: false, stdout: true, stderr: true, tty: false });
  assert.deepEqual(plain, ["/usr/bin/nsenter", "--target=42", "--net", "--mount", "--uts", "--wd", "--", "ls", "-l"]);
  const tty = execSessionArgv(tools, 42, { command: ["sh", "-c", "echo 'a b'; exit"], stdin: true, stdout: true, stderr: false, tty: true });
  assert.deepEqual(tty.slice(7), ["script", "-q", "-e", "-c", `sh -c 'echo '\\''a b'\\''; exit'`, "/dev/null"]);
});

test("a terminal whose size is known at the start is sized before the command runs", () => {
  const argv = execSessionArgv(tools, 42, { command: ["stty", "size"], stdin: true, stdout: true, stderr: false, tty: true }, { cols: 123, rows: 45 });
  assert.deepEqual(argv.slice(7), ["script", "-q", "-e", "-c", "stty rows 45 cols 123 2>/dev/null; stty size", "/dev/null"]);
  const plain = execSessionArgv(tools, 42, { command: ["ls"], stdin: false, stdout: true, stderr: true, tty: false }, { cols: 1, rows: 1 });
  assert.deepEqual(plain.slice(7), ["ls"]);
});
