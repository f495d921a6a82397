// The API server's own cache of the objects service account tokens name: for every service
// account and pod, its uid and deletionTimestamp by namespace/name (kube-apiserver keeps
// informers for the same purpose). Each resource is listed, then watched from the list's
// revision; a watch that ends or expires is followed by a fresh list, swapped in whole, so a
// lookup never sees a half-filled cache. Secrets are not served, so a secret is never found.

import { requireResource } from "../../api/resources.js";
import type { ResourceInfo } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import type { Registry } from "../../registry/registry.js";
import { reflectResource } from "../registry-reflector.js";
import type { LiveObject } from "./claims.js";
import type { BoundKind, BoundObjectLookup, LiveBoundObjectLookup } from "./token-authenticator.js";

const keyOf = (ns: string | undefined, name: string | undefined): string => `${ns ?? ""}/${name ?? ""}`;

function liveOf(obj: KubeObject): LiveObject {
  const m = obj.metadata;
  return m.deletionTimestamp ? { uid: m.uid ?? "", deletionTimestamp: m.deletionTimestamp } : { uid: m.uid ?? "" };
}

/** Reads the bound objects from the registry (the store), for what the cache does not hold. */
export function registryLookup(registry: Registry): LiveBoundObjectLookup {
  const resources = { ServiceAccount: requireResource("", "v1", "serviceaccounts"), Pod: requireResource("", "v1", "pods") };
  return {
    async find(kind: BoundKind, ns: string, name: string) {
      if (kind === "Secret") return undefined;
      const obj = await registry.find(resources[kind], ns, name);
      return obj ? liveOf(obj) : undefined;
    },
  };
}

export class BoundObjectIndex implements BoundObjectLookup {
  readonly #registry: Registry;
  readonly #maps = new Map<BoundKind, Map<string, LiveObject>>();
  readonly #retryMs: number;

  constructor(registry: Registry, o: { retryMs?: number } = {}) {
    this.#registry = registry;
    this.#retryMs = o.retryMs ?? 1000;
  }

  find(kind: BoundKind, namespace: string, name: string): LiveObject | undefined {
    return this.#maps.get(kind)?.get(keyOf(namespace, name));
  }

  /**
   * Lists and watches service accounts and pods until `signal` aborts. Resolves `synced` (the
   * returned promise's companion) once both first lists are in; the run itself resolves on abort.
   */
  start(signal: AbortSignal): { synced: Promise<void>; done: Promise<void> } {
    const kinds: [BoundKind, ResourceInfo][] = [
      ["ServiceAccount", requireResource("", "v1", "serviceaccounts")],
      ["Pod", requireResource("", "v1", "pods")],
    ];
    const syncs: Promise<void>[] = [];
    const runs: Promise<void>[] = [];
    for (const [kind, r] of kinds) {
      let synced!: () => void;
      syncs.push(new Promise<void>((resolve) => (synced = resolve)));
      runs.push(this.#reflect(kind, r, signal, () => synced()));
    }
    return { synced: Promise.all(syncs).then(() => undefined), done: Promise.all(runs).then(() => undefined) };
  }

  #reflect(kind: BoundKind, r: ResourceInfo, signal: AbortSignal, onSynced: () => void): Promise<void> {
    let map = new Map<string, LiveObject>();
    return reflectResource(
      this.#registry,
      r,
      {
        // A relist is swapped in whole, so a lookup never sees a half-filled cache.
        replace: (items) => {
          map = new Map(items.map((obj) => [keyOf(obj.metadata.namespace, obj.metadata.name), liveOf(obj)]));
          this.#maps.set(kind, map);
        },
        event: (ev) => {
          const key = keyOf(ev.object.metadata.namespace, ev.object.metadata.name);
          if (ev.type === "DELETED") map.delete(key);
          else map.set(key, liveOf(ev.object));
        },
      },
      signal,
      { who: "token authenticator", onSynced, retryMs: this.#retryMs },
    );
  }
}
