// The strategy every resource starts from: Kubernetes defaults and validation for its kind
// (src/api/defaults, src/api/validation), status kept apart from spec, generation bumped on
// spec changes, and field labels for field selectors.

import { fieldValue } from "../api/selectors/field-selector.js";
import type { ResourceInfo } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import { jsonEqual } from "../api/json.js";
import type { AdmissionOptions } from "../api/validation/index.js";
import { admissionFor } from "../api/validation/index.js";
import type { ResourceStrategy, WriteContext } from "./strategy.js";

/** Field-label values that Kubernetes renders from typed fields (booleans print "false" when unset). */
const fieldDefaults: Record<string, string> = {
  "spec.unschedulable": "false",
  "spec.hostNetwork": "false",
};

export function fieldLabelsOf(r: ResourceInfo, obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = {
    "metadata.name": obj.metadata.name ?? "",
    "metadata.namespace": obj.metadata.namespace ?? "",
  };
  for (const f of r.fieldLabels) {
    if (f === "source") out[f] = fieldValue(obj, "source.component");
    else if (f === "status.podIPs") out[f] = fieldValue(obj, "status.podIP");
    else out[f] = fieldValue(obj, f) || fieldDefaults[f] || "";
  }
  return out;
}

/**
 * Resources whose metadata.generation counts changes to their desired state, as their
 * Kubernetes strategies do, with the part of the object that counts.
 */
const generational = new Map<string, (o: KubeObject) => unknown>([
  ["replicationcontrollers", (o) => o.spec],
  ["deployments", (o) => o.spec],
  ["replicasets", (o) => o.spec],
  ["endpointslices", (o) => [o.addressType, o.endpoints, o.ports]],
  // Custom resources with a status subresource count every change but metadata and status.
  ["ipaddresspools", (o) => o.spec],
  ["l2advertisements", (o) => o.spec],
]);

export function genericStrategy(r: ResourceInfo, overrides: Partial<ResourceStrategy> = {}, admissionOptions: AdmissionOptions = {}): ResourceStrategy {
  const admission = admissionFor(r.group, r.kind, admissionOptions);
  const hasStatus = r.subresources.some((s) => s.name === "status");
  const base: ResourceStrategy = {
    allowCreateOnUpdate: ["endpoints", "events", "leases"].includes(r.resource),
    prepareForCreate(obj) {
      // Nodes may be created with their status (kubelets register that way); others may not.
      if (hasStatus && r.resource !== "nodes") delete obj.status;
      if (generational.has(r.resource)) obj.metadata.generation = 1;
      else delete obj.metadata.generation;
      admission.defaults(obj);
      admission.prepareForCreate?.(obj);
    },
    prepareForUpdate(obj: KubeObject, old: KubeObject, ctx: WriteContext) {
      if (ctx.subresource === "status") {
        if ("spec" in old) obj.spec = old.spec;
        else delete obj.spec;
        if (generational.has(r.resource)) obj.metadata.generation = old.metadata.generation;
        else delete obj.metadata.generation;
      } else {
        // The main resource keeps the stored status; a binding sets PodScheduled with the node.
        if (hasStatus && ctx.subresource !== "binding") {
          if ("status" in old) obj.status = old.status;
          else delete obj.status;
        }
        admission.defaults(obj);
        admission.prepareForUpdate?.(obj, old);
        const desired = generational.get(r.resource);
        if (desired) {
          const changed = !jsonEqual(desired(obj), desired(old));
          obj.metadata.generation = (old.metadata.generation ?? 1) + (changed ? 1 : 0);
        } else delete obj.metadata.generation;
      }
    },
    validateCreate: (obj) => admission.validate(obj),
    validateUpdate(obj, old, ctx) {
      // Binding only sets spec.nodeName, which an ordinary pod update may not change.
      if (ctx.subresource === "binding") return [];
      if (ctx.subresource === "status" && admission.validateStatusUpdate) return admission.validateStatusUpdate(obj, old);
      return admission.validateUpdate(obj, old);
    },
    fieldLabels: (obj) => fieldLabelsOf(r, obj),
  };
  return { ...base, ...overrides };
}
