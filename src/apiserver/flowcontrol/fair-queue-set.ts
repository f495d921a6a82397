// The seats of one limited priority level and the queues in front of them, as a pure state
// machine: the caller says when a request arrives, finishes, gives up, and what time it is; the
// set answers which requests execute, wait, or are rejected. No timers, no I/O.
//
// Fairness: each flow has its own FIFO queue. When a seat frees, it goes to the waiting flow
// with the fewest requests executing; among those, to the flow served longest ago (a flow never
// served first), then to the oldest waiting request. So a flow that floods holds at most its
// share of the seats once others wait, and another flow's request waits for at most the next
// seat to free, however many requests the flooder has queued — kube-apiserver's fair queueing
// approximated without its virtual clock, as all requests here are assumed to cost the same.

import type { Queuing } from "./priority-levels.js";

export interface FairQueueSetOptions {
  /** How many requests execute at once (at least 1). */
  seats: number;
  /** Queue limits; absent: a request that finds no free seat is rejected at once. */
  queuing?: Queuing;
  /** How long a request may wait for a seat before it is rejected (kube: 15 s). */
  waitLimitMs: number;
}

/** What became of an arriving request. */
export type Arrival = "execute" | "queued" | "rejected";

interface Waiting<T> {
  item: T;
  deadline: number;
  seq: number;
}

interface FlowState<T> {
  executing: number;
  queue: Waiting<T>[];
  /** The dispatch counter when this flow was last given a seat; -1: never. */
  lastServed: number;
}

/** Whether waiting flow `a` gets the next seat before `b`: fewer executing, served longer ago, older head. */
function servedBefore<T>(a: FlowState<T>, b: FlowState<T>): boolean {
  if (a.executing !== b.executing) return a.executing < b.executing;
  if (a.lastServed !== b.lastServed) return a.lastServed < b.lastServed;
  return a.queue[0].seq < b.queue[0].seq;
}

export class FairQueueSet<T> {
  readonly #seats: number;
  readonly #queuing: Queuing | undefined;
  readonly #waitLimitMs: number;
  readonly #flows = new Map<string, FlowState<T>>();
  #executing = 0;
  #waiting = 0;
  #queuedFlows = 0;
  #seq = 0;
  #served = 0;

  constructor(o: FairQueueSetOptions) {
    this.#seats = Math.max(1, o.seats);
    this.#queuing = o.queuing;
    this.#waitLimitMs = o.waitLimitMs;
  }

  /** Requests holding a seat. */
  get executing(): number {
    return this.#executing;
  }

  /** Requests waiting for a seat. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * A request of `flow` arrives at `now`. "execute": it holds a seat now (call finish() when it
   * is done); "queued": it waits, and finish() or expire() will name it; "rejected": answer 429.
   */
  arrive(flow: string, item: T, now: number): Arrival {
    const f = this.#flows.get(flow);
    if (this.#executing < this.#seats) {
      const state = f ?? this.#add(flow);
      state.executing++;
      state.lastServed = this.#served++;
      this.#executing++;
      return "execute";
    }
    const q = this.#queuing;
    if (!q) return "rejected";
    const queueLength = f?.queue.length ?? 0;
    if (queueLength >= q.queueLengthLimit) return "rejected";
    if (queueLength === 0 && this.#queuedFlows >= q.queues) return "rejected";
    const state = f ?? this.#add(flow);
    if (state.queue.length === 0) this.#queuedFlows++;
    state.queue.push({ item, deadline: now + this.#waitLimitMs, seq: this.#seq++ });
    this.#waiting++;
    return "queued";
  }

  /** An executing request of `flow` is done: its seat goes to a waiting request, which is returned. */
  finish(flow: string): T[] {
    const f = this.#flows.get(flow);
    if (!f || f.executing === 0) throw new Error(`flowcontrol: finish for flow ${JSON.stringify(flow)}, which has nothing executing`);
    f.executing--;
    this.#executing--;
    this.#forgetIfIdle(flow, f);
    return this.#dispatch();
  }

  /** Removes and returns the requests whose wait limit has passed at `now` (answer them 429). */
  expire(now: number): T[] {
    const out: T[] = [];
    for (const [flow, f] of this.#flows) {
      let n = 0;
      while (n < f.queue.length && f.queue[n].deadline <= now) out.push(f.queue[n++].item);
      if (n === 0) continue;
      f.queue.splice(0, n);
      this.#waiting -= n;
      if (f.queue.length === 0) this.#queuedFlows--;
      this.#forgetIfIdle(flow, f);
    }
    return out;
  }

  /** Removes a waiting request (its client went away); false if it was not waiting. */
  cancel(flow: string, item: T): boolean {
    const f = this.#flows.get(flow);
    const i = f ? f.queue.findIndex((w) => w.item === item) : -1;
    if (!f || i < 0) return false;
    f.queue.splice(i, 1);
    this.#waiting--;
    if (f.queue.length === 0) this.#queuedFlows--;
    this.#forgetIfIdle(flow, f);
    return true;
  }

  /** When the longest-waiting request reaches its wait limit; undefined when none waits. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const f of this.#flows.values()) {
      const d = f.queue[0]?.deadline;
      if (d !== undefined && (next === undefined || d < next)) next = d;
    }
    return next;
  }

  #add(flow: string): FlowState<T> {
    const state: FlowState<T> = { executing: 0, queue: [], lastServed: -1 };
    this.#flows.set(flow, state);
    return state;
  }

  #forgetIfIdle(flow: string, f: FlowState<T>): void {
    if (f.executing === 0 && f.queue.length === 0) this.#flows.delete(flow);
  }

  #dispatch(): T[] {
    const out: T[] = [];
    while (this.#executing < this.#seats && this.#waiting > 0) {
      let best: FlowState<T> | undefined;
      for (const f of this.#flows.values()) if (f.queue.length > 0 && (!best || servedBefore(f, best))) best = f;
      if (!best) break;
      const w = best.queue.shift() as Waiting<T>;
      this.#waiting--;
      if (best.queue.length === 0) this.#queuedFlows--;
      best.executing++;
      best.lastServed = this.#served++;
      this.#executing++;
      out.push(w.item);
    }
    return out;
  }
}
