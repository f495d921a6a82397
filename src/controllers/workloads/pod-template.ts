// A pod as a ReplicationController or ReplicaSet creates it from its template
// (controller.GetPodFromTemplate): generateName "<owner>-", the template's labels, annotations
// and finalizers, one controller ownerReference, and a copy of the template's spec. The API
// server fills in the random name suffix; the namespace is the owner's.

import { deepCopy } from "../../api/json.js";
import type { KubeObject, OwnerReference, Pod, PodTemplateSpec } from "../../api/types.js";

/** Which kind/apiVersion the owner reference names (ReplicationController v1, ReplicaSet apps/v1, …). */
export interface OwnerKind {
  ownerKind: string;
  apiVersion: string;
}

/** metav1.NewControllerRef: the owner reference a controller puts on what it creates. */
export function newControllerRef(owner: KubeObject, { ownerKind, apiVersion }: OwnerKind): OwnerReference {
  return {
    apiVersion,
    kind: ownerKind,
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The generateName prefix for pods of `ownerName`: "<name>-", or the bare name when the dashed
 * prefix would not be a valid pod-name prefix (longer than 253 characters).
 */
export function podNamePrefix(ownerName: string): string {
  const prefix = `${ownerName}-`;
  const masked = `${ownerName}a`;
  return masked.length <= 253 && dns1123Subdomain.test(masked) ? prefix : ownerName;
}

/**
 * The pod to POST for one replica of `owner` (never mutates its inputs). Labels, annotations
 * and finalizers are copied from the template metadata; everything else in the template's
 * metadata (name, namespace, …) is ignored, as upstream.
 */
export function podFromTemplate(owner: KubeObject, template: PodTemplateSpec, kind: OwnerKind): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: podNamePrefix(owner.metadata.name ?? ""),
      namespace: owner.metadata.namespace,
    },
    spec: deepCopy(template.spec),
  };
  if (meta.labels) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  pod.metadata.ownerReferences = [newControllerRef(owner, kind)];
  if (pod.metadata.namespace === undefined) delete pod.metadata.namespace;
  return pod;
}

/** Event messages the replication controllers record, worded as upstream. */
export const podEventMessages = {
  successfulCreate: (podName: string): string => `Created pod: ${podName}`,
  failedCreate: (err: string): string => `Error creating: ${err}`,
  successfulDelete: (podName: string): string => `Deleted pod: ${podName}`,
  failedDelete: (err: string): string => `Error deleting: ${err}`,
} as const;
