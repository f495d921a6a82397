// Where objects live in the store: /registry/<group or "core">/<resource>/[<namespace>/]<name>.
// Prefixes end in "/" so that listing "pods/default/" never picks up "pods/default2/…".

import type { ResourceInfo } from "../api/resources.js";

export const registryRoot = "/registry/";

export function resourcePrefix(r: Pick<ResourceInfo, "group" | "resource">): string {
  return `${registryRoot}${r.group || "core"}/${r.resource}/`;
}

/** The prefix for a list: one namespace, or all namespaces / cluster-scoped when ns is undefined. */
export function listPrefix(r: Pick<ResourceInfo, "group" | "resource" | "namespaced">, ns: string | undefined): string {
  return r.namespaced && ns ? `${resourcePrefix(r)}${ns}/` : resourcePrefix(r);
}

export function objectKey(r: Pick<ResourceInfo, "group" | "resource" | "namespaced">, ns: string | undefined, name: string): string {
  return r.namespaced ? `${resourcePrefix(r)}${ns ?? ""}/${name}` : `${resourcePrefix(r)}${name}`;
}
