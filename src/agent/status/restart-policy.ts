// Whether the agent starts a pod's container again after it exited, by the pod's restartPolicy.

import type { Container, PodSpec } from "../../api/types.js";

/** A pod's restart policy; the API defaults an unset one to "Always". */
export type RestartPolicy = NonNullable<PodSpec["restartPolicy"]>;

/**
 * True when a regular container that exited with `exitCode` is to be restarted: always under
 * "Always", only after a failure (non-zero exit) under "OnFailure", never under "Never".
 * An unset policy counts as "Always".
 */
export function shouldRestart(policy: RestartPolicy | undefined, exitCode: number): boolean {
  switch (policy ?? "Always") {
    case "Always":
      return true;
    case "OnFailure":
      return exitCode !== 0;
    case "Never":
      return false;
  }
}

/** True for a sidecar: an init container whose own restartPolicy is "Always". */
export function isRestartableInitContainer(container: Container): boolean {
  return container.restartPolicy === "Always";
}
