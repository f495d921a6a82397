// Renewing a node's client certificate while the agent runs, as kubelet's certificate manager
// does (client-go util/certificate, kubelet --rotate-certificates): at a random point between
// 70 % and 90 % of the current certificate's lifetime (rotation-deadline.ts) the node makes a new
// key and asks for a certificate for it, sending the request with the current certificate — so
// the requester is system:node:<name> itself, which csrapproving approves through
// certificatesigningrequests/selfnodeclient. A failed attempt is tried again after a backoff;
// a successful one is written where the next start finds it, and only then handed out by
// current(), which the agent's transport reads for each new connection.
//
// The I/O is the caller's (`renew`, `persist`); time comes from an injected clock, and chance
// from an injected random, so tests drive the loop without waiting.

import { rfc3339 } from "../../api/time.js";
import { type Clock, realClock } from "../../client/clock.js";
import { sleepOn } from "../../client/sleep.js";
import { retryDelayMs, rotationDeadline, validityOf } from "./rotation-deadline.js";

/** A client certificate and its key, both PEM. */
export interface NodeCredential {
  certPem: string;
  keyPem: string;
}

export interface CertificateRotationOptions {
  /** The certificate the agent starts with. */
  initial: NodeCredential;
  /**
   * Gets a certificate for a new key, authenticating with `current` (the certificate in use);
   * rejects when none comes (the message is logged). `signal` aborts when the agent stops.
   */
  renew: (current: NodeCredential, signal: AbortSignal) => Promise<NodeCredential>;
  /** Writes the new credential for the next start (the kubeconfig); a rejection fails the attempt. */
  persist: (next: NodeCredential) => void | Promise<void>;
  /** Default the real clock. */
  clock?: Clock;
  /** Default Math.random. */
  random?: () => number;
  /** One line per renewal and per failed attempt. */
  log?: (line: string) => void;
}

/** See the file comment. The loop runs in run(); current() may be read at any time. */
export class CertificateRotation {
  #current: NodeCredential;
  readonly #o: CertificateRotationOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  #rotations = 0;

  constructor(o: CertificateRotationOptions) {
    this.#o = o;
    this.#current = o.initial;
    this.#clock = o.clock ?? realClock;
    this.#random = o.random ?? Math.random;
  }

  /** The credential to connect with now. */
  current(): NodeCredential {
    return this.#current;
  }

  /** How many times the certificate has been renewed since the start. */
  get rotations(): number {
    return this.#rotations;
  }

  /** Renews the certificate whenever it is due, until `signal` aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let deadline: number;
      try {
        deadline = rotationDeadline(validityOf(this.#current.certPem), this.#random());
      } catch {
        // A certificate that does not parse is replaced at once.
        deadline = this.#clock.now();
      }
      // The clock's timers take long waits in steps (clock.ts); the loop re-checks after a wake-up all the same.
      while (!signal.aborted && this.#clock.now() < deadline) await sleepOn(this.#clock, deadline - this.#clock.now(), signal);
      if (signal.aborted) return;
      await this.#renewWithRetries(signal);
    }
  }

  async #renewWithRetries(signal: AbortSignal): Promise<void> {
    for (let failures = 1; !signal.aborted; failures++) {
      try {
        const next = await this.#o.renew(this.#current, signal);
        await this.#o.persist(next);
        this.#current = next;
        this.#rotations++;
        let until = "";
        try {
          until = ` (valid until ${rfc3339(validityOf(next.certPem).notAfterMs)})`;
        } catch {
          // renew checked it; the line just says less.
        }
        this.#o.log?.(`svcnet agent: renewed the node's client certificate${until}; new connections use it`);
        return;
      } catch (e) {
        if (signal.aborted) return;
        const waitMs = retryDelayMs(failures, this.#random());
        this.#o.log?.(`svcnet agent: renewing the node's client certificate failed: ${e instanceof Error ? e.message : String(e)}; trying again in ${Math.round(waitMs / 1000)} s`);
        await sleepOn(this.#clock, waitMs, signal);
      }
    }
  }
}
