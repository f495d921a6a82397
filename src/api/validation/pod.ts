// Pod validation on create, update and /status (Kubernetes 1.32 ValidatePodCreate,
// ValidatePodUpdate, ValidatePodStatusUpdate). A pod's spec is nearly immutable: only
// container images, activeDeadlineSeconds (downwards), added tolerations, removed scheduling
// gates and a negative grace period turned to 1 may change.

import { fieldErrors, path, type FieldError } from "../field-errors.js";
import { deepCopy, jsonEqual } from "../json.js";
import type { Pod } from "../types.js";
import { invalidEach, validateImmutable } from "./common.js";
import { isDualStack, validateIP } from "./ip.js";
import { inclusiveRangeError, nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { validatePodSpec } from "./pod-spec.js";
import { list, optNum, rec, str } from "./read.js";

const specPath = path("spec");
const maxInt32 = 2147483647;

/** The fields `pod updates may not change fields other than …` names, in Kubernetes' order. */
export const updatablePodSpecFields = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

function validateMetadataAndSpec(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  errs.push(...validatePodSpec(pod.spec, specPath, { resourceIsPod: true }));
  for (const field of ["containers", "initContainers"]) {
    list(rec(pod.spec)[field]).map(rec).forEach((c, i) => {
      const image = str(c.image);
      if (image.length !== image.trim().length) {
        errs.push(fieldErrors.invalid(specPath.child(field).index(i).child("image"), image, "must not have leading or trailing whitespace"));
      }
    });
  }
  return errs;
}

/** A pod being created (expects a defaulted pod). Ephemeral containers cannot be set on create. */
export function validatePod(pod: Pod): FieldError[] {
  const errs = validateMetadataAndSpec(pod);
  if (list(rec(pod.spec).ephemeralContainers).length > 0) errs.push(fieldErrors.forbidden(specPath.child("ephemeralContainers"), "cannot be set on create"));
  return errs;
}

function containerUpdates(next: unknown, prev: unknown, field: string): { errs: FieldError[]; stop: boolean } {
  const n = list(next).map(rec);
  const o = list(prev).map(rec);
  const p = specPath.child(field);
  if (n.length !== o.length) return { errs: [fieldErrors.forbidden(p, "pod updates may not add or remove containers")], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    if (!str(c.image)) errs.push(fieldErrors.required(p.index(i).child("image")));
  });
  return { errs, stop: false };
}

function describeSpecDiff(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const lines = ["  core.PodSpec{"];
  for (const k of keys) {
    if (jsonEqual(before[k], after[k])) continue;
    if (before[k] !== undefined) lines.push(`- \t${k}: ${JSON.stringify(before[k])},`);
    if (after[k] !== undefined) lines.push(`+ \t${k}: ${JSON.stringify(after[k])},`);
  }
  lines.push("  }");
  return `${lines.join("\n")}\n`;
}

function tolerationKey(t: unknown): string {
  const { tolerationSeconds: _ignored, ...rest } = rec(t);
  return JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
}

/**
 * A pod update: metadata rules, the new pod valid on its own, and a spec that differs from
 * the stored one only where Kubernetes allows; otherwise `spec: Forbidden: pod updates may
 * not change fields other than …` followed by a description of what changed.
 */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validateMetadataAndSpec(pod));
  const n = rec(pod.spec);
  const o = rec(old.spec);
  for (const field of ["containers", "initContainers"]) {
    const r = containerUpdates(n[field], o[field], field);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const newADS = optNum(n.activeDeadlineSeconds);
  const oldADS = optNum(o.activeDeadlineSeconds);
  if (newADS !== undefined) {
    if (newADS < 0 || newADS > maxInt32) return [...errs, fieldErrors.invalid(specPath.child("activeDeadlineSeconds"), newADS, inclusiveRangeError(0, maxInt32))];
    if (oldADS !== undefined && oldADS < newADS) {
      return [...errs, fieldErrors.invalid(specPath.child("activeDeadlineSeconds"), newADS, "must be less than or equal to previous value")];
    }
  } else if (oldADS !== undefined) {
    errs.push(fieldErrors.invalid(specPath.child("activeDeadlineSeconds"), null, "must not update from a positive integer to nil value"));
  }
  const newTolerations = new Set(list(n.tolerations).map(tolerationKey));
  if (list(o.tolerations).some((t) => !newTolerations.has(tolerationKey(t)))) {
    errs.push(fieldErrors.forbidden(specPath.child("tolerations"), "existing toleration can not be modified except its tolerationSeconds"));
  }
  const oldGates = new Set(list(o.schedulingGates).map((g) => str(rec(g).name)));
  list(n.schedulingGates).forEach((g, i) => {
    const name = str(rec(g).name);
    if (!oldGates.has(name)) {
      errs.push(fieldErrors.forbidden(specPath.child("schedulingGates").index(i).child("name"), `only deletion is allowed, but found new scheduling gate '${name}'`));
    }
  });
  if (jsonEqual(n, o)) return errs;
  const munged = deepCopy(n);
  for (const field of ["containers", "initContainers"]) {
    const oc = list(o[field]).map(rec);
    list(munged[field]).forEach((c, i) => {
      const cr = rec(c);
      if (oc[i] && "image" in oc[i]) cr.image = oc[i].image;
      else delete cr.image;
    });
  }
  for (const field of ["activeDeadlineSeconds", "schedulingGates", "tolerations"]) {
    if (field in o) munged[field] = deepCopy(o[field]);
    else delete munged[field];
  }
  const oldGrace = optNum(o.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!jsonEqual(munged, o)) {
    errs.push(
      fieldErrors.forbidden(specPath, `pod updates may not change fields other than ${updatablePodSpecFields.join(",")}\n${describeSpecDiff(o, munged)}`),
    );
  }
  return errs;
}

/**
 * A /status write: metadata rules, nodeName unchanged, valid nominatedNodeName, pod and host
 * IPs valid (one per family, hostIPs[0] equal to hostIP), qosClass immutable.
 */
export function validatePodStatusUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  const statusPath = path("status");
  if (str(rec(pod.spec).nodeName) !== str(rec(old.spec).nodeName)) errs.push(fieldErrors.forbidden(statusPath.child("nodeName"), "may not be changed directly"));
  const st = rec(pod.status);
  const nominated = str(st.nominatedNodeName);
  if (nominated && nominated !== str(rec(old.status).nominatedNodeName)) {
    errs.push(...invalidEach(statusPath.child("nominatedNodeName"), nominated, nameIsDNSSubdomain(nominated, false)));
  }
  errs.push(...validateImmutable(str(st.qosClass), str(rec(old.status).qosClass), statusPath.child("qosClass")));
  for (const field of ["podIPs", "hostIPs"]) {
    const ips = list(st[field]).map((x) => str(rec(x).ip));
    const p = statusPath.child(field);
    if (field === "hostIPs" && ips.length > 0 && str(st.hostIP) !== ips[0]) {
      errs.push(fieldErrors.invalid(p.index(0).child("ip"), ips[0], "must be equal to `hostIP`"));
    }
    ips.forEach((ip, i) => errs.push(...validateIP(p.index(i), ip)));
    if (ips.length > 1 && !isDualStack(ips)) {
      errs.push(fieldErrors.invalid(p, list(st[field]), "may specify no more than one IP for each IP family"));
    }
  }
  return errs;
}
