// /readyz as kube-apiserver answers it: named checks, "ok" when all pass, else one line per check
// ("[+]ping ok", "[-]etcd failed: reason withheld") and "readyz check failed" with a 503. The
// storage check reads the store's current revision (a quorum read on etcd), at most once a
// second however often load balancers ask, and counts as failed after 2 s without an answer.
// /livez does not check the storage: a server whose etcd lost quorum still serves its watch
// cache and must not be restarted for it.

import type { ApiResponse } from "./request.js";

/** One readiness check: resolves when ready, rejects (with the reason) when not. */
export interface ReadyzCheck {
  name: string;
  run(): Promise<void>;
}

/** Options of storageCheck. */
export interface StorageCheckOptions {
  /** How long a result is reused (default 1000 ms). */
  ttlMs?: number;
  /** How long the read may take before the check fails (default 2000 ms, kube's --etcd-readycheck-timeout). */
  timeoutMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Told when the storage turns unready (with why) and ready again; default: ignored. */
  onChange?: (ready: boolean, reason: string) => void;
}

/**
 * The "etcd" check over `read` (e.g. the store's current revision). Concurrent runs share one
 * read; a result is reused for ttlMs.
 */
export function storageCheck(read: () => Promise<unknown>, options: StorageCheckOptions = {}): ReadyzCheck {
  const ttlMs = options.ttlMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 2000;
  const now = options.now ?? Date.now;
  let last: { at: number; result: Promise<void> } | undefined;
  let ready = true;
  const probe = async (): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        read(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from the storage within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (!ready) options.onChange?.(true, "");
      ready = true;
    } catch (e) {
      if (ready) options.onChange?.(false, e instanceof Error ? e.message : String(e));
      ready = false;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    name: "etcd",
    run() {
      if (!last || now() - last.at >= ttlMs) {
        const result = probe();
        result.catch(() => undefined);
        last = { at: now(), result };
      }
      return last.result;
    },
  };
}

/** A check from a synchronous condition, e.g. "the server has bootstrapped". */
export function conditionCheck(name: string, ok: () => boolean, why: string): ReadyzCheck {
  return {
    name,
    run: async () => {
      if (!ok()) throw new Error(why);
    },
  };
}

/** kube-apiserver's first check: the server answers at all. */
export const pingCheck: ReadyzCheck = { name: "ping", run: async () => undefined };

/**
 * Runs the checks (all at once) and answers as kube-apiserver does: "ok", or with `?verbose`
 * every check's line; when one fails, every line and "readyz check failed" with 503. Reasons are
 * withheld (the endpoint is anonymous); `?exclude=<name>` skips a check.
 */
export async function readyzResponse(checks: readonly ReadyzCheck[], query: URLSearchParams): Promise<ApiResponse> {
  const excluded = new Set(query.getAll("exclude"));
  const chosen = checks.filter((c) => !excluded.has(c.name));
  const results = await Promise.all(
    chosen.map((c) =>
      c.run().then(
        () => true,
        () => false,
      ),
    ),
  );
  const failed = results.includes(false);
  const text = (body: string): ApiResponse => ({
    status: failed ? 503 : 200,
    headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
    body,
  });
  if (!failed && !query.has("verbose")) return text("ok");
  const lines = chosen.map((c, i) => (results[i] ? `[+]${c.name} ok` : `[-]${c.name} failed: reason withheld`));
  for (const name of excluded) lines.push(`[+]${name} excluded: ok`);
  return text(`${lines.join("\n")}\nreadyz check ${failed ? "failed" : "passed"}\n`);
}
