// A speaker's proof of life: its Lease `svcnet-speaker-<node>` in kube-system, holderIdentity the
// node name, renewed on a timer (every 500 ms, valid 2 s by default). Other speakers stop
// counting this node as eligible once the Lease runs out (speaker-liveness.ts); deleting it on a
// graceful stop makes them take over at once.

import { microTime } from "../../api/time.js";
import type { Lease } from "../../api/types.js";
import type { Clock, KubeClient } from "../../client/index.js";
import { isAlreadyExists, isNotFound } from "../../client/index.js";
import { SPEAKER_LEASE_DURATION_SECONDS, SPEAKER_LEASE_NAMESPACE, SPEAKER_RENEW_MS, speakerLeaseName } from "./speaker-liveness.js";

export interface SpeakerLeaseOptions {
  /** A client for coordination.k8s.io/v1 leases. */
  leases: KubeClient<Lease>;
  node: string;
  clock: Clock;
  /** Default SPEAKER_LEASE_DURATION_SECONDS (2). */
  durationSeconds?: number;
  /** Default SPEAKER_RENEW_MS (500). */
  renewMs?: number;
  /** Where failed renewals go (the next one is tried on schedule); default console.warn. */
  onError?: (err: unknown) => void;
}

/**
 * One node's speaker Lease. Contract: `start()` renews at once (resolving when that attempt has
 * ended, successful or not) and then every `renewMs`, never two renewals at once; a missing Lease
 * is created. `stop()` ends the timer and waits for a renewal in flight, so that `release()`
 * after it cannot be undone by a late renewal. `release()` deletes the Lease (gone already is fine).
 */
export class SpeakerLease {
  readonly #o: SpeakerLeaseOptions;
  readonly #name: string;
  #cancel: (() => void) | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  #stopped = false;
  #renewedAt: number | undefined;

  constructor(options: SpeakerLeaseOptions) {
    this.#o = options;
    this.#name = speakerLeaseName(options.node);
  }

  /** When the last successful renewal started (epoch ms); undefined before the first. */
  get renewedAt(): number | undefined {
    return this.#renewedAt;
  }

  /** Writes renewTime = now (creating the Lease when it does not exist). */
  async renew(): Promise<void> {
    const started = this.#o.clock.now();
    await this.#write(started);
    this.#renewedAt = Math.max(this.#renewedAt ?? 0, started);
  }

  async #write(at: number): Promise<void> {
    const now = microTime(at);
    const spec = { holderIdentity: this.#o.node, leaseDurationSeconds: this.#o.durationSeconds ?? SPEAKER_LEASE_DURATION_SECONDS, renewTime: now };
    try {
      await this.#o.leases.patch(SPEAKER_LEASE_NAMESPACE, this.#name, { type: "merge", body: { spec } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      try {
        await this.#o.leases.create({ metadata: { name: this.#name, namespace: SPEAKER_LEASE_NAMESPACE }, spec: { ...spec, acquireTime: now } });
      } catch (err) {
        // Created meanwhile by an earlier renewal of ours that was slow to answer: renewed.
        if (!isAlreadyExists(err)) throw err;
      }
    }
  }

  /** Renews now and then on the timer until `stop()`. */
  start(): Promise<void> {
    this.#stopped = false;
    const period = this.#o.renewMs ?? SPEAKER_RENEW_MS;
    const report = this.#o.onError ?? ((err: unknown) => console.warn(`svcnet speaker ${this.#o.node}: renewing its lease failed:`, err instanceof Error ? err.message : err));
    const tick = (): void => {
      const started = this.#o.clock.now();
      this.#inFlight = this.renew()
        .catch(report)
        .finally(() => {
          // The period runs from the start of a renewal, so slow answers do not stretch it.
          if (!this.#stopped) this.#cancel = this.#o.clock.setTimer(tick, Math.max(0, started + period - this.#o.clock.now()));
        });
    };
    tick();
    return this.#inFlight;
  }

  /** Stops renewing; resolves once no renewal is in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel?.();
    await this.#inFlight;
    this.#cancel?.();
  }

  /** Deletes the Lease. */
  async release(): Promise<void> {
    try {
      await this.#o.leases.delete(SPEAKER_LEASE_NAMESPACE, this.#name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
