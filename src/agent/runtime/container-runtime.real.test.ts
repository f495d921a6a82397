// The real kernel: containers in a pod namespace of a one-node sandbox. Needs root; everything
// lives in svcnet-<random>-* namespaces and a temp dir, removed in after() even on failure.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname as hostHostname, tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { etcHosts } from "../dns-config/etc-hosts.js";
import { makePod } from "../dns-config/fixtures.js";
import { resolvConf } from "../dns-config/resolv-conf.js";
import { destroyByPrefix, listNamespaces } from "../../sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../../sandbox/ip-runner.js";
import { buildSandboxNetwork } from "../../sandbox/sandbox-network.js";
import { planTopology } from "../../sandbox/topology-plan.js";
import { adoptContainer, ContainerStartError, startContainer } from "./container-process.js";
import type { ContainerProcess, StartContainerOptions } from "./container-process.js";
import { execInContainer } from "./exec-in-container.js";
import { findProcesses, isRunning } from "./proc-scan.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to create namespaces (CI runs as root)";

const HOST_FILES = ["/etc/resolv.conf", "/etc/hosts", "/etc/hostname"];
const POD_IP = "10.1.13.5";

describe("container runtime in the real kernel", { skip }, () => {
  const runner = new ExecIpRunner();
  const id = `r${randomBytes(4).toString("hex")}`;
  const plan = planTopology({ id, nodes: 1 });
  const pod = makePod("default", "web");
  const files = {
    "/etc/resolv.conf": resolvConf(pod, { clusterDNS: ["10.0.0.10"], clusterDomain: "cluster.local" }),
    "/etc/hosts": etcHosts(pod, { podIPs: [POD_IP] }),
    "/etc/hostname": "web\n",
  };
  const started: ContainerProcess[] = [];
  const hostBefore = new Map<string, string>();
  let dataDir = "";
  let netns = "";

  before(async () => {
    for (const file of HOST_FILES) hostBefore.set(file, await readFile(file, "utf8").catch(() => "(missing)"));
    hostBefore.set("hostname", hostHostname());
    dataDir = await mkdtemp(path.join(tmpdir(), "svcnet-runtime-"));
    const net = await buildSandboxNetwork(plan, runner);
    netns = (await net.addPod(net.nodes[0], { podId: "default/web", ip: POD_IP })).netns;
  });

  after(async () => {
    try {
      for (const c of started) await c.stop({ graceMs: 0 });
    } finally {
      await destroyByPrefix(runner, { id });
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
    assert.deepEqual(await listNamespaces(runner, plan.prefix), []);
  });

  async function start(name: string, command: string[], extra: Partial<StartContainerOptions> = {}): Promise<ContainerProcess> {
    const c = await startContainer({
      netns,
      command,
      env: { GREETING: "hello pod" },
      files,
      hostname: "web",
      podDir: path.join(dataDir, "pods", "web"),
      logFile: path.join(dataDir, "logs", `${name}.log`),
      exitFile: path.join(dataDir, "exit", name),
      ...extra,
    });
    started.push(c);
    return c;
  }

  async function waitForLog(name: string, pattern: RegExp): Promise<string> {
    const file = path.join(dataDir, "logs", `${name}.log`);
    for (let i = 0; i < 250; i++) {
      const text = await readFile(file, "utf8").catch(() => "");
      if (pattern.test(text)) return text;
      await sleep(20);
    }
    assert.fail(`log ${name} never matched ${pattern}: ${await readFile(file, "utf8").catch(() => "")}`);
  }

  async function assertAllGone(pids: readonly number[], c: ContainerProcess): Promise<void> {
    for (const pid of pids) assert.equal(await isRunning(pid), false, `pid ${pid} still running`);
    assert.deepEqual(await findProcesses({ pgid: c.pid, mountNs: c.mountNamespace }), []);
  }

  it("runs in the pod's namespaces, logs, execs, and stops the whole tree on SIGTERM", async () => {
    const c = await start("main", ["sh", "-c", "cat /etc/resolv.conf; hostname; ip -4 addr show eth0; echo oops >&2; sleep 30"]);
    // Wait for the last line the command writes (stderr, after the address), not one before it.
    const log = await waitForLog("main", /^oops$/m);
    assert.ok(log.startsWith(files["/etc/resolv.conf"]), log);
    assert.match(log, /^nameserver 10\.0\.0\.10$/m);
    assert.match(log, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
    assert.match(log, /^web$/m);
    assert.match(log, /^oops$/m);

    const execCases = [
      { name: "hosts file", command: ["cat", "/etc/hosts"], want: files["/etc/hosts"] },
      { name: "hostname file", command: ["cat", "/etc/hostname"], want: "web\n" },
      { name: "hostname", command: ["hostname"], want: "web\n" },
      { name: "env", command: ["sh", "-c", 'echo "$GREETING $HOSTNAME"'], want: "hello pod web\n" },
      { name: "pod address", command: ["sh", "-c", "ip -4 -o addr show eth0 | grep -o 'inet [0-9./]*'"], want: `inet ${POD_IP}/24\n` },
    ];
    for (const e of execCases) {
      const got = await execInContainer(c, e.command);
      assert.deepEqual(got, { stdout: e.want, stderr: "", exitCode: 0 }, e.name);
    }
    const failing = await execInContainer(c, ["sh", "-c", "echo no >&2; exit 7"]);
    assert.deepEqual(failing, { stdout: "", stderr: "no\n", exitCode: 7 });

    const tree = await findProcesses({ pgid: c.pid });
    assert.ok(tree.length >= 2, `expected sh and sleep, got ${tree.join(",")}`);
    const t0 = Date.now();
    const exit = await c.stop({ graceMs: 10_000 });
    // The shim outlives the command and returns its status: 128 + SIGTERM.
    assert.deepEqual(exit, { exitCode: 143, signal: null });
    assert.ok(Date.now() - t0 < 5000, `SIGTERM took ${Date.now() - t0} ms`);
    await assertAllGone(tree, c);
    assert.deepEqual(await c.stop(), exit, "stopping again gives the same exit");
  });

  it("SIGKILLs a process that ignores SIGTERM after the grace period", async () => {
    const c = await start("stubborn", ["sh", "-c", "trap '' TERM; echo trapped; sleep 30"]);
    await waitForLog("stubborn", /trapped/);
    const tree = await findProcesses({ pgid: c.pid });
    const t0 = Date.now();
    const exit = await c.stop({ graceMs: 400 });
    const took = Date.now() - t0;
    assert.deepEqual(exit, { exitCode: null, signal: "SIGKILL" });
    assert.ok(took >= 400 && took < 5000, `took ${took} ms`);
    await assertAllGone(tree, c);
  });

  it("also ends processes that left the group (setsid) and exec sessions", async () => {
    const c = await start("escape", ["sh", "-c", "setsid sleep 60 & echo started; exec sleep 30"]);
    await waitForLog("escape", /started/);
    const session = execInContainer(c, ["sleep", "60"]);
    let escaped: number[] = [];
    for (let i = 0; i < 100 && escaped.length < 2; i++) {
      const group = new Set(await findProcesses({ pgid: c.pid }));
      escaped = (await findProcesses({ mountNs: c.mountNamespace })).filter((pid) => !group.has(pid));
      await sleep(20);
    }
    assert.equal(escaped.length, 2, "the setsid sleep and the exec session");
    await c.stop({ graceMs: 200 });
    assert.equal((await session).exitCode, 137);
    await assertAllGone([c.pid, ...escaped], c);
  });

  it("reports a natural exit and kills what the main process left behind", async () => {
    const c = await start("exits", ["sh", "-c", "sleep 60 & echo bye; exit 3"], { workingDir: "/tmp" });
    assert.deepEqual(await c.exited, { exitCode: 3, signal: null });
    await sleep(50);
    assert.deepEqual(await findProcesses({ pgid: c.pid, mountNs: c.mountNamespace }), []);
    assert.match(await waitForLog("exits", /bye/), /^bye$/m);
  });

  it("a missing command exits 127 with the message in the log", async () => {
    const c = await start("missing", ["no-such-program-svcnet"]);
    assert.deepEqual(await c.exited, { exitCode: 127, signal: null });
    assert.match(await waitForLog("missing", /no-such-program-svcnet/), /No such file or directory/);
  });

  it("a later agent adopts a running container: exec works, and its exit status is the recorded one", async () => {
    const marker = path.join(dataDir, "adopted-may-exit");
    const c = await start("adopted", ["sh", "-c", `echo up; until [ -e '${marker}' ]; do sleep 0.05; done; exit 4`]);
    await waitForLog("adopted", /up/);
    const exitFile = path.join(dataDir, "exit", "adopted");
    assert.equal(await adoptContainer({ pid: c.pid, startTime: c.startTime + 1, exitFile }), undefined, "same pid, other start time: not ours");
    assert.equal(await adoptContainer({ pid: 2 ** 22 + 1, startTime: c.startTime, exitFile }), undefined, "a pid that is gone");
    const adopted = await adoptContainer({ pid: c.pid, startTime: c.startTime, exitFile, pollMs: 20 });
    assert.ok(adopted);
    assert.equal(adopted.mountNamespace, c.mountNamespace);
    assert.equal(adopted.env["GREETING"], "hello pod", "the environment comes from the running process");
    assert.deepEqual(await execInContainer(adopted, ["hostname"]), { stdout: "web\n", stderr: "", exitCode: 0 });
    // The command ends by itself: the adopted container reports its exit code from the shim's record.
    await writeFile(marker, "");
    const exit = await adopted.exited;
    assert.deepEqual(exit, { exitCode: 4, signal: null });
    assert.deepEqual(await c.exited, exit, "the original handle and the adopted one agree");
  });

  it("an adopted container stops with SIGTERM and reports 143", async () => {
    const c = await start("adopted-stop", ["sleep", "30"]);
    const adopted = await adoptContainer({ pid: c.pid, startTime: c.startTime, exitFile: path.join(dataDir, "exit", "adopted-stop"), pollMs: 20 });
    assert.ok(adopted);
    assert.deepEqual(await adopted.stop({ graceMs: 5000 }), { exitCode: 143, signal: null });
    await assertAllGone([c.pid], c);
  });

  const setupFailures = [
    { name: "missing working dir", netns: () => netns, extra: { workingDir: "/no/such/dir" }, want: /no\/such\/dir/ },
    { name: "missing network namespace", netns: () => `${plan.prefix}pod-nothere`, extra: {}, want: /nothere/ },
  ];
  for (const f of setupFailures) {
    it(`setup failure: ${f.name}`, async () => {
      await assert.rejects(
        startContainer({
          netns: f.netns(),
          command: ["sleep", "30"],
          env: {},
          files,
          hostname: "web",
          podDir: path.join(dataDir, "pods", "web"),
          logFile: path.join(dataDir, "logs", "fail.log"),
          exitFile: path.join(dataDir, "exit", "fail"),
          ...f.extra,
        }),
        (error: unknown) => {
          assert.ok(error instanceof ContainerStartError);
          assert.match(error.message, f.want);
          return true;
        },
      );
    });
  }

  it("left the host's /etc, hostname and mount table alone", async () => {
    for (const file of HOST_FILES) assert.equal(await readFile(file, "utf8").catch(() => "(missing)"), hostBefore.get(file), file);
    assert.equal(hostHostname(), hostBefore.get("hostname"));
    const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
    assert.equal(mountinfo.includes(dataDir), false, "no pod file is mounted in the host's namespace");
  });
});
