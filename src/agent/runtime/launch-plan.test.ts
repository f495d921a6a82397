import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { containerProcessEnv, DEFAULT_PATH, execArgv, launchArgv, READY_MARKER, setupScript, shellQuote } from "./launch-plan.js";
import type { RuntimeTools } from "./launch-plan.js";

const tools: RuntimeTools = { ip: "/sbin/ip", unshare: "/bin/unshare", nsenter: "/bin/nsenter", mount: "/bin/mount", sh: "/bin/sh" };

describe("shellQuote", () => {
  const cases = [
    { name: "plain", value: "abc" },
    { name: "empty", value: "" },
    { name: "single quote", value: "it's" },
    { name: "shell syntax", value: "$(rm -rf /); `x` \"y\" \\ *" },
    { name: "newline", value: "a\nb" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const echoed = execFileSync("/bin/sh", ["-c", `printf '%s' ${shellQuote(c.value)}`], { encoding: "utf8" });
      assert.equal(echoed, c.value);
    });
  }
});

describe("setupScript", () => {
  const cases = [
    {
      name: "mounts, hostname, working dir",
      plan: {
        mounts: [
          { source: "/data/pods/p1/etc-resolv.conf", target: "/etc/resolv.conf" as const },
          { source: "/data/pods/p1/etc-hosts", target: "/etc/hosts" as const },
        ],
        hostname: "web-0",
        workingDir: "/srv",
      },
      want: [
        "'/bin/mount' --bind '/data/pods/p1/etc-resolv.conf' '/etc/resolv.conf' || exit 125",
        "'/bin/mount' --bind '/data/pods/p1/etc-hosts' '/etc/hosts' || exit 125",
        "printf '%s' 'web-0' > /proc/sys/kernel/hostname || exit 125",
        "cd -- '/srv' || exit 125",
        `echo ${READY_MARKER}`,
        "exec 1>&3 2>&3 3>&-",
        'exec "$@"',
      ],
    },
    {
      name: "no working dir, quoted source",
      plan: { mounts: [{ source: "/d/it's/etc-hosts", target: "/etc/hosts" as const }], hostname: "h" },
      want: [
        "'/bin/mount' --bind '/d/it'\\''s/etc-hosts' '/etc/hosts' || exit 125",
        "printf '%s' 'h' > /proc/sys/kernel/hostname || exit 125",
        `echo ${READY_MARKER}`,
        "exec 1>&3 2>&3 3>&-",
        'exec "$@"',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(setupScript(tools, c.plan).split("\n"), c.want));
  }
});

describe("launchArgv and execArgv", () => {
  const cases = [
    {
      name: "launch passes the command as separate words after $0",
      got: launchArgv(tools, { netns: "svcnet-x-pod-1", command: ["sh", "-c", "echo $HOSTNAME"], plan: { mounts: [], hostname: "h" } }),
      want: [
        "/sbin/ip", "netns", "exec", "svcnet-x-pod-1",
        "/bin/unshare", "--mount", "--uts", "--propagation", "private",
        "/bin/sh", "-c", setupScript(tools, { mounts: [], hostname: "h" }), "svcnet-setup",
        "sh", "-c", "echo $HOSTNAME",
      ],
    },
    {
      name: "exec enters net, mount and uts of the target in its working dir",
      got: execArgv(tools, 4242, ["cat", "/etc/hosts"]),
      want: ["/bin/nsenter", "--target=4242", "--net", "--mount", "--uts", "--wd", "--", "cat", "/etc/hosts"],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got, c.want));
});

describe("containerProcessEnv", () => {
  const cases: { name: string; env: Record<string, string>; want: Record<string, string> }[] = [
    { name: "defaults", env: {}, want: { PATH: DEFAULT_PATH, HOME: "/root", HOSTNAME: "web" } },
    {
      name: "container env wins",
      env: { PATH: "/opt/bin", HOSTNAME: "other", A: "1" },
      want: { PATH: "/opt/bin", HOME: "/root", HOSTNAME: "other", A: "1" },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(containerProcessEnv(c.env, "web"), c.want));
});
