// What the page knows of the cluster: nodes, pods, services and endpoints by "namespace/name",
// kept current from lists and watch events (the page's informers, in miniature). Pure, no DOM: the
// page feeds it and redraws from it; tests feed it directly. Objects are replaced, never mutated.

import type { Endpoints, KubeObject, Node, Pod, Service } from "../../api/types.js";

export type Kind = "nodes" | "pods" | "services" | "endpoints";

export interface WatchEventOf<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

/** "namespace/name", or "name" for cluster-scoped objects (Nodes). */
export function objectKey(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return ns ? `${ns}/${o.metadata.name ?? ""}` : (o.metadata.name ?? "");
}

export class ClusterState {
  readonly nodes = new Map<string, Node>();
  readonly pods = new Map<string, Pod>();
  readonly services = new Map<string, Service>();
  readonly endpoints = new Map<string, Endpoints>();
  /** Bumped on every change, so a view can skip redrawing when nothing changed. */
  generation = 0;

  #map(kind: Kind): Map<string, KubeObject> {
    return this[kind] as Map<string, KubeObject>;
  }

  /** Replaces everything of `kind` with a fresh list (after a list, or a relist when a watch expired). */
  replace(kind: Kind, items: readonly KubeObject[]): void {
    const m = this.#map(kind);
    m.clear();
    for (const o of items) m.set(objectKey(o), o);
    this.generation++;
  }

  /** Applies one watch event; bookmarks and errors change nothing. Returns whether anything changed. */
  apply(kind: Kind, ev: WatchEventOf<KubeObject>): boolean {
    const m = this.#map(kind);
    if (ev.type === "ADDED" || ev.type === "MODIFIED") m.set(objectKey(ev.object), ev.object);
    else if (ev.type === "DELETED") m.delete(objectKey(ev.object));
    else return false;
    this.generation++;
    return true;
  }
}
