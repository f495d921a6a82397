// The gate the request pipeline awaits before running a request (kube-apiserver's API Priority
// and Fairness filter): it classifies the request (flow-schemas.ts), and for a limited priority
// level waits for one of the level's seats (fair-queue-set.ts) — or says to reject the request,
// when the queues are full (after a short pause, see rejectionDelayMs) or it waited past the
// wait limit. The pipeline answers a rejection with 429 and Retry-After, and holds a granted seat
// until the response is ready. Exempt levels and long-running requests never wait. Responses
// name the schema and level that classified the request in X-Kubernetes-PF-FlowSchema-UID and
// X-Kubernetes-PF-PriorityLevel-UID, as kube-apiserver's do (UIDs, not names, so that the names
// an administrator chose stay private).
//
// Seats matter when requests wait on I/O while they run (etcd round trips, sqlite's batched
// commits): only then do several requests execute at once. A request whose work is all
// synchronous holds its seat for no longer than it holds the event loop.

import type { ApiResponse } from "../request.js";
import { uuidFrom } from "../uuid-from.js";
import type { Classification, FlowSchema, RequestDigest } from "./flow-schemas.js";
import { classify, orderSchemas, suggestedFlowSchemas } from "./flow-schemas.js";
import { FairQueueSet } from "./fair-queue-set.js";
import type { PriorityLevel } from "./priority-levels.js";
import { nominalSeats, suggestedPriorityLevels } from "./priority-levels.js";
import { isLongRunning } from "./request-digest.js";

/** Time as a dependency (the same shape as the client's Clock), so tests drive wait limits by hand. */
export interface FlowControlClock {
  now(): number;
  /** Runs `fn` once after `ms`; the returned function cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

const realClock: FlowControlClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};

export interface FlowControlOptions {
  /** kube-apiserver's --max-requests-inflight; the server's seats are this plus the next. */
  maxRequestsInflight: number;
  /** kube-apiserver's --max-mutating-requests-inflight. */
  maxMutatingRequestsInflight: number;
  /** How long a request may wait for a seat (default 15 s: kube's request timeout of 60 s / 4). */
  requestWaitLimitMs?: number;
  /**
   * How long a request refused at once (its queue full, or a level that does not queue) waits
   * before its 429 is sent (default 250 ms). kube-apiserver answers at once, its CPU spread over
   * many cores; here one event loop serves everyone, and a client that ignores Retry-After and
   * resends the moment it is refused would otherwise take as much of the loop as it can send
   * requests. Paused, each of its connections costs a few requests a second. A client that
   * honours Retry-After (1 s) hardly notices.
   */
  rejectionDelayMs?: number;
  /** Default: suggestedPriorityLevels. Must include "catch-all", where unmatched requests go. */
  priorityLevels?: readonly PriorityLevel[];
  /** Default: suggestedFlowSchemas. */
  flowSchemas?: readonly FlowSchema[];
  clock?: FlowControlClock;
}

/** The outcome of FlowControl.admit. */
export interface Admission {
  /** The X-Kubernetes-PF-* headers, for the response whatever it is. */
  headers: Record<string, string>;
  /** The level and schema the request was classified into (for logs and tests). */
  priorityLevel: string;
  flowSchema: string;
  /** Frees the request's seat; call once the response is ready. Absent: rejected, answer 429. */
  release?: () => void;
}

/** The seats of one limited level at a moment, for tests and diagnostics. */
export interface LevelState {
  name: string;
  seats: number;
  executing: number;
  waiting: number;
  rejected: number;
}

/** A request waiting for a seat: told whether it got one. */
interface Pending {
  resolve(granted: boolean): void;
}

interface Level {
  name: string;
  seats: number;
  queues: FairQueueSet<Pending>;
  cancelTimer: (() => void) | undefined;
  rejected: number;
}

/**
 * `svcnet server`'s defaults for --max-requests-inflight and --max-mutating-requests-inflight:
 * a tenth of kube-apiserver's 400 and 200, which are sized for a many-core server. Here one
 * event loop does every request's work, so seats only let requests overlap their waits on the
 * store, and by Little's law a level keeps the loop busy with about (requests a second) × (store
 * round trip) of them: the few thousand requests a second one loop serves × 2 ms ≈ 10. More seats would not serve more requests; they
 * would let one flow pile more work onto the loop, slowing everyone's. The 60 seats give
 * global-default (kubectl users) 5, the controllers' workload-high 10, service accounts'
 * workload-low 25; what does not fit waits in its queue, which costs nothing, or is refused.
 */
export const defaultMaxRequestsInflight = 40;
export const defaultMaxMutatingRequestsInflight = 20;

const tooManyRequestsMessage = "Too many requests, please try again later.";

/**
 * The 429 for a request that got no seat, as kube-apiserver writes it: net/http's plain-text
 * error (the message and a newline, nosniff) with Retry-After: 1, not a Status. Clients read the
 * code and Retry-After; client-go words the error itself ("the server has received too many
 * requests and has asked us to try again later").
 */
export function tooManyRequestsResponse(): ApiResponse {
  return {
    status: 429,
    headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", "retry-after": "1" },
    body: `${tooManyRequestsMessage}\n`,
  };
}

/** A UID for a built-in object that has no stored one: the same name, the same UID. */
export function builtinUid(kind: string, name: string): string {
  return uuidFrom(`${kind}/${name}`);
}

