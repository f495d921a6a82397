// The endpoint controllers for the controller manager to register: Endpoints, EndpointSlices
// and EndpointSlice mirroring, named as kube-controller-manager's --controllers.

import type { Controller } from "../controller-context.js";
import { endpointController } from "./endpoint-controller.js";
import { endpointSliceController } from "./endpointslice-controller.js";
import { endpointSliceMirroringController } from "./mirroring-controller.js";

export { endpointController } from "./endpoint-controller.js";
export { endpointSliceController } from "./endpointslice-controller.js";
export { endpointSliceMirroringController } from "./mirroring-controller.js";

/** "endpoint", "endpointslice" and "endpointslicemirroring", in that order. */
export const endpointControllers: Controller[] = [endpointController, endpointSliceController, endpointSliceMirroringController];
