// Whether the etcd data a `svcnet up --store etcd` finds in its data dir fits the cluster it is
// asked to run. Members keep their data across runs (etcd-<i> under the data root); a cluster of
// another size cannot start on it, since each member's data names the members it had.

/**
 * `existing`: the names found in the data root (e.g. ["etcd-1", "etcd-2", "etcd-3"]). Returns
 * undefined when there is nothing, or exactly `members` members' data; otherwise the one-line
 * error, with the fix.
 */
export function etcdDataMismatch(existing: readonly string[], members: number, dataRoot: string): string | undefined {
  const found = existing.filter((n) => /^etcd-\d+$/.test(n)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  if (found.length === 0) return undefined;
  const want = Array.from({ length: members }, (_, i) => `etcd-${i + 1}`);
  if (found.length === want.length && found.every((n, i) => n === want[i])) return undefined;
  return `${dataRoot} holds the data of a ${found.length}-member etcd cluster (${found.join(", ")}), not ${members}: run with --etcd-members ${found.length}, or remove ${dataRoot} to start an empty cluster`;
}
