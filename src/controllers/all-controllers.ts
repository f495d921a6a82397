// Every controller `svcnet server` can run, by its kube-controller-manager name.

import { certificateControllers } from "./certificates/index.js";
import type { Controller } from "./controller-context.js";
import { endpointControllers } from "./endpoints/index.js";
import { garbageCollector } from "./garbagecollector/garbage-collector.js";
import { serviceLBController } from "./loadbalancer/service-lb-controller.js";
import { namespaceController } from "./namespace/namespace-controller.js";
import { nodeLifecycleControllers } from "./nodelifecycle/index.js";
import { schedulerControllers } from "./scheduling/index.js";
import { serviceAccountsController } from "./serviceaccount/serviceaccounts-controller.js";
import { workloadControllers } from "./workloads/index.js";

export const allControllers: readonly Controller[] = [
  garbageCollector,
  namespaceController,
  serviceAccountsController,
  ...certificateControllers,
  ...endpointControllers,
  ...workloadControllers,
  ...schedulerControllers,
  ...nodeLifecycleControllers,
  serviceLBController,
];

export const controllerNames = (): string[] => allControllers.map((c) => c.name);
