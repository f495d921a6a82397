// "Stored data is unchanged", made checkable: a snapshot of every stored key and value outside
// the fuzzer's scratch area, taken before a run and compared after it. Any difference — a
// value rewritten (a new resourceVersion counts), a key gone, a key added to the protected
// namespace — is reported by key.

import type { Store } from "../../storage/store.js";

export type StoreSnapshot = ReadonlyMap<string, string>;

/** Where a stored key belongs: its namespace (undefined for cluster-scoped objects) and name. */
export function keyParts(key: string): { resource: string; namespace: string | undefined; name: string } {
  // /registry/<group>/<resource>/[<namespace>/]<name>
  const parts = key.split("/").slice(2);
  const [group, resource] = parts;
  const rest = parts.slice(2);
  return { resource: `${resource}.${group}`, namespace: rest.length > 1 ? rest[0] : undefined, name: rest[rest.length - 1] ?? "" };
}

/**
 * Whether a stored key is the fuzzer's to change: objects in the scratch namespace,
 * cluster-scoped objects named with its prefix, and allocations (svcnet.io's cluster IPs and
 * node ports) held by objects in the scratch namespace.
 */
export function isScratch(key: string, value: string, scratchNamespace: string): boolean {
  const { namespace, name } = keyParts(key);
  if (namespace !== undefined) return namespace === scratchNamespace;
  if (name.startsWith(scratchNamespace)) return true;
  if (key.startsWith("/registry/svcnet.io/")) {
    try {
      const owner = JSON.parse(value) as { namespace?: unknown };
      return owner.namespace === scratchNamespace;
    } catch {
      return false;
    }
  }
  return false;
}

/** Every stored key and value outside the scratch area. */
export async function snapshotStore(store: Store, scratchNamespace: string): Promise<StoreSnapshot> {
  const out = new Map<string, string>();
  for (const kv of (await store.list("/")).items) if (!isScratch(kv.key, kv.value, scratchNamespace)) out.set(kv.key, kv.value);
  return out;
}

/**
 * What changed between two snapshots: keys gone or rewritten, and keys that appeared in the
 * protected namespace. Other new keys are allowed (a run may create objects that must not
 * exist only in the protected namespace, e.g. through a cluster-scoped write).
 */
export function snapshotChanges(before: StoreSnapshot, after: StoreSnapshot, protectedNamespace: string): string[] {
  const out: string[] = [];
  for (const [key, value] of before) {
    const now = after.get(key);
    if (now === undefined) out.push(`deleted: ${key}`);
    else if (now !== value) out.push(`changed: ${key}\n  before ${value.slice(0, 300)}\n  after  ${now.slice(0, 300)}`);
  }
  for (const key of after.keys()) {
    if (!before.has(key) && keyParts(key).namespace === protectedNamespace) out.push(`created in the protected namespace: ${key}`);
  }
  return out;
}
