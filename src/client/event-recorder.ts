// Records core/v1 Events about objects, the way Kubernetes components do: one Event per
// (object, type, reason, message), its count and lastTimestamp bumped when it repeats within
// ten minutes, named "<object name>.<hex nanoseconds>".

import { rfc3339 } from "../api/time.js";
import type { Event, KubeObject } from "../api/types.js";
import { isNotFound } from "./client-error.js";
import type { Clock } from "./clock.js";
import { realClock } from "./clock.js";
import type { KubeClient } from "./rest-client.js";

export type EventType = "Normal" | "Warning";

export interface EventRecorderOptions {
  /** source.component and reportingComponent: "endpoint-controller", "default-scheduler", … */
  component: string;
  /** source.host and reportingInstance, when the reporter runs on a node. */
  host?: string;
  /** Default the real clock. */
  clock?: Clock;
  /** Repeats within this window update the existing Event; default 10 minutes. */
  correlationWindowMs?: number;
  /** Most distinct events remembered for correlation (oldest forgotten first); default 4096. */
  maxRemembered?: number;
  /** Called when writing an Event failed; default console.warn. */
  onError?: (err: unknown) => void;
}

interface Remembered {
  namespace: string;
  name: string;
  count: number;
  lastSeen: number;
}


/**
 * Writes Events through `client` (a client for core/v1 events). Contract: `event()` never
 * throws or rejects — failures go to `onError` — and writes happen one at a time in call order,
 * so a repeat always finds the Event its predecessor created. A repeat of the same (object
 * uid/kind/namespace/name/apiVersion, type, reason, message) from this recorder within the
 * window PATCHes count+1 and lastTimestamp; otherwise (or if that Event is gone) a new one is
 * created in the object's namespace ("default" for cluster-scoped objects).
 */
export class EventRecorder {
  readonly #client: KubeClient<Event>;
  readonly #o: EventRecorderOptions;
  readonly #clock: Clock;
  readonly #seen = new Map<string, Remembered>();
  #chain: Promise<void> = Promise.resolve();
  #lastNanos = 0n;

  constructor(client: KubeClient<Event>, options: EventRecorderOptions) {
    this.#client = client;
    this.#o = options;
    this.#clock = options.clock ?? realClock;
  }

  /** Records that `reason` happened to `obj`; resolves once written (or failed and reported). */
  event(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const now = this.#clock.now();
    const run = this.#chain.then(() => this.#record(obj, { type, reason, message, now }));
    this.#chain = run.catch((e: unknown) => this.#fail(e));
    return this.#chain;
  }

  /** Resolves when every event recorded so far has been written. */
  flush(): Promise<void> {
    return this.#chain;
  }

  async #record(obj: KubeObject, e: { type: EventType; reason: string; message: string; now: number }): Promise<void> {
    const involved: Event["involvedObject"] = {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    };
    const key = JSON.stringify([involved.kind, involved.namespace, involved.name, involved.uid, involved.apiVersion, e.type, e.reason, e.message]);
    const window = this.#o.correlationWindowMs ?? 600_000;
    const prev = this.#seen.get(key);
    if (prev && e.now - prev.lastSeen <= window) {
      try {
        await this.#client.patch(prev.namespace, prev.name, { type: "strategic", body: { count: prev.count + 1, lastTimestamp: rfc3339(e.now), message: e.message } });
        prev.count++;
        prev.lastSeen = e.now;
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const namespace = obj.metadata.namespace || "default";
    const ev: Event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${obj.metadata.name ?? ""}.${this.#nanos(e.now).toString(16)}`, namespace },
      involvedObject: Object.fromEntries(Object.entries(involved).filter(([, v]) => v !== undefined && v !== "")),
      reason: e.reason,
      message: e.message,
      source: { component: this.#o.component, ...(this.#o.host ? { host: this.#o.host } : {}) },
      firstTimestamp: rfc3339(e.now),
      lastTimestamp: rfc3339(e.now),
      count: 1,
      type: e.type,
      reportingComponent: this.#o.component,
      reportingInstance: this.#o.host ?? "",
    };
    const created = await this.#client.create(ev);
    this.#seen.delete(key);
    this.#seen.set(key, { namespace, name: created.metadata.name ?? "", count: 1, lastSeen: e.now });
    const max = this.#o.maxRemembered ?? 4096;
    while (this.#seen.size > max) this.#seen.delete(this.#seen.keys().next().value as string);
  }

  /** Unix nanoseconds for the name, strictly increasing so two events never share one. */
  #nanos(ms: number): bigint {
    let n = BigInt(ms) * 1_000_000n;
    if (n <= this.#lastNanos) n = this.#lastNanos + 1n;
    this.#lastNanos = n;
    return n;
  }

  #fail(err: unknown): void {
    if (this.#o.onError) this.#o.onError(err);
    else console.warn(`svcnet: ${this.#o.component}: recording an event failed:`, err instanceof Error ? err.message : err);
  }
}
