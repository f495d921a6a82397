// The certificates controllers of kube-controller-manager that svcnet runs, by their names there.

import type { Controller } from "../controller-context.js";
import { csrApprovingController } from "./csrapproving-controller.js";
import { csrCleanerController } from "./csrcleaner-controller.js";
import { csrSigningController } from "./csrsigning-controller.js";
import { rootCACertPublisher } from "./root-ca-cert-publisher.js";

export const certificateControllers: readonly Controller[] = [rootCACertPublisher, csrApprovingController, csrSigningController, csrCleanerController];
