// A candidate in leader election on one Lease: it reads and writes the Lease through the API,
// leads while it holds it, and calls back when leadership starts and stops — the way
// kube-controller-manager runs its controllers active/passive. Decisions come from
// lease-decision.ts; this file only does the I/O and the timing.

import type { Lease } from "../../api/types.js";
import type { Clock, EventRecorder, KubeClient } from "../../client/index.js";
import { isNotFound, realClock } from "../../client/index.js";
import { sleepOn } from "../../client/sleep.js";
import type { LeaderElectionConfig } from "./leader-election-config.js";
import type { LeaseObservation } from "./lease-decision.js";
import { decideLease, releasedLease, renewDeadlinePassed } from "./lease-decision.js";

/** `p`, or a rejection once `signal` aborts — also when the transport does not honour the signal. */
function bounded<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export interface LeaderElectorOptions {
  /** A client for coordination.k8s.io/v1 leases. */
  leases: KubeClient<Lease>;
  config: LeaderElectionConfig;
  /** Default the real clock. */
  clock?: Clock;
  /** Where "<identity> became leader" / "stopped leading" Events (reason LeaderElection) go. */
  recorder?: EventRecorder;
  /** In [0, 1): spreads candidates' attempts apart; default Math.random. */
  random?: () => number;
  /** Failed reads and writes (each is retried); default console.warn. */
  onError?: (err: unknown) => void;
}

export interface LeaderCallbacks {
  /**
   * Starts the work that only the leader may do; `signal` aborts when leadership ends (lost, or
   * `run`'s signal aborted). The elector waits for the returned promise before it counts the
   * work as stopped (and before it releases the Lease), so it must settle soon after `signal`.
   */
  onStartedLeading(signal: AbortSignal): Promise<void> | void;
  /** After the leader's work has stopped. */
  onStoppedLeading?(): void;
  /** Whenever the observed holder changes ("" when the Lease is free). */
  onNewLeader?(identity: string): void;
}

/**
 * Contract: `run` tries to acquire the Lease every retry period (at once when it is free or
 * released; at the latest when the holder's lease runs out), calls onStartedLeading when it
 * does, and renews every retry period. A leader stops leading when a renewal has not succeeded
 * within the renew deadline or the Lease is seen held by someone else; it then tries to acquire
 * again. When `signal` aborts, the work is stopped, the Lease released (if releaseOnCancel) and
 * `run` resolves. Every request is bounded in time; `run` never rejects.
 */
