// The node lifecycle controller for the controller manager, and the DefaultTolerationSeconds
// admission helper the API server's pod strategy applies on create.

import type { Controller } from "../controller-context.js";
import { nodeLifecycleController } from "./nodelifecycle-controller.js";

export { createNodeLifecycleController, nodeLifecycleController, nodeLeaseNamespace } from "./nodelifecycle-controller.js";
export type { NodeLifecycleOptions } from "./nodelifecycle-controller.js";
export { defaultTolerations, defaultTolerationSeconds } from "./pod-eviction.js";

/** The controllers of this directory, for the controller manager to register. */
export const nodeLifecycleControllers: Controller[] = [nodeLifecycleController];
