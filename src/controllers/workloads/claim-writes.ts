// Carries out a claim (claim.ts): adopts matching orphans and releases objects that stopped
// matching, one PATCH each, as upstream's ControllerRefManager does. Every patch carries the
// object's resourceVersion, so a stale cache makes it fail with Conflict instead of overwriting
// someone else's ownerReferences; before the first adoption the owner is re-read from the API,
// so a just-deleted owner never adopts.

import type { KubeObject, OwnerReference } from "../../api/types.js";
import type { KubeClient } from "../../client/index.js";
import { isNotFound } from "../../client/index.js";
import type { ClaimResult } from "./claim.js";
import { adoptedOwnerReferences, releasedOwnerReferences } from "./claim.js";

/** Options of applyClaim. */
export interface ApplyClaimOptions<T extends KubeObject> {
  /** The client of the claimed objects (pods, ReplicaSets). */
  client: KubeClient<T>;
  /** The controller reference the owner puts on what it adopts. */
  ref: OwnerReference;
  /**
   * A fresh read of the owner, bypassing the cache: undefined when it is gone. Called at most
   * once, before the first adoption.
   */
  readOwner(): Promise<KubeObject | undefined>;
}

/** Thrown when the owner vanished or started deleting before it could adopt. */
export class OwnerGoneError extends Error {
  readonly code = "OWNER_GONE";
}

/**
 * Adopts `claim.adopt` and releases `claim.release`, then resolves with what the owner now owns:
 * `claim.owned` plus the adopted objects as the server returned them. Objects that vanished
 * meanwhile (NotFound) are skipped quietly. Any other failure (Conflict from a stale cache, the
 * owner gone) rejects after every write was attempted, so the caller's sync is retried.
 */
export async function applyClaim<T extends KubeObject>(claim: ClaimResult<T>, o: ApplyClaimOptions<T>): Promise<T[]> {
  const owned = [...claim.owned];
  const errors: unknown[] = [];
  if (claim.adopt.length > 0) {
    const fresh = await o.readOwner();
    if (!fresh || fresh.metadata.uid !== o.ref.uid || fresh.metadata.deletionTimestamp) {
      errors.push(new OwnerGoneError(`${o.ref.kind} ${o.ref.name} (${o.ref.uid}) has been deleted or is being deleted; not adopting`));
    } else {
      for (const obj of claim.adopt) {
        try {
          owned.push(await patchOwners(o.client, obj, adoptedOwnerReferences(obj, o.ref)));
        } catch (e) {
          if (!isNotFound(e)) errors.push(e);
        }
      }
    }
  }
  for (const obj of claim.release) {
    try {
      await patchOwners(o.client, obj, releasedOwnerReferences(obj, o.ref.uid));
    } catch (e) {
      if (!isNotFound(e)) errors.push(e);
    }
  }
  if (errors.length > 0) throw errors[0];
  return owned;
}

function patchOwners<T extends KubeObject>(client: KubeClient<T>, obj: T, refs: OwnerReference[]): Promise<T> {
  const body = { metadata: { ownerReferences: refs.length > 0 ? refs : null, resourceVersion: obj.metadata.resourceVersion } };
  return client.patch(obj.metadata.namespace, obj.metadata.name ?? "", { type: "merge", body });
}
