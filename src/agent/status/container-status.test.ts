import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Container, ContainerStatus } from "../../api/types.js";
import type { ContainerRuntimeInfo, ExitedInstance } from "./container-status.js";
import { containerStatus } from "./container-status.js";

const T0 = "2026-11-26T10:00:00Z";
const T1 = "2026-11-26T10:00:05Z";
const T2 = "2026-11-26T10:00:30Z";

function exited(exitCode: number, over: Partial<ExitedInstance> = {}): ExitedInstance {
  return { state: "exited", exitCode, startedAt: T0, finishedAt: T1, ...over };
}

const nginx: Container = { name: "nginx", image: "nginx:1.27" };
// The wire type omits terminated.containerID; a non-literal value carries it past excess-property checks.
const oomKilled = { exitCode: 137, signal: 9, reason: "OOMKilled", startedAt: T0, finishedAt: T1, containerID: "svcnet://x" };
const base = { name: "nginx", image: "nginx:1.27", imageID: "" };

test("containerStatus", async (t) => {
  const cases: {
    name: string;
    info?: ContainerRuntimeInfo;
    podInitializing?: boolean;
    want: ContainerStatus;
  }[] = [
    {
      name: "not created yet: ContainerCreating",
      want: { ...base, restartCount: 0, ready: false, started: false, state: { waiting: { reason: "ContainerCreating" } }, lastState: {} },
    },
    {
      name: "regular container while init containers run: PodInitializing",
      podInitializing: true,
      want: { ...base, restartCount: 0, ready: false, started: false, state: { waiting: { reason: "PodInitializing" } }, lastState: {} },
    },
    {
      name: "image pull failure",
      info: { name: "nginx", restartCount: 0, waiting: { reason: "ErrImagePull", message: "no such image" } },
      want: {
        ...base,
        restartCount: 0,
        ready: false,
        started: false,
        state: { waiting: { reason: "ErrImagePull", message: "no such image" } },
        lastState: {},
      },
    },
    {
      name: "running without probes is ready and started",
      info: { name: "nginx", restartCount: 0, current: { state: "running", startedAt: T0, containerID: "svcnet://abc" }, imageID: "sha256:1" },
      want: {
        ...base,
        imageID: "sha256:1",
        containerID: "svcnet://abc",
        restartCount: 0,
        ready: true,
        started: true,
        state: { running: { startedAt: T0 } },
        lastState: {},
      },
    },
    {
      name: "running but readiness probe failing",
      info: { name: "nginx", restartCount: 0, current: { state: "running", startedAt: T0 }, ready: false },
      want: { ...base, restartCount: 0, ready: false, started: true, state: { running: { startedAt: T0 } }, lastState: {} },
    },
    {
      name: "startup probe not passed: not ready either",
      info: { name: "nginx", restartCount: 0, current: { state: "running", startedAt: T0 }, started: false, ready: true },
      want: { ...base, restartCount: 0, ready: false, started: false, state: { running: { startedAt: T0 } }, lastState: {} },
    },
    {
      name: "restarted: previous exit is lastState",
      info: { name: "nginx", restartCount: 1, current: { state: "running", startedAt: T2 }, previous: exited(1) },
      want: {
        ...base,
        restartCount: 1,
        ready: true,
        started: true,
        state: { running: { startedAt: T2 } },
        lastState: { terminated: { exitCode: 1, reason: "Error", startedAt: T0, finishedAt: T1 } },
      },
    },
    {
      name: "exited successfully: Completed",
      info: { name: "nginx", restartCount: 0, current: exited(0) },
      want: {
        ...base,
        restartCount: 0,
        ready: false,
        started: false,
        state: { terminated: { exitCode: 0, reason: "Completed", startedAt: T0, finishedAt: T1 } },
        lastState: {},
      },
    },
    {
      name: "killed by the kernel keeps the runtime reason and signal",
      info: { name: "nginx", restartCount: 0, current: exited(137, { reason: "OOMKilled", signal: 9, containerID: "svcnet://x" }) },
      want: {
        ...base,
        containerID: "svcnet://x",
        restartCount: 0,
        ready: false,
        started: false,
        state: { terminated: oomKilled },
        lastState: {},
      },
    },
    {
      name: "crash loop: waiting CrashLoopBackOff, the exit is lastState",
      info: {
        name: "nginx",
        restartCount: 3,
        current: exited(2, { message: "boom" }),
        previous: exited(2, { startedAt: "2026-11-26T09:59:00Z" }),
        waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container=nginx pod=web_default(u)" },
      },
      want: {
        ...base,
        restartCount: 3,
        ready: false,
        started: false,
        state: {
          waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container=nginx pod=web_default(u)" },
        },
        lastState: { terminated: { exitCode: 2, reason: "Error", message: "boom", startedAt: T0, finishedAt: T1 } },
      },
    },
    {
      name: "being recreated after a restart: ContainerCreating with previous exit as lastState",
      info: { name: "nginx", restartCount: 1, previous: exited(1) },
      want: {
        ...base,
        restartCount: 1,
        ready: false,
        started: false,
        state: { waiting: { reason: "ContainerCreating" } },
        lastState: { terminated: { exitCode: 1, reason: "Error", startedAt: T0, finishedAt: T1 } },
      },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const info = c.info ? deepFreeze(c.info) : undefined;
      const got = containerStatus(deepFreeze(nginx), info, { podInitializing: c.podInitializing });
      assert.deepEqual(got, c.want);
    });
  }
});
