// Who may use the agent's kubelet endpoint, decided as kubelet's webhook authorizer decides
// (--authorization-mode=Webhook): a SubjectAccessReview to the API server for the client
// certificate's user and groups and the request's attributes (kubelet-request-attributes.ts),
// with its answers kept for a while — an allowed one 5 minutes, a denied one 30 seconds, kubelet's
// defaults (authorization.webhook.cacheAuthorizedTTL, cacheUnauthorizedTTL). A review that fails
// is not kept: the next request asks again.

import { requireResource } from "../../api/resources.js";
import type { SubjectAccessReview } from "../../api/rbac-types.js";
import type { Clock, Transport } from "../../client/index.js";
import { KubeClient, realClock } from "../../client/index.js";
import type { KubeletRequestAttributes } from "./kubelet-request-attributes.js";

/** Who a verified client certificate names: its common name and organizations, as kubelet reads it. */
export interface KubeletUser {
  name: string;
  groups: readonly string[];
}

/** Asks whether `user` may do `attrs`; rejects when no answer came. */
export type AccessReviewer = (user: KubeletUser, attrs: KubeletRequestAttributes) => Promise<{ allowed: boolean; reason?: string }>;

/** Reviews through the API (POST authorization.k8s.io/v1 subjectaccessreviews) with the agent's own credentials. */
export function subjectAccessReviewer(transport: Transport): AccessReviewer {
  const reviews = new KubeClient<SubjectAccessReview>(transport, requireResource("authorization.k8s.io", "v1", "subjectaccessreviews"));
  return async (user, attrs) => {
    const answer = await reviews.create({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      metadata: {},
      spec: {
        user: user.name,
        groups: [...user.groups],
        resourceAttributes: { verb: attrs.verb, group: "", version: "v1", resource: "nodes", subresource: attrs.subresource, name: attrs.name },
      },
    });
    return { allowed: answer.status?.allowed === true, ...(answer.status?.reason ? { reason: answer.status.reason } : {}) };
  };
}

export interface KubeletAuthorizerOptions {
  review: AccessReviewer;
  clock?: Clock;
  /** How long an allowed answer is kept; default 5 minutes. */
  allowedTtlMs?: number;
  /** How long a denied answer is kept; default 30 seconds. */
  deniedTtlMs?: number;
  /** Most answers kept (the oldest go first); default 8192. */
  maxEntries?: number;
}

export class KubeletAuthorizer {
  readonly #review: AccessReviewer;
  readonly #clock: Clock;
  readonly #allowedTtlMs: number;
  readonly #deniedTtlMs: number;
  readonly #maxEntries: number;
  readonly #answers = new Map<string, { allowed: boolean; until: number }>();

  constructor(o: KubeletAuthorizerOptions) {
    this.#review = o.review;
    this.#clock = o.clock ?? realClock;
    this.#allowedTtlMs = o.allowedTtlMs ?? 5 * 60_000;
    this.#deniedTtlMs = o.deniedTtlMs ?? 30_000;
    this.#maxEntries = o.maxEntries ?? 8192;
  }

  /** Whether `user` may do `attrs`; rejects when the review could not be made. */
  async allowed(user: KubeletUser, attrs: KubeletRequestAttributes): Promise<boolean> {
    const key = JSON.stringify([user.name, [...user.groups].sort(), attrs.verb, attrs.subresource, attrs.name]);
    const kept = this.#answers.get(key);
    if (kept && kept.until > this.#clock.now()) return kept.allowed;
    this.#answers.delete(key);
    const { allowed } = await this.#review(user, attrs);
    this.#answers.set(key, { allowed, until: this.#clock.now() + (allowed ? this.#allowedTtlMs : this.#deniedTtlMs) });
    // Map keeps insertion order: the first keys are the oldest answers.
    for (const old of this.#answers.keys()) {
      if (this.#answers.size <= this.#maxEntries) break;
      this.#answers.delete(old);
    }
    return allowed;
  }
}
