// Discovery documents built from the resource catalog: legacy (/api, /apis, /api/v1,
// /apis/<g>, /apis/<g>/<v>) and aggregated apidiscovery.k8s.io/v2 (and v2beta1) for /api and /apis.

import type { JsonObject } from "../api/json.js";
import { groupVersionOf, resources, servedGroups } from "../api/resources.js";
import type { ResourceInfo } from "../api/resources.js";

export const aggregatedContentType = (version: "v2" | "v2beta1"): string =>
  `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;

/** Which aggregated discovery version the Accept header asks for first, if any. */
export function wantsAggregated(accept: string | undefined): "v2" | "v2beta1" | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(",")) {
    const params = new Map(
      part
        .split(";")
        .slice(1)
        .map((p) => p.trim().split("=") as [string, string]),
    );
    if (params.get("g") === "apidiscovery.k8s.io" && params.get("as") === "APIGroupDiscoveryList") {
      const v = params.get("v");
      if (v === "v2" || v === "v2beta1") return v;
    }
  }
  return undefined;
}

function groupVersion(group: string, version: string): JsonObject {
  return { groupVersion: group ? `${group}/${version}` : version, version };
}

export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function apiGroup(group: string): JsonObject {
  const versions = servedGroups()
    .filter((g) => g.group === group)
    .map((g) => groupVersion(g.group, g.version));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(): JsonObject {
  const names = [...new Set(servedGroups().map((g) => g.group))].filter((g) => g !== "");
  return { kind: "APIGroupList", apiVersion: "v1", groups: names.map(apiGroup) };
}

export function apiGroupDocument(group: string): JsonObject | undefined {
  if (!servedGroups().some((g) => g.group === group && group !== "")) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...apiGroup(group) };
}

function resourceEntries(r: ResourceInfo): JsonObject[] {
  const main: JsonObject = {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames.length) main.shortNames = r.shortNames;
  if (r.categories.length) main.categories = r.categories;
  const subs = r.subresources.map((s) => {
    const e: JsonObject = { name: `${r.resource}/${s.name}`, singularName: "", namespaced: r.namespaced, kind: s.kind, verbs: s.verbs };
    if (s.group !== r.group || s.version !== r.version) {
      e.group = s.group;
      e.version = s.version;
    }
    return e;
  });
  return [main, ...subs];
}

export function apiResourceList(group: string, version: string): JsonObject | undefined {
  const rs = resources.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersionOf({ group, version }), resources: rs.flatMap(resourceEntries) };
}

function discoveryResource(r: ResourceInfo): JsonObject {
  const e: JsonObject = {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: r.verbs,
  };
  if (r.shortNames.length) e.shortNames = r.shortNames;
  if (r.categories.length) e.categories = r.categories;
  if (r.subresources.length) {
    e.subresources = r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group, version: s.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return e;
}

/** The aggregated document for /api (core) or /apis (every named group). */
export function aggregatedDiscovery(legacy: boolean, version: "v2" | "v2beta1"): JsonObject {
  const groups = [...new Set(servedGroups().map((g) => g.group))].filter((g) => (legacy ? g === "" : g !== ""));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g },
      versions: servedGroups()
        .filter((x) => x.group === g)
        .map((x) => ({
          version: x.version,
          resources: resources.filter((r) => r.group === g && r.version === x.version).map(discoveryResource),
          freshness: "Current",
        })),
    })),
  };
}
