// kube-proxy's health endpoint (--healthz-bind-address, 0.0.0.0:10256 by default): /healthz for
// load balancers and /livez for the kubelet's liveness probe. Responses match upstream's byte for
// byte in shape: a JSON object {lastUpdated, currentTime, nodeEligible (healthz only), healthy,
// status (per family)} with times in RFC 3339 (UTC), status 200 or 503, and the headers
// Content-Type: application/json and X-Content-Type-Options: nosniff.
//
// As upstream does for compatibility with older releases, a healthy answer reports lastUpdated
// as the current time; only an unhealthy one shows when the last successful update really was.

import type { HttpAnswer } from "../http-listen.js";
import { AnswerServer, notFoundAnswer } from "../http-listen.js";
import type { Counter } from "../metrics/registry.js";
import type { ProxyHealth, ProxyHealthState } from "./proxy-health.js";

export type ProxyHealthPath = "/healthz" | "/livez";

/** The answer to /healthz or /livez for the given state at `now` (pure). */
export function proxyHealthAnswer(path: ProxyHealthPath, state: ProxyHealthState, now: Date): HttpAnswer {
  const health = state.health(now);
  const nodeEligible = path === "/healthz" ? state.nodeEligible : undefined;
  const healthy = health.healthy && nodeEligible !== false;
  return {
    status: healthy ? 200 : 503,
    headers: { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff" },
    body: JSON.stringify(healthBody(health, healthy ? now : health.lastUpdated, nodeEligible)),
  };
}

/** Upstream's field order; `status` is left out while empty, as Go's omitempty does. */
function healthBody(health: ProxyHealth, lastUpdated: Date, nodeEligible: boolean | undefined): object {
  const status: Record<string, { lastUpdated: string; healthy: boolean }> = {};
  for (const [family, s] of health.status) status[family] = { lastUpdated: rfc3339Nano(s.lastUpdated), healthy: s.healthy };
  return {
    lastUpdated: rfc3339Nano(lastUpdated),
    currentTime: rfc3339Nano(health.currentTime),
    ...(nodeEligible === undefined ? {} : { nodeEligible }),
    healthy: health.healthy,
    ...(health.status.size ? { status } : {}),
  };
}

/** A time as Go's JSON encoder writes it in UTC: RFC 3339 with the fraction's trailing zeros dropped. */
export function rfc3339Nano(time: Date): string {
  return time.toISOString().replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : "Z"));
}

export interface ProxyHealthServerOptions {
  /** host:port to listen on, e.g. "0.0.0.0:10256"; port 0 picks a free port. */
  bindAddress: string;
  state: ProxyHealthState;
  /** kubeproxy_proxy_healthz_total / kubeproxy_proxy_livez_total (label `code`); optional. */
  metrics?: { healthzTotal: Counter; livezTotal: Counter };
  /** Clock; default the real one. */
  now?: () => Date;
  /** Aborting closes the server. */
  signal?: AbortSignal;
}

/** The /healthz + /livez HTTP server. Constructing it does no I/O; `start` listens. */
export class ProxyHealthServer {
  readonly #options: ProxyHealthServerOptions;
  readonly #http: AnswerServer;

  constructor(options: ProxyHealthServerOptions) {
    this.#options = options;
    this.#http = new AnswerServer({
      name: "proxy health server",
      bindAddress: options.bindAddress,
      answer: (url) => this.answer(url),
      signal: options.signal,
    });
  }

  /** Answers one request without a socket (the handler the server runs). */
  answer(url: string): HttpAnswer {
    const path = new URL(url, "http://localhost").pathname;
    if (path !== "/healthz" && path !== "/livez") return notFoundAnswer();
    const answer = proxyHealthAnswer(path, this.#options.state, (this.#options.now ?? (() => new Date()))());
    const counter = path === "/healthz" ? this.#options.metrics?.healthzTotal : this.#options.metrics?.livezTotal;
    counter?.labels({ code: String(answer.status) }).inc();
    return answer;
  }

  start(): Promise<{ host: string; port: number }> {
    return this.#http.start();
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}
