// Every controller `svcnet server` can run, by its kube-controller-manager name.

import type { Controller } from "./controller-context.js";
import { endpointControllers } from "./endpoints/index.js";
import { garbageCollector } from "./garbagecollector/garbage-collector.js";
import { namespaceController } from "./namespace/namespace-controller.js";
import { nodeLifecycleControllers } from "./nodelifecycle/index.js";
import { schedulerControllers } from "./scheduling/index.js";
import { workloadControllers } from "./workloads/index.js";

export const allControllers: readonly Controller[] = [
  garbageCollector,
  namespaceController,
  ...endpointControllers,
  ...workloadControllers,
  ...schedulerControllers,
  ...nodeLifecycleControllers,
];

export const controllerNames = (): string[] => allControllers.map((c) => c.name);
