// How EtcdStore rides out etcd members going away, as pure decisions: what an etcd/gRPC error
// means for availability, whether a call may be tried again (on another member, or after a
// pause), which members to try in what order, and how a call that gave up is summed up for the
// user (StoreUnavailableError).
import type { EndpointFailure, StoreUnavailableCause } from "./store-errors.js";
import { StoreUnavailableError } from "./store-errors.js";

/**
 * An etcd call's failure, for failover:
 * - "refused": no connection to that member; the request was never sent.
 * - "no-leader": the member has no leader and refused the request before it reached raft
 *   (require-leader); nothing was applied.
 * - "leader-changed": a linearizable read lost its leader midway; nothing was applied.
 * - "timeout": no answer in time (client deadline, or etcd's own "request timed out"); a write may
 *   still have been applied.
 * - "dropped": the connection broke during the call; a write may have been applied.
 */
export type EtcdFailure = "refused" | "no-leader" | "leader-changed" | "timeout" | "dropped";

/**
 * What a call does, for retries: a read (range); a checked write, a conditional txn whose caller
 * can tell afterwards whether an attempt with an unknown outcome landed (its compare then fails
 * and the key holds the value it wrote), so it may be tried again like a read; or a write, tried
 * again only when it surely was not applied.
 */
export type EtcdCallKind = "read" | "checked-write" | "write";

/**
 * The availability failure an error from the etcd3 client is, or undefined for any other error
 * (an answer such as "compacted", a bad request, a closed client), which callers pass on as is.
 * Classified by gRPC status code and etcd's messages ("14 UNAVAILABLE: etcdserver: no leader").
 */
export function etcdFailureOf(err: unknown): EtcdFailure | undefined {
  const message = err instanceof Error ? err.message : String(err);
  const code = grpcCode(err, message);
  if (message.includes("etcdserver: no leader") || message.includes("etcdserver: not leader")) return "no-leader";
  if (message.includes("etcdserver: leader changed")) return "leader-changed";
  if (message.includes("etcdserver: request timed out") || message.includes("context deadline exceeded")) return "timeout";
  if (code === 4) return "timeout";
  if (code === 14) {
    if (/No connection established|Name resolution failed|connect E[A-Z]+|Failed to connect/i.test(message)) return "refused";
    return "dropped";
  }
  if (code === 1 && /Call cancelled|Cancelled on client/i.test(message)) return "dropped";
  return undefined;
}

/** The gRPC status code of an error: its `code` field, or the number its message starts with. */
function grpcCode(err: unknown, message: string): number | undefined {
  const field = (err as { code?: unknown } | null)?.code;
  if (typeof field === "number") return field;
  const m = /^(?:[A-Za-z]+Error: )?(\d{1,2}) [A-Z_]+:/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** A short reason for messages: etcd's own words, or the connection error, not gRPC's prose. */
export function etcdFailureReason(err: unknown, failure: EtcdFailure, waitedMs: number): string {
  const message = err instanceof Error ? err.message : String(err);
  const etcd = /etcdserver: [^.;]*/.exec(message);
  if (etcd) return etcd[0].trim();
  if (failure === "timeout") return `no answer within ${waitedMs} ms`;
  const connect = /connect (E[A-Z]+)/.exec(message);
  if (connect) return connectErrors[connect[1]] ?? `connect ${connect[1]}`;
  if (failure === "refused") return "cannot connect";
  if (failure === "dropped") return "connection lost during the call";
  return message.slice(0, 120);
}

const connectErrors: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connect timed out",
};

/**
 * What to do after `failure` on one member: "next" tries the next member (and, when every
 * member failed so, the round again after a pause), "stop" gives up now. A plain write is tried
 * again only when it surely was not applied (refused, or refused for want of a leader): after a
 * timeout or a broken connection it may have been, and only a checked write can tell.
 */
export function afterFailure(failure: EtcdFailure, kind: EtcdCallKind): "next" | "stop" {
  if (failure === "refused" || failure === "no-leader") return "next";
  return kind === "write" ? "stop" : "next";
}

/** Whether an attempt that failed so may nevertheless have been applied (if it was a write). */
export function outcomeUnknown(failure: EtcdFailure): boolean {
  return failure === "timeout" || failure === "dropped";
}

/**
 * Whether a checked write whose compare failed had in fact landed in an earlier attempt: only
 * after an attempt with an unknown outcome, and only if the key holds exactly the value it
 * wrote (the API's values carry a fresh uid or the new resourceVersion's changes; a value equal
 * by chance is the state the writer asked for anyway).
 */
export function landedEarlier(afterUnknownOutcome: boolean, current: string | undefined, written: string): boolean {
  return afterUnknownOutcome && current === written;
}

/**
 * Why a call gave up, from what each member last answered: any timeout makes it "timeout" (the
 * outcome of a write is unknown); else any member without a leader makes it "no-leader"; else
 * no member could be reached.
 */
export function unavailableCause(failures: readonly EtcdFailure[]): StoreUnavailableCause {
  if (failures.includes("timeout")) return "timeout";
  if (failures.includes("no-leader") || failures.includes("leader-changed")) return "no-leader";
  return "unreachable";
}

/** The StoreUnavailableError for a call that gave up after `waitedMs`, listing each member's last failure. */
export function unavailableError(
  failures: ReadonlyMap<string, { failure: EtcdFailure; reason: string }>,
  waitedMs: number,
): StoreUnavailableError {
  const endpoints: EndpointFailure[] = [...failures].map(([endpoint, f]) => ({ endpoint, reason: f.reason }));
  return new StoreUnavailableError(unavailableCause([...failures.values()].map((f) => f.failure)), endpoints, waitedMs);
}

/** What EtcdStore remembers about one member between calls. */
export interface EndpointState {
  /** host:port */
  endpoint: string;
  /** Until when (ms since epoch) the member is skipped after it could not be reached; 0 if never. */
  downUntil: number;
}

/**
 * The order to try members in: the one that answered last first (calls stick to a working
 * member), then the others in their configured order; members that could not be reached recently
 * go last, so that a dead one costs a call nothing while another answers, and is tried again
 * (last) when nothing else works.
 */
export function endpointOrder<S extends EndpointState>(states: readonly S[], preferred: string | undefined, now: number): S[] {
  const up = states.filter((s) => s.downUntil <= now);
  const down = states.filter((s) => s.downUntil > now).sort((a, b) => a.downUntil - b.downUntil);
  const first = up.findIndex((s) => s.endpoint === preferred);
  const ordered = first > 0 ? [up[first], ...up.slice(0, first), ...up.slice(first + 1)] : up;
  return [...ordered, ...down];
}
