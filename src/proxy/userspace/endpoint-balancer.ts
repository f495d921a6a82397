// Which endpoint a new connection (TCP) or session (UDP) goes to: round robin over a pool's
// endpoints, with ClientIP session affinity, and the order in which to try endpoints when a
// connect fails. The facts follow kube-proxy's userspace proxier (roundrobin.go): affinity is
// keyed on the client's IP alone, every pick refreshes it, it lapses `stickySeconds` after the
// last pick, a failed connect drops it and the retry takes the next endpoint in rotation, and
// affinity entries of an endpoint that left the pool are forgotten. Unlike upstream, which
// shuffled a pool on every change and restarted its rotation, a pool keeps its rotation
// position across changes and starts at a random place when new; and retries try every other
// endpoint before trying one again. No I/O; the clock (and the starting position) are injected.

import type { EndpointPool, EndpointTarget } from "./listener-plan.js";

interface Affinity {
  endpoint: string;
  lastUsed: number;
}

interface PoolState {
  pool: EndpointPool;
  /** Index of the endpoint the next round-robin pick returns. */
  next: number;
  /** Client IP → the endpoint it sticks to. */
  affinity: Map<string, Affinity>;
}

export interface EndpointBalancerOptions {
  /** Milliseconds clock; default Date.now. */
  now?: () => number;
  /** [0, 1) source for a new pool's starting position; default Math.random. */
  random?: () => number;
}

export class EndpointBalancer {
  readonly #pools = new Map<string, PoolState>();
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(options: EndpointBalancerOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** Pool keys known. */
  get poolKeys(): string[] {
    return [...this.#pools.keys()];
  }

  /**
   * Makes the balancer's pools exactly `pools`: new pools start at a random position, changed
   * pools keep theirs (modulo the new size) and forget affinity to endpoints they lost, and
   * pools not listed are dropped.
   */
  syncPools(pools: ReadonlyMap<string, EndpointPool>): void {
    for (const key of [...this.#pools.keys()]) if (!pools.has(key)) this.#pools.delete(key);
    for (const [key, pool] of pools) {
      const state = this.#pools.get(key);
      if (!state) {
        const n = pool.endpoints.length;
        this.#pools.set(key, { pool, next: n > 0 ? Math.floor(this.#random() * n) % n : 0, affinity: new Map() });
        continue;
      }
      if (state.pool === pool) continue;
      const kept = new Set(pool.endpoints.map((e) => e.endpoint));
      for (const [client, a] of state.affinity) if (!kept.has(a.endpoint) || pool.stickySeconds === 0) state.affinity.delete(client);
      state.pool = pool;
      state.next = pool.endpoints.length > 0 ? state.next % pool.endpoints.length : 0;
    }
  }

  /**
   * The endpoints a new connection from `clientIP` tries, in order, `maxTries` of them: the
   * client's affinity endpoint if it has a live one, else the next in rotation, then the others
   * in rotation order, then the same list again until `maxTries`. Advances the rotation by one
   * when it was used. Empty when the pool has no endpoints (or is unknown).
   */
  connectOrder(poolKey: string, clientIP: string, maxTries: number): EndpointTarget[] {
    const state = this.#pools.get(poolKey);
    const eps = state?.pool.endpoints ?? [];
    if (!state || eps.length === 0 || maxTries <= 0) return [];
    const order: EndpointTarget[] = [];
    const sticky = this.#liveAffinity(state, clientIP);
    if (sticky) order.push(sticky);
    if (order.length === 0) {
      order.push(eps[state.next]);
      state.next = (state.next + 1) % eps.length;
    }
    // Like upstream, the pick itself sets (or refreshes) the affinity, so connections a client
    // opens at once stick together before any of them connected.
    if (state.pool.stickySeconds > 0) state.affinity.set(clientIP, { endpoint: order[0].endpoint, lastUsed: this.#now() });
    // Retries continue the rotation from where it stands, skipping endpoints already listed;
    // with fewer endpoints than tries the list starts over (one endpoint gets every try, each
    // with a longer timeout, as upstream's retries did).
    for (let i = 0; order.length < Math.min(maxTries, eps.length) && i < eps.length; i++) {
      const candidate = eps[(state.next + i) % eps.length];
      if (!order.includes(candidate)) order.push(candidate);
    }
    const distinct = order.length;
    for (let i = 0; order.length < maxTries; i++) order.push(order[i % distinct]);
    return order;
  }

  /**
   * A connection from `clientIP` reached `endpoint`: with affinity on, the client sticks to it
   * (the endpoint a retry reached replaces the one picked first).
   */
  connected(poolKey: string, clientIP: string, endpoint: string): void {
    const state = this.#pools.get(poolKey);
    if (!state || state.pool.stickySeconds === 0) return;
    state.affinity.set(clientIP, { endpoint, lastUsed: this.#now() });
  }

  /** A connect to the client's affinity endpoint failed: forget the affinity (the retry picks anew). */
  failed(poolKey: string, clientIP: string, endpoint: string): void {
    const state = this.#pools.get(poolKey);
    const a = state?.affinity.get(clientIP);
    if (a && a.endpoint === endpoint) state?.affinity.delete(clientIP);
  }

  /** Drops lapsed affinity entries everywhere (the proxier calls this on each sync). Returns how many. */
  expireAffinity(): number {
    let dropped = 0;
    const now = this.#now();
    for (const state of this.#pools.values()) {
      for (const [client, a] of state.affinity) {
        if (now - a.lastUsed >= state.pool.stickySeconds * 1000) {
          state.affinity.delete(client);
          dropped++;
        }
      }
    }
    return dropped;
  }

  /** The endpoint `clientIP` sticks to in a pool right now, if any (for tests and listings). */
  affinityOf(poolKey: string, clientIP: string): string | undefined {
    const state = this.#pools.get(poolKey);
    return state ? this.#liveAffinity(state, clientIP)?.endpoint : undefined;
  }

  #liveAffinity(state: PoolState, clientIP: string): EndpointTarget | undefined {
    if (state.pool.stickySeconds === 0) return undefined;
    const a = state.affinity.get(clientIP);
    if (!a) return undefined;
    if (this.#now() - a.lastUsed >= state.pool.stickySeconds * 1000) {
      state.affinity.delete(clientIP);
      return undefined;
    }
    return state.pool.endpoints.find((e) => e.endpoint === a.endpoint);
  }
}
