// What `kubectl rollout status deployment/x` prints for a Deployment as it reads it from the API
// (kubectl 1.32's DeploymentStatusViewer), so tests can prove the status svcnet writes drives
// kubectl through a rollout to "successfully rolled out".

import type { Deployment } from "../../api/types.js";
import { revisionOf } from "./revisions.js";
import { DeploymentReason } from "./workload-types.js";

/** One status check: the line kubectl prints, whether it stops, or the error it exits with. */
export type RolloutStatusView = { message: string; done: boolean } | { error: string };

/**
 * kubectl's view of `d`: "Waiting for deployment spec update to be observed..." until
 * observedGeneration catches up; an error once Progressing says ProgressDeadlineExceeded; then
 * waiting on updated replicas, old replicas pending termination, available updated replicas;
 * finally `deployment "x" successfully rolled out`. `revision` (> 0) must match the
 * Deployment's revision annotation. Messages end with a newline, as kubectl's do.
 */
export function rolloutStatusView(d: Deployment, revision = 0): RolloutStatusView {
  const name = d.metadata.name ?? "";
  if (revision > 0) {
    const current = revisionOf(d);
    if (current === undefined) return { error: `cannot get the revision of deployment "${name}"` };
    if (current !== revision) return { error: `desired revision (${revision}) is different from the running revision (${current})` };
  }
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return { message: "Waiting for deployment spec update to be observed...\n", done: false };
  const progressing = s.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === DeploymentReason.ProgressDeadlineExceeded) return { error: `deployment "${name}" exceeded its progress deadline` };
  const updated = s.updatedReplicas ?? 0;
  const replicas = d.spec.replicas;
  if (replicas !== undefined && updated < replicas) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...\n`, done: false };
  }
  if ((s.replicas ?? 0) > updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
  }
  if ((s.availableReplicas ?? 0) < updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
  }
  return { message: `deployment "${name}" successfully rolled out\n`, done: true };
}
