import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { containerProcessEnv, DEFAULT_PATH, execArgv, launchArgv, READY_MARKER, setupScript, shellQuote, shimSteps } from "./launch-plan.js";
import type { RuntimeTools } from "./launch-plan.js";
import { POD_DIR_PATHS } from "./launch-plan.js";
import { tokenMountPath } from "../../api/service-account-volume.js";

const tools: RuntimeTools = { ip: "/sbin/ip", unshare: "/bin/unshare", nsenter: "/bin/nsenter", mount: "/bin/mount", sh: "/bin/sh", env: "/usr/bin/env" };

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

/** The shim lines every setup script ends with, for an already quoted exit file. */
function shim(quotedExitFile: string): string[] {
  return [
    "trap : TERM INT QUIT HUP USR1 USR2",
    "'/usr/bin/env' --default-signal \"$@\" &",
    "child=$!",
    'while :; do wait "$child"; status=$?; kill -0 "$child" 2>/dev/null || break; done',
    `printf '%s\\n' "$status" > ${quotedExitFile}`,
    'exit "$status"',
  ];
}

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
        exitFile: "/data/pods/p1/containers/web/exit",
      },
      want: [
        "'/bin/mount' --bind '/data/pods/p1/etc-resolv.conf' '/etc/resolv.conf' || exit 125",
        "'/bin/mount' --bind '/data/pods/p1/etc-hosts' '/etc/hosts' || exit 125",
        "{ printf '%s' 'web-0' 2>/dev/null > /proc/sys/kernel/hostname || hostname 'web-0'; } || exit 125",
        "cd -- '/srv' || exit 125",
        `echo ${READY_MARKER}`,
        "exec 1>&3 2>&3 3>&-",
        ...shim("'/data/pods/p1/containers/web/exit'"),
      ],
    },
    {
      name: "the token directory: made if missing, bind-mounted, then read-only",
      plan: {
        mounts: [
          { source: "/data/pods/p1/etc-hosts", target: "/etc/hosts" as const },
          { source: "/data/pods/p1/var-run-secrets-kubernetes.io-serviceaccount", target: "/var/run/secrets/kubernetes.io/serviceaccount" as const },
        ],
        hostname: "h",
        exitFile: "/data/pods/p1/containers/c/exit",
      },
      want: [
        "'/bin/mount' --bind '/data/pods/p1/etc-hosts' '/etc/hosts' || exit 125",
        "mkdir -p -- '/var/run/secrets/kubernetes.io/serviceaccount' || exit 125",
        "'/bin/mount' --bind '/data/pods/p1/var-run-secrets-kubernetes.io-serviceaccount' '/var/run/secrets/kubernetes.io/serviceaccount' || exit 125",
        "'/bin/mount' -o remount,bind,ro '/var/run/secrets/kubernetes.io/serviceaccount' || exit 125",
        "{ printf '%s' 'h' 2>/dev/null > /proc/sys/kernel/hostname || hostname 'h'; } || exit 125",
        `echo ${READY_MARKER}`,
        "exec 1>&3 2>&3 3>&-",
        ...shim("'/data/pods/p1/containers/c/exit'"),
      ],
    },
    {
      name: "no working dir, quoted source",
      plan: { mounts: [{ source: "/d/it's/etc-hosts", target: "/etc/hosts" as const }], hostname: "h", exitFile: "/d/it's/exit" },
      want: [
        "'/bin/mount' --bind '/d/it'\\''s/etc-hosts' '/etc/hosts' || exit 125",
        "{ printf '%s' 'h' 2>/dev/null > /proc/sys/kernel/hostname || hostname 'h'; } || exit 125",
        `echo ${READY_MARKER}`,
        "exec 1>&3 2>&3 3>&-",
        ...shim("'/d/it'\\''s/exit'"),
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
      got: launchArgv(tools, { netns: "svcnet-x-pod-1", command: ["sh", "-c", "echo $HOSTNAME"], plan: { mounts: [], hostname: "h", exitFile: "/x/exit" } }),
      want: [
        "/sbin/ip", "netns", "exec", "svcnet-x-pod-1",
        "/bin/unshare", "--mount", "--uts", "--propagation", "private",
        "/bin/sh", "-c", setupScript(tools, { mounts: [], hostname: "h", exitFile: "/x/exit" }), "svcnet-setup",
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

describe("the shim (run for real, without namespaces)", () => {
  /** Runs `command` under the shim as its own process group; `act` may signal it once it runs. */
  async function underShim(command: string[], act?: (shimPid: number) => void): Promise<{ code: number | null; recorded: string; sigIgn: string }> {
    const dir = mkdtempSync(join(tmpdir(), "svcnet-shim-"));
    try {
      const exitFile = join(dir, "exit");
      const child = spawn("/bin/sh", ["-c", shimSteps({ env: "/usr/bin/env" }, exitFile).join("\n"), "svcnet-setup", ...command], { detached: true, stdio: "ignore" });
      const ended = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      let sigIgn = "";
      if (act && child.pid) {
        await sleep(200);
        const kid = execFileSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).trim();
        sigIgn = /SigIgn:\s*(\S+)/.exec(readFileSync(`/proc/${kid}/status`, "utf8"))?.[1] ?? "";
        act(child.pid);
      }
      const code = await ended;
      return { code, recorded: readFileSync(exitFile, "utf8"), sigIgn };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("records and returns the command's exit code", async () => {
    const r = await underShim(["sh", "-c", "exit 7"]);
    assert.deepEqual([r.code, r.recorded], [7, "7\n"]);
  });
  it("a command that is not found exits 127", async () => {
    const r = await underShim(["svcnet-no-such-command"]);
    assert.deepEqual([r.code, r.recorded], [127, "127\n"]);
  });
  it("SIGTERM to the process group ends the command, not the shim first: 128+15 recorded", async () => {
    const r = await underShim(["sleep", "30"], (pid) => process.kill(-pid, "SIGTERM"));
    assert.deepEqual([r.code, r.recorded], [143, "143\n"]);
  });
  it("the command gets every signal at its default (no SIGINT/SIGQUIT ignored)", async () => {
    const r = await underShim(["sleep", "30"], (pid) => process.kill(-pid, "SIGINT"));
    // Signals 1–31 only: glibc reserves 32 and 33 for its threads and refuses to change them, so a
    // runner that starts us with 32 ignored (CI does) passes that on and nothing in userspace can undo it.
    const standard = BigInt(`0x${r.sigIgn}`) & ((1n << 31n) - 1n);
    assert.equal(standard.toString(16), "0", `SigIgn ${r.sigIgn}`);
    assert.deepEqual([r.code, r.recorded], [130, "130\n"]);
  });
});

describe("POD_DIR_PATHS", () => {
  it("the token directory is where admission mounts the token volume", () => assert.deepEqual([...POD_DIR_PATHS], [tokenMountPath]));
});
