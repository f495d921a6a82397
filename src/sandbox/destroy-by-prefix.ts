// Removes sandbox namespaces by name prefix: what `svcnet down` runs after a crash and what a
// SandboxNetwork's destroy() runs. Deleting a namespace destroys its interfaces, and a veth pair
// dies with either end, so deleting the namespaces is the whole cleanup.

import type { IpRunner } from "./ip-runner.js";
import { sandboxPrefix } from "./topology-plan.js";

/** Names in `ip netns list` output (lines like `name` or `name (id: 3)`), in output order. */
export function parseNetnsList(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/)[0] ?? "")
    .filter((name) => name !== "");
}

/** Names of the namespaces that exist now and start with `prefix`. */
export async function listNamespaces(runner: IpRunner, prefix: string): Promise<string[]> {
  return parseNetnsList(await runner.ip(["netns", "list"])).filter((name) => name.startsWith(prefix));
}

/** Options of destroyByPrefix. */
export interface DestroyOptions {
  /** The sandbox to remove (`svcnet-<id>-*`); when absent every `svcnet-*` namespace goes. */
  id?: string;
}

/**
 * Deletes every namespace of the sandbox `id` (or of all sandboxes) and resolves with their
 * names. Idempotent: nothing to delete is success. Tries every namespace even when some fail,
 * then throws an AggregateError naming those still present. Processes still inside a namespace
 * (`ip netns pids`: pods, relays a crashed process left) are SIGKILLed first — a namespace in
 * use disappears from `ip netns list` but lives on in the kernel while they run; a graceful stop
 * of the pods is the caller's job before this.
 */
export async function destroyByPrefix(runner: IpRunner, options: DestroyOptions = {}): Promise<string[]> {
  const prefix = sandboxPrefix(options.id);
  const names = await listNamespaces(runner, prefix);
  const errors: unknown[] = [];
  for (const name of names) {
    try {
      const pids = (await runner.ip(["netns", "pids", name]).catch(() => "")).split(/\s+/).filter((p) => /^\d+$/.test(p));
      for (const pid of pids) killQuietly(Number(pid));
      await runner.ip(["netns", "del", name]);
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) {
    const left = await listNamespaces(runner, prefix);
    if (left.length > 0) {
      throw new AggregateError(errors, `could not delete namespace(s) ${left.join(", ")}`);
    }
  }
  return names;
}

function killQuietly(pid: number): void {
  if (pid <= 1 || pid === process.pid) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
