// Health checks of the API failover's targets, as a load balancer in front of kube-apiservers
// does: every second, GET /readyz on each replica. A replica that accepts connections but does
// not answer (frozen, overloaded) or answers "not ready" is reported unhealthy, so new
// connections go to the others; it is back as soon as it answers 200. The check carries no
// credentials and does not verify the certificate: /readyz is public, and only liveness is judged.

import { request } from "node:https";
import type { RelayTarget } from "./relay-protocol.js";

/** What one check found: healthy, or why not. */
export type HealthResult = { healthy: true } | { healthy: false; reason: string };

/** One GET /readyz with a deadline: healthy on 200; "status 503", "timeout" or the socket error otherwise. */
export function checkReadyz(target: RelayTarget, timeoutMs: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: HealthResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = request({ host: target.ip, port: target.port, path: "/readyz", method: "GET", rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      done(res.statusCode === 200 ? { healthy: true } : { healthy: false, reason: `status ${res.statusCode}` });
    });
    const timer = setTimeout(() => done({ healthy: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => done({ healthy: false, reason: e.code ?? e.message }));
    req.end();
  });
}

/** Options of watchTargetHealth. */
export interface TargetHealthOptions {
  targets: readonly RelayTarget[];
  /** Told each result. */
  report: (target: RelayTarget, healthy: boolean) => void;
  /** Between checks of one target; default 1000 ms. */
  intervalMs?: number;
  /** Deadline of one check; default 1000 ms. */
  timeoutMs?: number;
  /** How to check; default checkReadyz. */
  check?: (target: RelayTarget, timeoutMs: number) => Promise<HealthResult>;
  /** Told one line when a target's health changes. */
  log?: (line: string) => void;
}

/** Checks every target until `signal` aborts; resolves then. */
export async function watchTargetHealth(o: TargetHealthOptions, signal: AbortSignal): Promise<void> {
  const check = o.check ?? checkReadyz;
  const intervalMs = o.intervalMs ?? 1000;
  const timeoutMs = o.timeoutMs ?? 1000;
  const last = new Map<string, boolean>();
  await Promise.all(
    o.targets.map(async (target) => {
      const key = `${target.ip}:${target.port}`;
      while (!signal.aborted) {
        const result = await check(target, timeoutMs);
        if (signal.aborted) return;
        o.report(target, result.healthy);
        const was = last.get(key);
        if (was !== result.healthy && (was !== undefined || !result.healthy)) {
          o.log?.(result.healthy ? `failover: ${key} passes its health check again` : `failover: ${key} fails its health check (${result.reason}): new connections go to the others`);
        }
        last.set(key, result.healthy);
        await new Promise<void>((resolve) => {
          const onAbort = (): void => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          }, intervalMs);
          signal.addEventListener("abort", onAbort, { once: true });
        });
      }
    }),
  );
}