export class LeaderElector {
  readonly #o: LeaderElectorOptions;
  readonly #c: LeaderElectionConfig;
  readonly #clock: Clock;
  #observation: LeaseObservation | undefined;
  #reportedLeader: string | undefined;
  /** The Lease as I last wrote it while holding it. */
  #mine: Lease | undefined;
  #lastRenewAt: number | undefined;
  #callbacks: LeaderCallbacks | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#o = options;
    this.#c = options.config;
    this.#clock = options.clock ?? realClock;
  }

  get identity(): string {
    return this.#c.identity;
  }

  /** True while this candidate holds the Lease and its leader work runs. */
  get isLeader(): boolean {
    return this.#lastRenewAt !== undefined;
  }

  /** The holder this candidate last saw ("" when free; undefined before the first read). */
  get observedLeader(): string | undefined {
    return this.#observation?.holder;
  }

  async run(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<void> {
    this.#callbacks = callbacks;
    while (!signal.aborted) {
      if (!(await this.#acquire(signal))) break;
      const leader = new AbortController();
      const stop = (): void => leader.abort();
      signal.addEventListener("abort", stop, { once: true });
      this.#event("became leader");
      const work = Promise.resolve()
        .then(() => callbacks.onStartedLeading(leader.signal))
        .catch((e: unknown) => this.#error(e));
      await this.#renewWhileLeading(leader.signal);
      leader.abort();
      signal.removeEventListener("abort", stop);
      await work;
      const held = this.#lastRenewAt !== undefined;
      this.#lastRenewAt = undefined;
      this.#event("stopped leading");
      callbacks.onStoppedLeading?.();
      if (signal.aborted && held && this.#c.releaseOnCancel) await this.#release();
    }
  }

  /** Tries until the Lease is mine (true) or `signal` aborts (false). */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      const next = await this.#attempt(signal, this.#c.renewDeadlineMs);
      if (next === "leading") return true;
      // Candidates spread over [0.8, 1] × retryPeriod; never past the holder's expiry.
      let wait = this.#c.retryPeriodMs * (1 - 0.2 * (this.#o.random ?? Math.random)());
      if (typeof next === "number") wait = Math.min(wait, Math.max(0, next - this.#clock.now()));
      await sleepOn(this.#clock, wait, signal);
    }
  }

  /** Renews every retry period; returns when leadership is lost or `signal` aborts. */
  async #renewWhileLeading(signal: AbortSignal): Promise<void> {
    for (;;) {
      await sleepOn(this.#clock, this.#c.retryPeriodMs, signal);
      if (signal.aborted) return;
      const last = this.#lastRenewAt ?? 0;
      if (renewDeadlinePassed(last, this.#clock.now(), this.#c.renewDeadlineMs)) return this.#lose(`could not renew within ${this.#c.renewDeadlineMs} ms`);
      // A renewal still unanswered at the deadline counts as failed.
      const left = last + this.#c.renewDeadlineMs - this.#clock.now();
      const next = await this.#attempt(signal, Math.max(1, left));
      if (next === "lost") return;
    }
  }

  /**
   * One read-decide-write round. "leading" when the Lease is mine after it, "lost" when I was
   * leading and no longer am, a time when the holder's lease runs out, or undefined (failed).
   */
  async #attempt(outer: AbortSignal, timeoutMs: number): Promise<"leading" | "lost" | number | undefined> {
    const ctl = new AbortController();
    const cancelTimer = this.#clock.setTimer(() => ctl.abort(new Error(`lease request timed out after ${timeoutMs} ms`)), timeoutMs);
    const onAbort = (): void => ctl.abort();
    outer.addEventListener("abort", onAbort, { once: true });
    try {
      const startedAt = this.#clock.now();
      let lease: Lease | undefined;
      try {
        lease = await bounded(this.#o.leases.get(this.#c.namespace, this.#c.name, { signal: ctl.signal }), ctl.signal);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const d = decideLease({
        lease,
        previous: this.#observation,
        identity: this.#c.identity,
        namespace: this.#c.namespace,
        name: this.#c.name,
        now: this.#clock.now(),
        leaseDurationMs: this.#c.leaseDurationMs,
        renewDeadlineMs: this.#c.renewDeadlineMs,
        lastRenewAt: this.#lastRenewAt,
      });
      this.#see(d.observation);
      switch (d.action) {
        case "wait":
          return d.expiresAt;
        case "lost":
          this.#lose(d.reason);
          return "lost";
        case "create":
        case "acquire":
        case "renew": {
          const write = d.action === "create" ? this.#o.leases.create(d.lease, { signal: ctl.signal }) : this.#o.leases.update(d.lease, { signal: ctl.signal });
          const written = await bounded(write, ctl.signal);
          this.#mine = written;
          this.#lastRenewAt = startedAt;
          this.#see({ specJson: JSON.stringify(written.spec ?? {}), holder: this.#c.identity, at: this.#clock.now() });
          return "leading";
        }
      }
    } catch (e) {
      // A conflict means another candidate wrote first: the next round reads who.
      if (!outer.aborted) this.#error(e);
      return undefined;
    } finally {
      cancelTimer();
      outer.removeEventListener("abort", onAbort);
    }
  }

  #lose(reason: string): void {
    if (this.#lastRenewAt === undefined) return;
    this.#lastRenewAt = undefined;
    this.#error(new Error(`${this.#c.identity} stopped leading ${this.#c.namespace}/${this.#c.name}: ${reason}`));
  }

  /** Hands the Lease back; a conflict means it is no longer mine, which is fine too. */
  async #release(): Promise<void> {
    const mine = this.#mine;
    if (!mine) return;
    const ctl = new AbortController();
    const cancelTimer = this.#clock.setTimer(() => ctl.abort(), this.#c.renewDeadlineMs);
    try {
      const written = await bounded(this.#o.leases.update(releasedLease(mine, this.#clock.now()), { signal: ctl.signal }), ctl.signal);
      this.#see({ specJson: JSON.stringify(written.spec ?? {}), holder: "", at: this.#clock.now() });
    } catch (e) {
      this.#error(e);
    } finally {
      cancelTimer();
      this.#mine = undefined;
    }
  }

  #see(observation: LeaseObservation | undefined): void {
    this.#observation = observation;
    const holder = observation?.holder;
    if (holder === undefined || holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    this.#callbacks?.onNewLeader?.(holder);
  }

  #event(what: string): void {
    const lease = this.#mine;
    if (!lease || !this.#o.recorder) return;
    void this.#o.recorder.event(lease, "Normal", "LeaderElection", `${this.#c.identity} ${what}`);
  }

  #error(e: unknown): void {
    if (this.#o.onError) this.#o.onError(e);
    else console.warn(`svcnet: leader election ${this.#c.namespace}/${this.#c.name}:`, e instanceof Error ? e.message : e);
  }
}
