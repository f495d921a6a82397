// One informer per (resource, namespace, selectors), shared by every controller that asks, so a
// process lists and watches each thing once and all controllers read the same cache.

import type { ResourceInfo } from "../api/resources.js";
import { groupVersionOf } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import type { Selectors } from "./client-options.js";
import type { InformerOptions } from "./informer.js";
import { Informer } from "./informer.js";
import { KubeClient } from "./rest-client.js";
import type { Transport } from "./transport.js";

export interface SharedInformerFactoryOptions {
  /** Applied to every informer (resync, backoff, clock, onError, pageSize, watch timeout). */
  defaults?: Omit<InformerOptions, "namespace" | "labelSelector" | "fieldSelector">;
  /** Field manager of the clients the factory makes; default "svcnet". */
  fieldManager?: string;
}

/** What distinguishes one shared informer from another. */
export interface InformerKey extends Selectors {
  namespace?: string;
}

/**
 * Hands out shared informers. Contract:
 * - `informerFor` returns the same Informer for the same resource, namespace and selectors.
 * - Informers start with `start(signal)`; one requested after `start` starts at once with
 *   the same signal. All stop when the signal aborts; `stopped()` waits for them.
 * - `waitForCacheSync(signal)` resolves true once every informer handed out so far has synced.
 */
export class SharedInformerFactory {
  readonly #transport: Transport;
  readonly #o: SharedInformerFactoryOptions;
  readonly #informers = new Map<string, Informer<KubeObject>>();
  readonly #runs: Promise<void>[] = [];
  #signal: AbortSignal | undefined;

  constructor(transport: Transport, options: SharedInformerFactoryOptions = {}) {
    this.#transport = transport;
    this.#o = options;
  }

  /** A client for `resource` over the factory's transport. */
  client<T extends KubeObject = KubeObject>(resource: ResourceInfo): KubeClient<T> {
    return new KubeClient<T>(this.#transport, resource, { fieldManager: this.#o.fieldManager });
  }

  informerFor<T extends KubeObject = KubeObject>(resource: ResourceInfo, k: InformerKey = {}): Informer<T> {
    const ns = resource.namespaced ? k.namespace : undefined;
    const key = JSON.stringify([groupVersionOf(resource), resource.resource, ns ?? "", k.labelSelector ?? "", k.fieldSelector ?? ""]);
    let inf = this.#informers.get(key);
    if (!inf) {
      inf = new Informer<KubeObject>(this.client(resource), { ...this.#o.defaults, namespace: ns, labelSelector: k.labelSelector, fieldSelector: k.fieldSelector });
      this.#informers.set(key, inf);
      if (this.#signal) this.#run(inf, this.#signal);
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer handed out so far, and any handed out later, until `signal` aborts. */
  start(signal: AbortSignal): void {
    if (this.#signal) return;
    this.#signal = signal;
    for (const inf of this.#informers.values()) this.#run(inf, signal);
  }

  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.#informers.values()].map((i) => i.waitForCacheSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves when every started informer has stopped. */
  async stopped(): Promise<void> {
    await Promise.all(this.#runs);
  }

  #run(inf: Informer<KubeObject>, signal: AbortSignal): void {
    this.#runs.push(inf.run(signal));
  }
}
