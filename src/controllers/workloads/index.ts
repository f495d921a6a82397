// The workload controllers for the controller manager to register: replicationcontroller,
// replicaset and deployment, named as kube-controller-manager's --controllers.

import type { Controller } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { deploymentController } from "./deployment-controller.js";
import { replicaController } from "./replication-controller.js";

/** The ReplicationController controller (Events from "replication-controller"). */
export const replicationControllerController: Controller = replicaController({
  name: "replicationcontroller",
  kind: "ReplicationController",
  resource: resource("", "v1", "replicationcontrollers"),
  component: "replication-controller",
});

/** The ReplicaSet controller (Events from "replicaset-controller"). */
export const replicaSetController: Controller = replicaController({
  name: "replicaset",
  kind: "ReplicaSet",
  resource: resource("apps", "v1", "replicasets"),
  component: "replicaset-controller",
});

/** Every workload controller, in registration order. */
export const workloadControllers: Controller[] = [replicationControllerController, replicaSetController, deploymentController];

export { deploymentController };
