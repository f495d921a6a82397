// Per-resource behaviour plugged into the generic registry: what create and update reset or
// default, how objects are validated, what admission (allocation) runs, how deletion behaves.
// Stages run in this order on a write: prepare → validate → admit → store → (after) commit.

import type { FieldError } from "../api/field-errors.js";
import type { KubeObject } from "../api/types.js";

/** Who is writing, as the API server authenticated them (the shape of its UserInfo). */
export interface Requester {
  name: string;
  groups: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

export interface WriteContext {
  now: Date;
  dryRun: boolean;
  /** "" for the main resource, or "status", "scale", "binding", "finalize", "approval". */
  subresource: string;
  /** The writer; absent for writes from inside the server. CSRs record it on create. */
  requester?: Requester;
}

/** Reverses an admission step (e.g. releases an allocated IP) if the write does not happen. */
export interface AdmissionResult {
  /** Runs after the write is stored (e.g. release the old IPs of an updated service). */
  commit(): Promise<void>;
  /** Runs if the write fails after admission. */
  rollback(): Promise<void>;
}

export interface ResourceStrategy {
  /** PUT of a missing object creates it (Kubernetes: endpoints, events, leases). */
  readonly allowCreateOnUpdate: boolean;
  /** Sets defaults and resets fields a create may not set (status, generation). Mutates obj. */
  prepareForCreate(obj: KubeObject, ctx: WriteContext): void;
  /** Carries over what an update may not change (status on the main resource, spec on /status). */
  prepareForUpdate(obj: KubeObject, old: KubeObject, ctx: WriteContext): void;
  validateCreate(obj: KubeObject): FieldError[];
  validateUpdate(obj: KubeObject, old: KubeObject, ctx: WriteContext): FieldError[];
  admitCreate?(obj: KubeObject, ctx: WriteContext): Promise<AdmissionResult>;
  admitUpdate?(obj: KubeObject, old: KubeObject, ctx: WriteContext): Promise<AdmissionResult>;
  /** After the object is gone from storage (release allocations). */
  afterDelete?(obj: KubeObject): Promise<void>;
  /**
   * How long deletion waits for someone (the node agent) to confirm; 0 deletes at once.
   * `requested` is DeleteOptions.gracePeriodSeconds.
   */
  gracePeriod?(obj: KubeObject, requested: number | undefined): Promise<number>;
  /**
   * Called on DELETE with a private copy: may mark it (namespaces turn Terminating) and returns
   * true when something besides metadata.finalizers must finish first (namespace spec.finalizers).
   */
  prepareForDeletion?(obj: KubeObject): boolean;
  /** Whether an object marked for deletion may go now that an update changed it. */
  deletionBlocked?(obj: KubeObject): boolean;
  /** Values of the resource's field-selector labels for this object. */
  fieldLabels(obj: KubeObject): Record<string, string>;
}

export const noAdmission: AdmissionResult = { commit: async () => {}, rollback: async () => {} };
