// REST paths of the Kubernetes API, built from the resource catalog: pure string building.

import type { ResourceInfo } from "../api/resources.js";

/** Where an API call goes: the resource, and optionally namespace, name and subresource. */
export interface PathTarget {
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * The path for `r` and `t`: /api/v1/… for the core group, /apis/<group>/<version>/… for the
 * rest. The namespace is ignored for cluster-scoped resources; a namespaced object (one with
 * a name) without a namespace throws TypeError, as does a subresource without a name.
 * Segments are percent-encoded.
 */
export function resourcePath(r: Pick<ResourceInfo, "group" | "version" | "resource" | "namespaced">, t: PathTarget = {}): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && t.namespace) p += `/namespaces/${encodeURIComponent(t.namespace)}`;
  else if (r.namespaced && t.name !== undefined) throw new TypeError(`${r.resource} "${t.name}": a namespace is required`);
  p += `/${r.resource}`;
  if (t.name !== undefined) {
    if (t.name === "") throw new TypeError(`${r.resource}: an object name is required`);
    p += `/${encodeURIComponent(t.name)}`;
  }
  if (t.subresource) {
    if (t.name === undefined) throw new TypeError(`${r.resource}/${t.subresource}: an object name is required`);
    p += `/${t.subresource}`;
  }
  return p;
}
