// How the lists and maps of each kind merge: the strategic-merge-patch tags and the
// server-side-apply list types of k8s.io/api, as data. Paths are written the way the patch code
// walks objects: object keys joined by ".", every list element as "[]" — so the ports of a
// container in a Deployment live at `spec.template.spec.containers[].ports`.

import type { JsonPrimitive } from "../../api/json.js";
import { kindTables, metadataTable } from "./patch-meta-kinds.js";

/** Server-side-apply list type (`+listType`). */
export type ListType = "atomic" | "set" | "map";

/** How one list field merges. */
export interface ListMeta {
  /** Strategic merge patch: "merge" merges (by `mergeKey`, or as a set of primitives); "replace" replaces the whole list. */
  readonly strategy: "merge" | "replace";
  /** Strategic merge patch key of a merged list of objects (`+patchMergeKey`). */
  readonly mergeKey?: string;
  /** Server-side apply: atomic lists are owned and replaced whole, sets by value, maps by `keys`. */
  readonly listType: ListType;
  /** Server-side apply list-map keys (`+listMapKey`), e.g. `["port", "protocol"]` for Service ports. */
  readonly keys?: readonly string[];
  /** Values assumed for key fields an element leaves out (e.g. `protocol: "TCP"`). */
  readonly keyDefaults?: Readonly<Record<string, JsonPrimitive>>;
  /** The elements take `$retainKeys` (`patchStrategy:"merge,retainKeys"`); informational. */
  readonly retainKeys?: boolean;
}

/** The merge behaviour of one kind. Lists not listed are atomic; maps not listed merge key by key. */
export interface PatchMeta {
  readonly lists: ReadonlyMap<string, ListMeta>;
  /** Maps owned and replaced whole by server-side apply (`+mapType=atomic`, `+structType=atomic`). */
  readonly atomicMaps: ReadonlySet<string>;
}

/** The behaviour of any list nobody declared: replaced whole by every kind of patch. */
export const ATOMIC_LIST: ListMeta = Object.freeze({ strategy: "replace", listType: "atomic" });

/** A table of list and map behaviours keyed by path, relative to some root. */
export interface MetaTable {
  readonly lists: Readonly<Record<string, ListMeta>>;
  readonly atomicMaps?: readonly string[];
}

/** Builds a PatchMeta from tables mounted at prefixes (`""` for the object root). */
export function buildPatchMeta(mounts: readonly (readonly [prefix: string, table: MetaTable])[]): PatchMeta {
  const lists = new Map<string, ListMeta>();
  const atomicMaps = new Set<string>();
  const at = (prefix: string, p: string): string => (prefix ? `${prefix}.${p}` : p);
  for (const [prefix, table] of mounts) {
    for (const [p, m] of Object.entries(table.lists)) lists.set(at(prefix, p), m);
    for (const p of table.atomicMaps ?? []) atomicMaps.add(at(prefix, p));
  }
  return { lists, atomicMaps };
}

/** The list behaviour at `path`; ATOMIC_LIST for anything undeclared. */
export function listMetaAt(meta: PatchMeta, path: string): ListMeta {
  return meta.lists.get(path) ?? ATOMIC_LIST;
}

/** True when server-side apply treats the map at `path` as one value. */
export function isAtomicMap(meta: PatchMeta, path: string): boolean {
  return meta.atomicMaps.has(path);
}

/** The path of a child field: `childPath("spec", "ports")` is `spec.ports`. */
export function childPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/** The path shared by every element of the list at `parent`: `spec.ports[]`. */
export function elementPath(parent: string): string {
  return `${parent}[]`;
}

const cache = new Map<string, PatchMeta>();
const unknownKind = buildPatchMeta([["metadata", metadataTable]]);

/**
 * The merge behaviour for a kind svcnet serves (Service, Pod, Endpoints, EndpointSlice, Node,
 * Namespace, ReplicationController, Deployment, ReplicaSet, ServiceAccount, Event …). For an
 * unknown kind only ObjectMeta's lists are known (finalizers, ownerReferences); every other list
 * is atomic.
 */
export function patchMetaFor(kind: { apiVersion: string; kind: string }): PatchMeta {
  const id = `${kind.apiVersion}/${kind.kind}`;
  let meta = cache.get(id);
  if (!meta) {
    const mounts = kindTables(kind.apiVersion, kind.kind);
    meta = mounts ? buildPatchMeta([["metadata", metadataTable], ...mounts]) : unknownKind;
    cache.set(id, meta);
  }
  return meta;
}