/** The X-Kubernetes-PF-* headers of a request classified by `fs`. */
function pfHeaders(fs: FlowSchema): Record<string, string> {
  return {
    "x-kubernetes-pf-flowschema-uid": builtinUid("flowschema", fs.name),
    "x-kubernetes-pf-prioritylevel-uid": builtinUid("prioritylevelconfiguration", fs.priorityLevel),
  };
}

const noop = (): void => {};

export class FlowControl {
  readonly #clock: FlowControlClock;
  readonly #schemas: FlowSchema[];
  readonly #catchAll: FlowSchema;
  /** Limited levels by name; an exempt level is absent. */
  readonly #levels = new Map<string, Level>();
  readonly #exempt = new Set<string>();
  readonly #rejectionDelayMs: number;
  /** Each schema's X-Kubernetes-PF-* headers, made once: each takes two SHA-256 hashes. */
  readonly #pfHeaders = new Map<FlowSchema, Readonly<Record<string, string>>>();

  constructor(o: FlowControlOptions) {
    this.#clock = o.clock ?? realClock;
    const levels = o.priorityLevels ?? suggestedPriorityLevels;
    const seats = nominalSeats(Math.max(1, o.maxRequestsInflight + o.maxMutatingRequestsInflight), levels);
    const waitLimitMs = o.requestWaitLimitMs ?? 15_000;
    this.#rejectionDelayMs = o.rejectionDelayMs ?? 250;
    for (const l of levels) {
      if (l.type === "Exempt") {
        this.#exempt.add(l.name);
        continue;
      }
      const n = seats.get(l.name) ?? 1;
      this.#levels.set(l.name, { name: l.name, seats: n, queues: new FairQueueSet({ seats: n, queuing: l.queuing, waitLimitMs }), cancelTimer: undefined, rejected: 0 });
    }
    this.#schemas = orderSchemas(o.flowSchemas ?? suggestedFlowSchemas);
    for (const fs of this.#schemas) {
      if (!this.#levels.has(fs.priorityLevel) && !this.#exempt.has(fs.priorityLevel)) {
        throw new Error(`flowcontrol: flow schema ${fs.name} names priority level ${fs.priorityLevel}, which does not exist`);
      }
    }
    if (!this.#levels.has("catch-all")) throw new Error("flowcontrol: there must be a limited priority level named catch-all");
    this.#catchAll = { name: "catch-all", priorityLevel: "catch-all", matchingPrecedence: 10000, distinguisher: "ByUser", rules: [] };
    for (const fs of [...this.#schemas, this.#catchAll]) this.#pfHeaders.set(fs, pfHeaders(fs));
  }

  /** Classifies a request and, unless it is exempt or long-running, waits for a seat for it. */
  async admit(d: RequestDigest, signal?: AbortSignal): Promise<Admission> {
    const c: Classification = classify(d, this.#schemas) ?? { flowSchema: this.#catchAll, flow: `catch-all/${d.user.name}` };
    const levelName = c.flowSchema.priorityLevel;
    const base = {
      headers: { ...(this.#pfHeaders.get(c.flowSchema) ?? pfHeaders(c.flowSchema)) },
      priorityLevel: levelName,
      flowSchema: c.flowSchema.name,
    };
    const level = this.#levels.get(levelName);
    if (!level || isLongRunning(d)) return { ...base, release: noop };
    const granted = await this.#wait(level, c.flow, signal);
    if (!granted) {
      level.rejected++;
      return base;
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      for (const next of level.queues.finish(c.flow)) next.resolve(true);
      this.#disarmIfIdle(level);
    };
    return { ...base, release };
  }

  /** Each limited level's seats and what uses them now. */
  levels(): LevelState[] {
    return [...this.#levels.values()].map((l) => ({ name: l.name, seats: l.seats, executing: l.queues.executing, waiting: l.queues.waiting, rejected: l.rejected }));
  }

  async #wait(level: Level, flow: string, signal: AbortSignal | undefined): Promise<boolean> {
    let resolve: (granted: boolean) => void = noop;
    const granted = new Promise<boolean>((r) => (resolve = r));
    const pending: Pending = { resolve: (ok) => resolve(ok) };
    const arrival = level.queues.arrive(flow, pending, this.#clock.now());
    if (arrival === "execute") return true;
    if (arrival === "rejected") {
      await this.#pause(this.#rejectionDelayMs, signal);
      return false;
    }
    this.#armTimer(level);
    if (!signal) return granted;
    // A client that goes away stops waiting (and so stops holding a place in the queue).
    const onAbort = (): void => {
      if (!level.queues.cancel(flow, pending)) return;
      resolve(false);
      this.#disarmIfIdle(level);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    return granted.finally(() => signal.removeEventListener("abort", onAbort));
  }

  /** Resolves after `ms`, or as soon as `signal` aborts. */
  #pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        cancel();
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const cancel = this.#clock.setTimer(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /** No request waits: no timer either (it would keep the process up for nothing). */
  #disarmIfIdle(level: Level): void {
    if (level.queues.waiting > 0 || !level.cancelTimer) return;
    level.cancelTimer();
    level.cancelTimer = undefined;
  }

  /** One timer per level, for the longest-waiting request; requests past the limit are rejected. */
  #armTimer(level: Level): void {
    if (level.cancelTimer) return;
    const deadline = level.queues.nextDeadline();
    if (deadline === undefined) return;
    level.cancelTimer = this.#clock.setTimer(() => {
      level.cancelTimer = undefined;
      for (const p of level.queues.expire(this.#clock.now())) p.resolve(false);
      this.#armTimer(level);
    }, deadline - this.#clock.now());
  }
}
