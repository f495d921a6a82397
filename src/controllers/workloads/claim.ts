// Adoption and orphaning, as the ControllerRefManager decides them: a controller owns the
// objects whose controller reference names its uid and that its selector still matches; it
// adopts matching orphans, and releases objects it controls that no longer match. Objects
// controlled by someone else are never touched.
//
// This file only decides. The controller performs each adoption/release as a write and, as
// upstream does, re-reads the owner first (it must still exist with the same uid and not be
// being deleted) before adopting.

import type { LabelSelector } from "../../api/selectors/label-selector.js";
import type { KubeObject, OwnerReference } from "../../api/types.js";
import { selectorMatches } from "./owner-selector.js";

/** The owner reference with controller: true, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** True when `obj`'s controller reference names `owner`'s uid. */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerOf(obj);
  return ref !== undefined && owner.metadata.uid !== undefined && ref.uid === owner.metadata.uid;
}

/** The outcome of claiming: what the owner already owns, and the writes it should make. */
export interface ClaimResult<T extends KubeObject> {
  /** Controlled and matching: the owner's objects as they are. */
  owned: T[];
  /** Matching orphans to adopt; once adopted they are owned too. */
  adopt: T[];
  /** Controlled but no longer matching: remove the owner reference. */
  release: T[];
}

/** Options of claimObjects. */
export interface ClaimOptions<T extends KubeObject> {
  /** The owner's selector (null selects nothing). */
  selector: LabelSelector | null;
  /** Extra condition an object must meet to match (pods: e.g. only active ones). */
  filter?: (obj: T) => boolean;
}

/**
 * Sorts `objects` into owned / adopt / release for `owner` (ClaimObject): a controlled object is
 * owned while it matches, released when it does not (unless the owner is being deleted); an
 * orphan is adopted only when it matches, is not being deleted, is in the owner's namespace and
 * the owner is not being deleted. Inputs are never mutated.
 */
export function claimObjects<T extends KubeObject>(owner: KubeObject, objects: readonly T[], opts: ClaimOptions<T>): ClaimResult<T> {
  const out: ClaimResult<T> = { owned: [], adopt: [], release: [] };
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  const matches = (o: T): boolean => selectorMatches(opts.selector, o.metadata.labels) && (opts.filter?.(o) ?? true);
  for (const o of objects) {
    const ref = controllerOf(o);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches(o)) out.owned.push(o);
      else if (!ownerDeleting) out.release.push(o);
      continue;
    }
    if (ownerDeleting || !matches(o)) continue;
    if (o.metadata.deletionTimestamp) continue;
    const ns = owner.metadata.namespace;
    if (ns && ns !== o.metadata.namespace) continue;
    out.adopt.push(o);
  }
  return out;
}

/** claimObjects for pods, with a name matching the brief; same contract. */
export const claimPods = claimObjects;

/** The ownerReferences `obj` should have after `owner` adopts it (existing non-controller refs kept). */
export function adoptedOwnerReferences(obj: KubeObject, ref: OwnerReference): OwnerReference[] {
  const others = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ref.uid);
  return [...others, { ...ref }];
}

/** The ownerReferences `obj` should have after the owner with `ownerUid` releases it. */
export function releasedOwnerReferences(obj: KubeObject, ownerUid: string): OwnerReference[] {
  return (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid).map((r) => ({ ...r }));
}
