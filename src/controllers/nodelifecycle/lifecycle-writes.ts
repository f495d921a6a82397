// The writes of the node lifecycle controller, each a read-modify-write that survives
// conflicts (re-reading the object and re-deciding) and treats a vanished object as done.

import { deepCopy, type JsonObject } from "../../api/json.js";
import type { Node, Pod } from "../../api/types.js";
import type { KubeClient } from "../../client/index.js";
import { isConflict, isNotFound, retryOnConflict } from "../../client/index.js";
import { withPodCondition } from "../scheduling/pod-condition.js";
import { lifecycleTaintChanges } from "./node-taints.js";
import { disruptionTargetCondition, podsToMarkNotReady } from "./pod-eviction.js";
import type { NoExecuteMode } from "./zone-state.js";

/**
 * Runs `write(current)` on `first`, and after a conflict on a fresh GET of the same object
 * (skipped if it is another object by now: a different uid). Resolves with what `write`
 * returned, or undefined when the object is gone.
 */
async function readModifyWrite<T extends Pod | Node, R>(client: KubeClient<T>, first: T, write: (current: T) => Promise<R>, signal?: AbortSignal): Promise<R | undefined> {
  let base: T | undefined = first;
  try {
    return await retryOnConflict(
      async () => {
        const current: T = base ?? (await client.get(first.metadata.namespace, first.metadata.name ?? ""));
        base = undefined;
        if (current.metadata.uid !== first.metadata.uid) return undefined;
        return write(current);
      },
      { signal },
    );
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * Makes the node's lifecycle taints match its conditions (lifecycleTaintChanges in `mode`);
 * resolves with the node as written, or as it was when nothing had to change, or undefined
 * when the node is gone.
 */
export async function syncLifecycleTaints(client: KubeClient<Node>, node: Node, o: { now: number; mode: NoExecuteMode; signal?: AbortSignal }): Promise<Node | undefined> {
  return readModifyWrite(
    client,
    node,
    async (current) => {
      const changes = lifecycleTaintChanges(current, { conditions: current.status?.conditions ?? [], now: o.now, noExecute: o.mode });
      if (!changes.taints) return current;
      const next = deepCopy(current);
      next.spec = { ...next.spec, taints: changes.taints.map((t) => ({ ...t }) as JsonObject) };
      return client.update(next);
    },
    o.signal,
  );
}

/**
 * Sets Ready=False on `pod` because `node` is not Ready (podsToMarkNotReady). Resolves true
 * when it wrote, false when there was nothing to do (already False, no Ready condition, moved,
 * or gone).
 */
export async function markPodNotReady(client: KubeClient<Pod>, pod: Pod, o: { node: Node; now: number; signal?: AbortSignal }): Promise<boolean> {
  const wrote = await readModifyWrite(
    client,
    pod,
    async (current) => {
      const [next] = podsToMarkNotReady(o.node, [current], { now: o.now });
      if (!next) return false;
      await client.updateStatus(next);
      return true;
    },
    o.signal,
  );
  return wrote === true;
}

/**
 * Evicts a pod as the taint eviction controller does: DisruptionTarget=True in its status
 * (best effort), then DELETE with its uid as precondition. Resolves true when the delete was
 * accepted, false when the pod was already gone or replaced.
 */
export async function evictPod(client: KubeClient<Pod>, pod: Pod, o: { now: number; signal?: AbortSignal }): Promise<boolean> {
  await readModifyWrite(client, pod, (current) => client.updateStatus(withPodCondition(current, disruptionTargetCondition({ now: o.now }))), o.signal);
  try {
    await client.delete(pod.metadata.namespace, pod.metadata.name ?? "", { preconditions: { uid: pod.metadata.uid } });
    return true;
  } catch (e) {
    if (isNotFound(e) || isConflict(e)) return false;
    throw e;
  }
}
