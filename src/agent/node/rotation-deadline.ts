// When a node renews its client certificate, as kubelet's certificate manager decides it
// (client-go util/certificate): at a random point between 70 % and 90 % of the certificate's
// lifetime, so that nodes that joined together do not all ask at once; and, after a failed
// attempt, again after an exponential backoff. Pure: the random number is the caller's.

import { X509Certificate } from "node:crypto";

/** A certificate's validity, in milliseconds since the epoch. */
export interface Validity {
  notBeforeMs: number;
  notAfterMs: number;
}

/** The validity of the PEM certificate `certPem`; throws when it does not parse. */
export function validityOf(certPem: string): Validity {
  const cert = new X509Certificate(certPem);
  return { notBeforeMs: Date.parse(cert.validFrom), notAfterMs: Date.parse(cert.validTo) };
}

/**
 * The time to renew a certificate valid for `v`: notBefore plus 70 % of its lifetime, plus up to
 * another 20 % by `random` (a number in [0, 1), as Math.random gives).
 */
export function rotationDeadline(v: Validity, random: number): number {
  const lifetime = Math.max(0, v.notAfterMs - v.notBeforeMs);
  return v.notBeforeMs + Math.round(lifetime * (0.7 + 0.2 * random));
}

/** The first wait after a failed renewal; each further failure doubles it, up to maxRetryDelayMs. */
const firstRetryDelayMs = 2_000;
const maxRetryDelayMs = 5 * 60_000;

/**
 * How long to wait after the `failures`-th failed attempt in a row (1 for the first): 2 s,
 * doubling, at most 5 minutes, and up to 10 % more by `random` so that nodes do not retry in step.
 */
export function retryDelayMs(failures: number, random: number): number {
  const base = Math.min(maxRetryDelayMs, firstRetryDelayMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(base * (1 + 0.1 * random));
}
