// The settings of leader election on a coordination.k8s.io Lease, as kube-controller-manager's
// --leader-elect-* flags: which Lease, who I am, and the three durations, with their defaults
// and the ordering rules between them.

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

export interface LeaderElectionConfig {
  /** Namespace of the Lease; kube-controller-manager uses "kube-system". */
  namespace: string;
  /** Name of the Lease; "kube-controller-manager" or "kube-scheduler" in Kubernetes. */
  name: string;
  /** This candidate's holderIdentity; unique per process ("<hostname>_<uuid>"). */
  identity: string;
  /** How long others wait, from when they saw the Lease last change, before taking it over. */
  leaseDurationMs: number;
  /** How long the leader keeps trying to renew before it gives up leading. */
  renewDeadlineMs: number;
  /** The longest gap between two attempts to acquire or to renew. */
  retryPeriodMs: number;
  /** On a graceful stop, hand the Lease back (holder "", 1 s) so a successor takes it at once. */
  releaseOnCancel: boolean;
}

/** kube-controller-manager's defaults: 15 s / 10 s / 2 s on kube-system/kube-controller-manager. */
export const defaultLeaderElection: Omit<LeaderElectionConfig, "identity"> = {
  namespace: "kube-system",
  name: "kube-controller-manager",
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  releaseOnCancel: true,
};

/** "<hostname>_<uuid>", the identity form Kubernetes components use. */
export function newLeaderIdentity(host = hostname()): string {
  return `${host}_${randomUUID()}`;
}

/** The defaults, a fresh identity, and `overrides` on top. */
export function leaderElectionConfig(overrides: Partial<LeaderElectionConfig> = {}): LeaderElectionConfig {
  return { ...defaultLeaderElection, identity: newLeaderIdentity(), ...overrides };
}

/**
 * Why the durations cannot work together, or undefined when they can: all positive, the lease
 * outlasting the renew deadline (so a leader that failed to renew stops before anyone else may
 * start), and the deadline leaving room for more than one renewal attempt.
 */
export function leaderElectionConfigError(c: Pick<LeaderElectionConfig, "leaseDurationMs" | "renewDeadlineMs" | "retryPeriodMs">): string | undefined {
  if (!(c.leaseDurationMs > 0 && c.renewDeadlineMs > 0 && c.retryPeriodMs > 0)) return "the lease duration, renew deadline and retry period must all be positive";
  if (c.leaseDurationMs <= c.renewDeadlineMs) return "the lease duration must be greater than the renew deadline";
  if (c.renewDeadlineMs <= c.retryPeriodMs * 1.2) return "the renew deadline must be greater than 1.2 × the retry period";
  return undefined;
}
