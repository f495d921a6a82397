// Node defaults (SetDefaults_NodeStatus): allocatable copies capacity when unset. Mutates
// the object it is given.

import { isJsonObject } from "../json.js";
import type { Node } from "../types.js";

/** status.allocatable defaults to a copy of status.capacity. */
export function defaultNode(node: Node): void {
  const status = node.status;
  if (!isJsonObject(status)) return;
  if (!isJsonObject(status.allocatable) && isJsonObject(status.capacity)) status.allocatable = { ...status.capacity };
}
