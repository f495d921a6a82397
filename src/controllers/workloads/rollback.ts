// `kubectl rollout undo deployment/x [--to-revision=N]` as kubectl 1.32 performs it, client-side:
// it lists the ReplicaSets matching the Deployment's selector that the Deployment controls,
// picks the one with the requested revision (or the second-highest), and sends a JSON patch
// replacing /spec/template (minus the pod-template-hash label) and /metadata/annotations (the
// ReplicaSet's annotations, keeping the Deployment's own revision / last-applied annotations).
// The server then only has to serve the ReplicaSets and accept that JSON patch; the controller
// re-uses the old ReplicaSet as the new one and gives it the next revision.
// This module computes the same outcome, for svcnet's tests and any server-side use.

import { deepCopy } from "../../api/json.js";
import type { Deployment, PodTemplateSpec, ReplicaSet } from "../../api/types.js";
import { isControlledBy } from "./claim.js";
import { equalIgnoreHash } from "./deployment.js";
import { revisionOf } from "./revisions.js";
import { selectorMatches, fromMetaSelector } from "./owner-selector.js";
import { ANNOTATIONS_NOT_COPIED, POD_TEMPLATE_HASH_LABEL } from "./workload-types.js";

/** The outcome of a rollback request. */
export type RollbackResult =
  | { kind: "patch"; template: PodTemplateSpec; annotations: Record<string, string>; jsonPatch: { op: "replace"; path: string; value: unknown }[] }
  | { kind: "skipped"; message: string }
  | { kind: "error"; message: string };

/**
 * What `kubectl rollout undo` does to `d` given the ReplicaSets in its namespace: an error
 * (paused, revision not found, no history), "skipped rollback (current template already matches
 * revision N)", or the patch it sends, with kubectl's messages. `toRevision` 0 means the previous
 * revision.
 */
export function rollbackTo(d: Deployment, replicaSets: readonly ReplicaSet[], toRevision = 0): RollbackResult {
  const notFound = (r: number): RollbackResult => ({ kind: "error", message: `unable to find specified revision ${r} in history` });
  if (toRevision < 0) return notFound(toRevision);
  const sel = fromMetaSelector(d.spec.selector);
  const owned = replicaSets.filter((rs) => selectorMatches(sel, rs.metadata.labels) && isControlledBy(rs, d));
  const target = pickRevision(owned, toRevision);
  if (target === undefined) return toRevision > 0 ? notFound(toRevision) : { kind: "error", message: `no rollout history found for deployment "${d.metadata.name ?? ""}"` };
  if (d.spec.paused) {
    const name = d.metadata.name ?? "";
    return { kind: "error", message: `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${name}' and try again` };
  }
  const rsTemplate = target.spec.template ?? { spec: { containers: [] } };
  if (equalIgnoreHash(rsTemplate, d.spec.template)) return { kind: "skipped", message: `skipped rollback (current template already matches revision ${toRevision})` };
  const template = deepCopy(rsTemplate);
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (ANNOTATIONS_NOT_COPIED.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) if (!ANNOTATIONS_NOT_COPIED.has(k)) annotations[k] = v;
  return {
    kind: "patch",
    template,
    annotations,
    jsonPatch: [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: annotations },
    ],
  };
}

function pickRevision(rss: readonly ReplicaSet[], toRevision: number): ReplicaSet | undefined {
  let latest: ReplicaSet | undefined;
  let latestRev = -1;
  let previous: ReplicaSet | undefined;
  let previousRev = -1;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (toRevision > 0) {
      if (v === toRevision) return rs;
      continue;
    }
    if (latestRev < v) {
      previous = latest;
      previousRev = latestRev;
      latest = rs;
      latestRev = v;
    } else if (previousRev < v) {
      previous = rs;
      previousRev = v;
    }
  }
  return toRevision > 0 ? undefined : previous;
}
