// A container's API status (state, lastState, ready, started, restartCount) computed from what
// the agent knows about the container's process instances.

import type { Container, ContainerState, ContainerStatus } from "../../api/types.js";

/** Waiting reasons the agent reports, as the kubelet names them. */
export type WaitingReason =
  | "ContainerCreating"
  | "PodInitializing"
  | "CrashLoopBackOff"
  | "ErrImagePull"
  | "ImagePullBackOff"
  | "CreateContainerError"
  | "RunContainerError";

/** One instance of a container that has exited. */
export interface ExitedInstance {
  state: "exited";
  exitCode: number;
  signal?: number;
  /** Runtime's reason (e.g. "OOMKilled"); defaults to "Completed" for exit 0, else "Error". */
  reason?: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
  containerID?: string;
}

/** One instance of a container that is running. */
export interface RunningInstance {
  state: "running";
  startedAt: string;
  containerID?: string;
}

/** What the agent knows about one container of a pod. */
export interface ContainerRuntimeInfo {
  name: string;
  restartCount: number;
  /** The newest instance, if one was ever created. */
  current?: RunningInstance | ExitedInstance;
  /** The instance before `current`, if it exited (reported as lastState). */
  previous?: ExitedInstance;
  /** Set while the agent holds the container back (back-off, image error, still creating). */
  waiting?: { reason: WaitingReason | (string & {}); message?: string };
  /** Readiness probe result; undefined means no readiness probe (ready once running). */
  ready?: boolean;
  /** Startup probe result; undefined means no startup probe (started once running). */
  started?: boolean;
  imageID?: string;
}

function terminated(instance: ExitedInstance): ContainerState {
  const reason = instance.reason ?? (instance.exitCode === 0 ? "Completed" : "Error");
  return {
    terminated: {
      exitCode: instance.exitCode,
      ...(instance.signal !== undefined && { signal: instance.signal }),
      reason,
      ...(instance.message !== undefined && { message: instance.message }),
      startedAt: instance.startedAt,
      finishedAt: instance.finishedAt,
      ...(instance.containerID !== undefined && { containerID: instance.containerID }),
    },
  };
}

/**
 * The status of `container` (from the pod spec) given the agent's `info` about it (undefined
 * when nothing was created yet). Rules:
 * - nothing created and no waiting reason: waiting "ContainerCreating" (or "PodInitializing"
 *   when `podInitializing`, for regular containers while init containers still run);
 * - a waiting reason set: waiting with it; lastState is the newest exited instance;
 * - running: started/ready default to true without probes, and never ready before started;
 *   lastState is `previous`;
 * - exited: terminated with reason "Completed"/"Error" unless the runtime gave one.
 */
export function containerStatus(
  container: Container,
  info: ContainerRuntimeInfo | undefined,
  options: { podInitializing?: boolean } = {},
): ContainerStatus {
  const base = {
    name: container.name,
    image: container.image ?? "",
    imageID: info?.imageID ?? "",
    restartCount: info?.restartCount ?? 0,
  };
  const current = info?.current;
  if (info?.waiting || !current) {
    const reason = info?.waiting?.reason ?? (options.podInitializing ? "PodInitializing" : "ContainerCreating");
    const message = info?.waiting?.message;
    const last = current?.state === "exited" ? current : info?.previous;
    return {
      ...base,
      ready: false,
      started: false,
      state: { waiting: message === undefined ? { reason } : { reason, message } },
      lastState: last ? terminated(last) : {},
    };
  }
  const lastState = info.previous ? terminated(info.previous) : {};
  if (current.state === "running") {
    const started = info.started ?? true;
    return {
      ...base,
      ...(current.containerID !== undefined && { containerID: current.containerID }),
      ready: started && (info.ready ?? true),
      started,
      state: { running: { startedAt: current.startedAt } },
      lastState,
    };
  }
  return {
    ...base,
    ...(current.containerID !== undefined && { containerID: current.containerID }),
    ready: false,
    started: false,
    state: terminated(current),
    lastState,
  };
}
