// Which speakers are alive, read from their Leases: each speaker keeps Lease
// `svcnet-speaker-<node>` in kube-system (holderIdentity the node name) renewed, and a speaker is
// alive while renewTime + leaseDurationSeconds lies in the future by the reader's clock. A node
// without a live speaker is not eligible to announce. Pure.

import { parseTime } from "../../api/time.js";
import type { Lease } from "../../api/types.js";

/** Where the speakers' Leases live. */
export const SPEAKER_LEASE_NAMESPACE = "kube-system";
/** Every speaker Lease's name starts with this, followed by the node name. */
export const SPEAKER_LEASE_PREFIX = "svcnet-speaker-";
/** How long a Lease keeps its speaker alive after its last renewal. */
export const SPEAKER_LEASE_DURATION_SECONDS = 2;
/** How often a speaker renews its Lease. */
export const SPEAKER_RENEW_MS = 500;

/** The name of `node`'s speaker Lease. */
export function speakerLeaseName(node: string): string {
  return `${SPEAKER_LEASE_PREFIX}${node}`;
}

/**
 * The node a Lease keeps alive and until when (epoch ms, exclusive), or undefined when it is
 * not a speaker Lease: wrong namespace, a name that does not match its holder, no renewTime or
 * no positive duration.
 */
export function speakerLeaseExpiry(lease: Lease): { node: string; expiresAt: number } | undefined {
  const node = lease.spec?.holderIdentity;
  if (!node || lease.metadata.namespace !== SPEAKER_LEASE_NAMESPACE || lease.metadata.name !== speakerLeaseName(node)) return undefined;
  const renewed = parseTime(lease.spec?.renewTime);
  const seconds = lease.spec?.leaseDurationSeconds;
  if (renewed === undefined || seconds === undefined || !(seconds > 0)) return undefined;
  return { node, expiresAt: renewed + seconds * 1000 };
}

/** What the Leases say at `now`: the live speakers, and when the next of them expires. */
export interface SpeakerLiveness {
  alive: Set<string>;
  /** The earliest expiry among the live speakers (epoch ms); undefined when none is alive. */
  nextExpiry: number | undefined;
}

/** The speakers alive at `now` (epoch ms) according to `leases` (other Leases are ignored). */
export function speakerLiveness(leases: Iterable<Lease>, now: number): SpeakerLiveness {
  const alive = new Set<string>();
  let nextExpiry: number | undefined;
  for (const lease of leases) {
    const e = speakerLeaseExpiry(lease);
    if (!e || e.expiresAt <= now) continue;
    alive.add(e.node);
    if (nextExpiry === undefined || e.expiresAt < nextExpiry) nextExpiry = e.expiresAt;
  }
  return { alive, nextExpiry };
}
