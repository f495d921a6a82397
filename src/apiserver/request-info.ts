// Parses a request path into what it addresses: a discovery document, or a resource
// collection / object / subresource in a group-version and maybe a namespace.

export type RequestInfo =
  | { kind: "nonResource"; path: string }
  | {
      kind: "resource";
      group: string;
      version: string;
      /** Plural resource name as in the URL. */
      resource: string;
      namespace: string | undefined;
      name: string | undefined;
      subresource: string;
      /** The legacy /watch/ path prefix was used. */
      watchPrefix: boolean;
    };

/** Splits /api/v1/... and /apis/<group>/<version>/...; anything shorter is a non-resource path. */
export function parseRequestInfo(path: string): RequestInfo {
  const parts = path.split("/").filter((p) => p !== "");
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { kind: "nonResource", path };
  }
  let watchPrefix = false;
  if (rest[0] === "watch") {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}/... addresses namespaced resources; /namespaces[/{name}[/sub]] the namespaces themselves.
  const namespaceSubresource = rest[0] === "namespaces" && rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize");
  if (rest[0] === "namespaces" && rest.length >= 3 && !namespaceSubresource) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (!resource || rest.length > 3) return { kind: "nonResource", path };
  if (resource === "namespaces" && namespace === undefined && name !== undefined) {
    // /api/v1/namespaces/{name} and /api/v1/namespaces/{name}/{status|finalize}
    return { kind: "resource", group, version, resource, namespace: undefined, name, subresource: subresource ?? "", watchPrefix };
  }
  return { kind: "resource", group, version, resource, namespace, name, subresource: subresource ?? "", watchPrefix };
}
