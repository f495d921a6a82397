// The pod writes of a ReplicationController / ReplicaSet sync: create pods from the template in
// slow-start batches, or delete chosen pods, keeping the owner's expectations in step and
// recording the Events `kubectl describe` shows (SuccessfulCreate "Created pod: …",
// FailedCreate "Error creating: …", SuccessfulDelete "Deleted pod: …", FailedDelete).

import type { Pod } from "../../api/types.js";
import type { EventRecorder, KubeClient } from "../../client/index.js";
import { ClientError, isNotFound, objectKey } from "../../client/index.js";
import type { Expectations } from "./expectations.js";
import type { OwnerKind } from "./pod-template.js";
import { podEventMessages, podFromTemplate } from "./pod-template.js";
import { slowStartBatches } from "./replica-decisions.js";
import type { PodOwner } from "./workload-types.js";

/** What the pod writes of one owner need. */
export interface PodControl {
  pods: KubeClient<Pod>;
  recorder: EventRecorder;
  expectations: Expectations;
  kind: OwnerKind;
}

/** True for the Forbidden a create gets in a namespace being deleted (nothing to report). */
function namespaceTerminating(e: unknown): boolean {
  return e instanceof ClientError && (e.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating");
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Creates `count` pods for `owner` (whose cache key is `key`) in batches of 1, 2, 4, …: a batch
 * with a failure ends the run, and the creations never attempted are taken off the expectations
 * as failed ones are. Resolves with the first error's message, or undefined when all went well
 * (a namespace being deleted is not an error). Events are written before it resolves.
 */
export async function createPods(c: PodControl, owner: PodOwner, key: string, count: number): Promise<string | undefined> {
  const template = owner.spec.template;
  if (!template) return "spec.template is required";
  c.expectations.expectCreations(key, count);
  const events: Promise<void>[] = [];
  let firstError: string | undefined;
  let attempted = 0;
  for (const size of slowStartBatches(count)) {
    attempted += size;
    const results = await Promise.allSettled(Array.from({ length: size }, () => c.pods.create(podFromTemplate(owner, template, c.kind))));
    let failed = false;
    for (const r of results) {
      if (r.status === "fulfilled") {
        events.push(c.recorder.event(owner, "Normal", "SuccessfulCreate", podEventMessages.successfulCreate(r.value.metadata.name ?? "")));
        continue;
      }
      // The informer will never see this pod.
      c.expectations.creationObserved(key);
      if (namespaceTerminating(r.reason)) continue;
      failed = true;
      firstError ??= message(r.reason);
      events.push(c.recorder.event(owner, "Warning", "FailedCreate", podEventMessages.failedCreate(message(r.reason))));
    }
    if (failed) break;
  }
  if (attempted < count) c.expectations.creationObserved(key, count - attempted);
  await Promise.all(events);
  return firstError;
}

/**
 * Deletes `victims` (pods of `owner`, cache key `key`) all at once, each only if it still has
 * the same uid. A pod already gone counts as deleted. Resolves with the first error's message,
 * or undefined.
 */
export async function deletePods(c: PodControl, owner: PodOwner, key: string, victims: readonly Pod[]): Promise<string | undefined> {
  c.expectations.expectDeletions(key, victims.map(objectKey));
  const events: Promise<void>[] = [];
  let firstError: string | undefined;
  await Promise.all(
    victims.map(async (pod) => {
      const name = pod.metadata.name ?? "";
      try {
        await c.pods.delete(pod.metadata.namespace, name, { preconditions: pod.metadata.uid ? { uid: pod.metadata.uid } : undefined });
        events.push(c.recorder.event(owner, "Normal", "SuccessfulDelete", podEventMessages.successfulDelete(name)));
      } catch (e) {
        // The informer will not report a deletion that did not happen (or already did).
        c.expectations.deletionObserved(key, objectKey(pod));
        if (isNotFound(e)) return;
        firstError ??= message(e);
        events.push(c.recorder.event(owner, "Warning", "FailedDelete", podEventMessages.failedDelete(message(e))));
      }
    }),
  );
  await Promise.all(events);
  return firstError;
}
