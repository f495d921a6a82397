// What CertificateSigningRequests do differently (Kubernetes' csrStrategy and its status and
// approval strategies): on create the requester's identity replaces whatever spec.username, uid,
// groups and extra the body carried, and status starts empty — nobody creates a pre-approved
// request. After that the request is immutable: an update of the main resource keeps spec and
// status; /status keeps spec and the Approved/Denied conditions (the signer writes the
// certificate and other conditions); /approval keeps spec and the certificate (the approver
// writes conditions only). Conditions written through a subresource get their timestamps filled in.

import type { CertificateSigningRequest, CertificateSigningRequestCondition } from "../api/certificates-types.js";
import { isJsonObject } from "../api/json.js";
import { rfc3339 } from "../api/time.js";
import type { KubeObject } from "../api/types.js";
import {
  validateCertificateSigningRequestApprovalUpdate,
  validateCertificateSigningRequestStatusUpdate,
  validateCertificateSigningRequestUpdate,
} from "../api/validation/certificate-signing-request.js";
import type { ResourceStrategy, WriteContext } from "./strategy.js";

/** The conditions as written (a body of any shape reaches here before validation): only objects count. */
function conditions(csr: CertificateSigningRequest): CertificateSigningRequestCondition[] {
  return Array.isArray(csr.status?.conditions) ? csr.status.conditions : [];
}

function isCondition(c: unknown): c is CertificateSigningRequestCondition {
  return isJsonObject(c);
}

/**
 * Kubernetes' preserveConditionInstances: when the write has as many conditions of `type` as
 * the stored object, they are the stored ones again (a /status write cannot touch approval).
 * Added or removed ones stay, for validation to refuse.
 */
export function preserveConditionInstances(csr: CertificateSigningRequest, old: CertificateSigningRequest, type: string): void {
  const now = conditions(csr);
  const before = conditions(old);
  const newIndices = now.flatMap((c, i) => (isCondition(c) && c.type === type ? [i] : []));
  const oldIndices = before.flatMap((c, i) => (isCondition(c) && c.type === type ? [i] : []));
  if (newIndices.length !== oldIndices.length) return;
  oldIndices.forEach((oldIndex, i) => {
    now[newIndices[i]] = before[oldIndex];
  });
}

/**
 * Kubernetes' populateConditionTimestamps: a condition without lastUpdateTime gets now; one
 * without lastTransitionTime keeps the stored one of the same type and status, or gets now.
 */
export function populateConditionTimestamps(csr: CertificateSigningRequest, old: CertificateSigningRequest, now: Date): void {
  const stamp = rfc3339(now);
  for (const c of conditions(csr)) {
    if (!isCondition(c)) continue;
    if (!c.lastUpdateTime) c.lastUpdateTime = stamp;
    if (!c.lastTransitionTime) {
      const same = conditions(old).find((o) => isCondition(o) && o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = same?.lastTransitionTime ?? stamp;
    }
  }
}

export function csrStrategyOverrides(base: ResourceStrategy): Partial<ResourceStrategy> {
  return {
    prepareForCreate(obj: KubeObject, ctx: WriteContext) {
      base.prepareForCreate(obj, ctx);
      const csr = obj as CertificateSigningRequest;
      const spec = (csr.spec ??= { request: "", signerName: "" });
      delete spec.username;
      delete spec.uid;
      delete spec.groups;
      delete spec.extra;
      const user = ctx.requester;
      if (user) {
        spec.username = user.name;
        if (user.uid) spec.uid = user.uid;
        if (user.groups.length) spec.groups = [...user.groups];
        if (user.extra && Object.keys(user.extra).length) spec.extra = Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]]));
      }
      csr.status = {};
    },
    prepareForUpdate(obj: KubeObject, old: KubeObject, ctx: WriteContext) {
      const csr = obj as CertificateSigningRequest;
      const prev = old as CertificateSigningRequest;
      delete csr.metadata.generation;
      csr.spec = prev.spec;
      if (ctx.subresource === "status") {
        csr.status ??= {};
        preserveConditionInstances(csr, prev, "Approved");
        preserveConditionInstances(csr, prev, "Denied");
        populateConditionTimestamps(csr, prev, ctx.now);
      } else if (ctx.subresource === "approval") {
        populateConditionTimestamps(csr, prev, ctx.now);
        const written = csr.status?.conditions;
        csr.status = { ...(prev.status ?? {}) };
        if (written === undefined) delete csr.status.conditions;
        else csr.status.conditions = written;
      } else if (prev.status === undefined) delete csr.status;
      else csr.status = prev.status;
    },
    validateUpdate(obj: KubeObject, old: KubeObject, ctx: WriteContext) {
      const csr = obj as CertificateSigningRequest;
      const prev = old as CertificateSigningRequest;
      if (ctx.subresource === "status") return validateCertificateSigningRequestStatusUpdate(csr, prev);
      if (ctx.subresource === "approval") return validateCertificateSigningRequestApprovalUpdate(csr, prev);
      return validateCertificateSigningRequestUpdate(csr, prev);
    },
  };
}
