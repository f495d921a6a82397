// Small builders for pods and container statuses shared by this directory's tests.

import type { Container, ContainerStatus, Pod, PodSpec } from "../../api/types.js";

/** A pod in "default" with the given regular container names, edited by `edit`. */
export function makePod(containers: string[], edit: (spec: PodSpec) => void = () => {}): Pod {
  const spec: PodSpec = { containers: containers.map((name): Container => ({ name, image: "busybox" })) };
  edit(spec);
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", uid: "u-1" }, spec };
}

const T = "2026-11-26T10:00:00Z";

/** Status builders by state: running, waiting (optionally after a previous exit), terminated. */
export const cs = {
  running(name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus {
    return { name, ready: true, started: true, restartCount: 0, state: { running: { startedAt: T } }, ...extra };
  },
  waiting(name: string, lastExit?: number): ContainerStatus {
    return {
      name,
      ready: false,
      started: false,
      restartCount: lastExit === undefined ? 0 : 1,
      state: { waiting: { reason: lastExit === undefined ? "ContainerCreating" : "CrashLoopBackOff" } },
      lastState: lastExit === undefined ? {} : { terminated: { exitCode: lastExit, startedAt: T, finishedAt: T } },
    };
  },
  terminated(name: string, exitCode: number): ContainerStatus {
    return {
      name,
      ready: false,
      started: false,
      restartCount: 0,
      state: { terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt: T, finishedAt: T } },
    };
  },
  empty(name: string): ContainerStatus {
    return { name, ready: false, restartCount: 0, state: {} };
  },
};
