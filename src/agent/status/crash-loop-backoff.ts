// The restart back-off of crashing containers, as the kubelet (1.32) applies it: the first
// restart is immediate, then each further restart waits 10 s, 20 s, 40 s … capped at 5 min.
// A container whose back-off record was last touched more than 10 min (twice the cap) before
// it exited again is considered stable and starts over at 10 s.

import { formatGoDuration } from "./go-duration.js";

/** First back-off delay. */
export const INITIAL_BACKOFF_MS = 10_000;
/** Largest back-off delay. */
export const MAX_BACKOFF_MS = 300_000;
/** A record untouched for longer than this is forgotten (the back-off resets). */
export const BACKOFF_RESET_MS = 2 * MAX_BACKOFF_MS;

/**
 * The delay the kubelet imposes before restart number `restartCount + 1` of a container that
 * keeps crashing without ever running long enough to reset: 0 for the first restart, then
 * 10 s doubling, capped at 5 min.
 */
export function crashLoopBackOff(restartCount: number): number {
  if (restartCount <= 0) return 0;
  const exponent = Math.min(restartCount - 1, 10);
  return Math.min(INITIAL_BACKOFF_MS * 2 ** exponent, MAX_BACKOFF_MS);
}

/** Back-off memory for one container of one pod; plain data, so it can be persisted. */
export interface BackoffRecord {
  /** The delay currently in force, ms. */
  delayMs: number;
  /** When the record was last advanced (epoch ms): the time of the last restart. */
  updatedAtMs: number;
}

/** What to do with a container that exited and may be restarted. */
export type BackoffDecision =
  | { action: "restart"; record: BackoffRecord }
  | { action: "wait"; record: BackoffRecord; remainingMs: number };

/**
 * Decides whether an exited container may start again now. `finishedAtMs` is when it exited,
 * `nowMs` the injected clock. When the container is still inside its back-off window
 * (now − finishedAt < delay, and the record is not stale) the answer is "wait" with the
 * unchanged record and the time left; otherwise "restart" with the advanced record (10 s when
 * new or stale, else doubled up to the cap), which the caller stores.
 */
export function backoffDecision(
  record: BackoffRecord | undefined,
  options: { finishedAtMs: number; nowMs: number },
): BackoffDecision {
  const { finishedAtMs, nowMs } = options;
  if (record && nowMs - record.updatedAtMs <= BACKOFF_RESET_MS) {
    const elapsed = nowMs - finishedAtMs;
    if (elapsed < record.delayMs) return { action: "wait", record, remainingMs: record.delayMs - elapsed };
  }
  const stale = !record || finishedAtMs - record.updatedAtMs > BACKOFF_RESET_MS;
  const delayMs = stale ? INITIAL_BACKOFF_MS : Math.min(record.delayMs * 2, MAX_BACKOFF_MS);
  return { action: "restart", record: { delayMs, updatedAtMs: nowMs } };
}

/** Identifies a pod in messages the way the kubelet does: `name_namespace(uid)`. */
export interface PodRef {
  name: string;
  namespace: string;
  uid: string;
}

/** The waiting message of a container in CrashLoopBackOff. */
export function backoffMessage(delayMs: number, options: { container: string; pod: PodRef }): string {
  const { container, pod } = options;
  return `back-off ${formatGoDuration(delayMs)} restarting failed container=${container} pod=${pod.name}_${pod.namespace}(${pod.uid})`;
}

/** The message of the Warning event (reason "BackOff") recorded while a container waits. */
export function backoffEventMessage(options: { container: string; pod: PodRef }): string {
  const { container, pod } = options;
  return `Back-off restarting failed container ${container} in pod ${pod.name}_${pod.namespace}(${pod.uid})`;
}
