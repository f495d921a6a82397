// Picks the TCP target for one connection among several equivalent servers (the API server
// replicas): the first, in order, that accepts. A target that refused or did not answer is
// "down" for a while and tried only after the others, so a dead server costs one failed dial,
// not one per connection; once it accepts again it is back in its place.

import { connect } from "node:net";
import type { Socket } from "node:net";
import type { RelayTarget } from "./relay-protocol.js";

/** Opens a TCP connection; resolves once connected, rejects with the dial error. */
export type Dial = (target: RelayTarget, timeoutMs: number) => Promise<Socket>;

/** Options of FailoverDialer. */
export interface FailoverDialerOptions {
  /** The servers, in order of preference; at least one. */
  targets: readonly RelayTarget[];
  /** Give up on one target after this long; default 2000 ms (a live server in the sandbox answers in < 1 ms). */
  connectTimeoutMs?: number;
  /** How long a target that failed stays at the back of the order; default 5000 ms. */
  downForMs?: number;
  /** Clock (ms); default Date.now. */
  now?: () => number;
  /** How to dial; default a real TCP connect. */
  dial?: Dial;
  /** Told one line per failed dial; default: dropped. */
  log?: (line: string) => void;
}

/** No target accepted; `failures` holds each target's error, in the order tried. */
export class NoTargetAcceptedError extends Error {
  override readonly name = "NoTargetAcceptedError";
  readonly failures: readonly { target: RelayTarget; reason: string }[];

  constructor(failures: readonly { target: RelayTarget; reason: string }[]) {
    super(`no server accepted: ${failures.map((f) => `${f.target.ip}:${f.target.port} ${f.reason}`).join(", ")}`);
    this.failures = failures;
  }
}

/**
 * Contract: `dial()` tries every target once, the ones not down first (each group in the
 * configured order), and resolves with the first connected socket and its target; it rejects
 * with NoTargetAcceptedError when none accepted. A failed target is down for `downForMs` after
 * its failure; a success clears that at once. `order()` is the order the next dial would use.
 */
export class FailoverDialer {
  readonly #targets: readonly RelayTarget[];
  readonly #connectTimeoutMs: number;
  readonly #downForMs: number;
  readonly #now: () => number;
  readonly #dial: Dial;
  readonly #log: (line: string) => void;
  /** Target index → the time it failed last. */
  readonly #downSince = new Map<number, number>();

  constructor(options: FailoverDialerOptions) {
    if (options.targets.length === 0) throw new Error("FailoverDialer needs at least one target");
    this.#targets = options.targets.map((t) => ({ ip: t.ip, port: t.port }));
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.#downForMs = options.downForMs ?? 5000;
    this.#now = options.now ?? Date.now;
    this.#dial = options.dial ?? dialTcp;
    this.#log = options.log ?? (() => undefined);
  }

  /**
   * What a health check found: an unhealthy target goes to the back of the order (as after a
   * failed dial, renewed by every failed check), a healthy one comes back at once.
   */
  report(target: RelayTarget, healthy: boolean): void {
    const i = this.#targets.findIndex((t) => t.ip === target.ip && t.port === target.port);
    if (i < 0) return;
    if (healthy) this.#downSince.delete(i);
    else this.#downSince.set(i, this.#now());
  }

  order(): RelayTarget[] {
    return this.#orderedIndexes().map((i) => ({ ...this.#targets[i] }));
  }

  async dial(): Promise<{ socket: Socket; target: RelayTarget }> {
    const failures: { target: RelayTarget; reason: string }[] = [];
    for (const i of this.#orderedIndexes()) {
      const target = this.#targets[i];
      try {
        const socket = await this.#dial(target, this.#connectTimeoutMs);
        this.#downSince.delete(i);
        return { socket, target: { ...target } };
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
        this.#downSince.set(i, this.#now());
        failures.push({ target: { ...target }, reason });
        this.#log(`failover: ${target.ip}:${target.port} did not accept (${reason})`);
      }
    }
    throw new NoTargetAcceptedError(failures);
  }

  #orderedIndexes(): number[] {
    const now = this.#now();
    const all = this.#targets.map((_, i) => i);
    const isDown = (i: number): boolean => {
      const since = this.#downSince.get(i);
      return since !== undefined && now - since < this.#downForMs;
    };
    return [...all.filter((i) => !isDown(i)), ...all.filter(isDown)];
  }
}

/** A real TCP connect with a timeout; the socket comes back connected, with no timeout left set. */
export function dialTcp(target: RelayTarget, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.ip, port: target.port, allowHalfOpen: true });
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    const onTimeout = (): void => fail(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    socket.setTimeout(timeoutMs);
    socket.once("timeout", onTimeout);
    socket.once("error", fail);
    socket.once("connect", () => {
      socket.setTimeout(0);
      socket.off("timeout", onTimeout);
      socket.off("error", fail);
      resolve(socket);
    });
  });
}
