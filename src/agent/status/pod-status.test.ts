import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Pod } from "../../api/types.js";
import type { ContainerRuntimeInfo } from "./container-status.js";
import { podStatus } from "./pod-status.js";
import { makePod } from "./test-fixtures.js";

const NOW = new Date("2026-11-26T12:00:00Z");
const T0 = "2026-11-26T11:59:00Z";

function runtime(...infos: ContainerRuntimeInfo[]): Map<string, ContainerRuntimeInfo> {
  return new Map(infos.map((i) => [i.name, deepFreeze(i)]));
}

test("podStatus end to end", async (t) => {
  const withInit = makePod(["app"], (s) => {
    s.initContainers = [{ name: "init" }];
  });
  const cases: {
    name: string;
    pod: Pod;
    runtime: Map<string, ContainerRuntimeInfo>;
    sandboxReady?: boolean;
    podIP?: string;
    want: { phase: string; ready: string; waiting: (string | undefined)[]; podIP?: string; startTime: string };
  }[] = [
    {
      name: "fresh pod: ContainerCreating",
      pod: makePod(["a"]),
      runtime: runtime(),
      sandboxReady: false,
      want: { phase: "Pending", ready: "False", waiting: ["ContainerCreating"], startTime: "2026-11-26T12:00:00Z" },
    },
    {
      name: "running pod with an address",
      pod: { ...makePod(["a"]), status: { startTime: T0 } },
      runtime: runtime({ name: "a", restartCount: 0, current: { state: "running", startedAt: T0 } }),
      podIP: "10.1.13.5",
      want: { phase: "Running", ready: "True", waiting: [undefined], podIP: "10.1.13.5", startTime: T0 },
    },
    {
      name: "app waits PodInitializing behind its init container",
      pod: withInit,
      runtime: runtime({ name: "init", restartCount: 0, current: { state: "running", startedAt: T0 } }),
      want: { phase: "Pending", ready: "False", waiting: [undefined, "PodInitializing"], startTime: "2026-11-26T12:00:00Z" },
    },
    {
      name: "crash loop keeps the pod Running but unready",
      pod: makePod(["a"]),
      runtime: runtime({
        name: "a",
        restartCount: 2,
        current: { state: "exited", exitCode: 1, startedAt: T0, finishedAt: T0 },
        waiting: { reason: "CrashLoopBackOff", message: "back-off 20s restarting failed container=a pod=web_default(u-1)" },
      }),
      want: { phase: "Running", ready: "False", waiting: ["CrashLoopBackOff"], startTime: "2026-11-26T12:00:00Z" },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const s = podStatus(deepFreeze(c.pod), c.runtime, {
        now: NOW,
        sandboxReady: c.sandboxReady ?? true,
        hostIP: "172.17.8.101",
        podIP: c.podIP,
      });
      const waiting = [...(s.initContainerStatuses ?? []), ...(s.containerStatuses ?? [])].map(
        (cs) => cs.state?.waiting?.reason,
      );
      assert.deepEqual(
        {
          phase: s.phase,
          ready: s.conditions?.find((x) => x.type === "Ready")?.status,
          waiting,
          ...(s.podIP !== undefined && { podIP: s.podIP }),
          startTime: s.startTime,
        },
        c.want,
      );
      assert.deepEqual(s.hostIPs, [{ ip: "172.17.8.101" }]);
      if (c.podIP) assert.deepEqual(s.podIPs, [{ ip: c.podIP }]);
    });
  }
});
