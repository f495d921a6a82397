// Request paths for a resource, and the ways a hostile client bends them: names that are dot
// segments, NUL bytes or megabytes long, empty and repeated slashes, the legacy /watch/ prefix
// where it means nothing, versions and groups that are not served, one segment too many.

import type { ResourceInfo } from "../../api/resources.js";
import { awkwardStrings } from "./hostile-values.js";
import type { Random } from "./random.js";

export interface PathParts {
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** The path of a collection, object or subresource as kube-apiserver serves it. */
export function resourcePath(r: ResourceInfo, p: PathParts): string {
  const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  let path = r.namespaced && p.namespace !== undefined ? `${root}/namespaces/${p.namespace}/${r.resource}` : `${root}/${r.resource}`;
  if (p.name !== undefined) path += `/${p.name}`;
  if (p.subresource !== undefined) path += `/${p.subresource}`;
  return path;
}

/** Names no object can have. */
const impossibleNames: readonly string[] = [...awkwardStrings, "x".repeat(10_000), "UPPER", "-lead", "trail-", "a".repeat(254)];

/**
 * The path with one hostile change. The result is still under the given namespace (or none),
 * so a write to it cannot reach objects outside the namespace the caller chose.
 */
export function bendPath(rng: Random, r: ResourceInfo, p: PathParts): { path: string; name: string } {
  const base = resourcePath(r, p);
  switch (rng.int(9)) {
    case 0: {
      const name = rng.pick(impossibleNames);
      return { path: resourcePath(r, { ...p, name }), name: `name ${JSON.stringify(name.slice(0, 20))}` };
    }
    case 1:
      return { path: base.replace(/\//g, "//"), name: "doubled slashes" };
    case 2:
      return { path: `${base}/`, name: "trailing slash" };
    case 3:
      return { path: base.replace(`/${r.version}/`, `/${r.version}/watch/`), name: "/watch/ prefix" };
    case 4:
      return { path: base.replace(`/${r.version}/`, `/${rng.pick(["v2", "v1beta1", "V1", ""])}/`), name: "another version" };
    case 5:
      return { path: `${base}/${rng.pick(["extra", "status", "..", "x/y"])}`, name: "a segment too many" };
    case 6:
      return { path: base.replace(`/${r.resource}`, `/${rng.pick([r.resource.toUpperCase(), r.singular, r.kind, `${r.resource}s`])}`), name: "resource misspelt" };
    case 7:
      return { path: base.replace("/apis/", "/api/").replace("/api/v1/", "/apis/v1/"), name: "group prefix swapped" };
    default:
      return { path: base + "\u0000", name: "trailing NUL" };
  }
}
