// What a node agent may do beyond what RBAC's system:node role grants every node: Kubernetes'
// NodeRestriction admission plugin and the graph part of its Node authorizer, in one place. RBAC
// lets the group system:nodes write Nodes, Leases and pod status and read Secrets and ConfigMaps;
// this confines each agent (user system:node:<name>) to its own Node and heartbeat Lease, to
// the pods bound to it, and to the Secrets, ConfigMaps and service account tokens those pods
// refer to — so that a stolen node credential is worth one node, not the cluster.
//
// Pure: the caller supplies the objects involved (the current one for an update or delete, the
// new one for a create) and a lookup of the pods bound to the node. The messages follow
// Kubernetes' wording.

import type { KubeObject, Pod } from "../../api/types.js";
import type { ReferencedKind } from "./pod-references.js";
import { podReferences } from "./pod-references.js";
import { isMutatingVerb } from "../request-verb.js";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";

/** One request as the restriction sees it. */
export interface NodeRequest {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  /** The addressed object's name; for a create, the new object's. */
  name: string;
  /** The object as it is before this request (update, patch, delete), if it exists. */
  current?: KubeObject;
  /** The object the request would write (create, update, patch) or the request body (a TokenRequest). */
  incoming?: KubeObject;
}

/** What the restriction may look up: the pods bound to a node (from the server's cache). */
export interface NodeRestrictionLookup {
  podsOnNode(node: string, namespace: string): Pod[];
  pod(namespace: string, name: string): Pod | undefined;
}

/**
 * Whether nodeRestriction judges requests on this resource (for any other it answers undefined
 * whatever the request): so a caller decodes a create's body only where it may matter — the
 * name of a new Node or Lease, a TokenRequest's pod, the name a refused create's message shows.
 */
export function isNodeRestricted(r: Pick<NodeRequest, "apiGroup" | "resource" | "subresource" | "namespace">): boolean {
  if (r.apiGroup === "coordination.k8s.io") return r.resource === "leases" && r.namespace === NODE_LEASE_NAMESPACE;
  if (r.apiGroup !== "") return false;
  if (r.resource === "nodes" || r.resource === "pods") return true;
  if (r.resource === "serviceaccounts") return r.subresource === "token";
  return (r.resource === "secrets" || r.resource === "configmaps") && r.subresource === "";
}

/**
 * undefined when node `node` may make this request; otherwise why not (the Forbidden message).
 * Only requests RBAC already allowed reach here; anything not named below is left to RBAC.
 */
export function nodeRestriction(node: string, req: NodeRequest, lookup: NodeRestrictionLookup): string | undefined {
  if (node === "") return "node identity must be of the form system:node:<name>";
  const write = isMutatingVerb(req.verb);
  if (req.apiGroup === "" && req.resource === "nodes") {
    if (!write) return undefined;
    if (req.verb === "deletecollection") return `node "${node}" is not allowed to delete nodes`;
    return req.name === node ? undefined : `node "${node}" is not allowed to modify node "${req.name}"`;
  }
  if (req.apiGroup === "coordination.k8s.io" && req.resource === "leases" && req.namespace === NODE_LEASE_NAMESPACE) {
    if (!write) return undefined;
    return req.name === node ? undefined : `node "${node}" can only access leases with the same name as the requesting node`;
  }
  if (req.apiGroup === "" && req.resource === "pods") return podRestriction(node, req);
  if (req.apiGroup === "" && req.resource === "serviceaccounts" && req.subresource === "token") return tokenRestriction(node, req, lookup);
  if (req.apiGroup === "" && (req.resource === "secrets" || req.resource === "configmaps") && req.subresource === "") {
    return referencedRead(node, req.resource, req, lookup);
  }
  return undefined;
}

function boundTo(pod: KubeObject | undefined): string | undefined {
  return (pod as Pod | undefined)?.spec?.nodeName;
}

function podRestriction(node: string, req: NodeRequest): string | undefined {
  if (req.verb === "get" || req.verb === "list" || req.verb === "watch") return undefined;
  if (req.subresource === "status") {
    return boundTo(req.current) === node ? undefined : `node "${node}" can only update pod status for pods with spec.nodeName set to itself`;
  }
  if (req.subresource === "eviction" || (req.subresource === "" && req.verb === "delete")) {
    return boundTo(req.current) === node ? undefined : `node "${node}" can only delete pods with spec.nodeName set to itself`;
  }
  if (req.subresource === "" && req.verb === "create") {
    // Kubernetes lets a node create only mirror pods of its static pods; svcnet has none.
    return `node "${node}" can only create mirror pods, and svcnet runs no static pods`;
  }
  return `node "${node}" is not allowed to ${req.verb} pods${req.subresource ? `/${req.subresource}` : ""}`;
}

function tokenRestriction(node: string, req: NodeRequest, lookup: NodeRestrictionLookup): string | undefined {
  if (req.verb !== "create") return undefined;
  const spec = (req.incoming as { spec?: { boundObjectRef?: { kind?: string; name?: string; uid?: string } } } | undefined)?.spec;
  const ref = spec?.boundObjectRef;
  if (!ref || ref.kind !== "Pod" || !ref.name) return `node requested token not bound to a pod`;
  const pod = lookup.pod(req.namespace, ref.name);
  if (!pod) return `node requested token bound to a pod that does not exist`;
  if (ref.uid && pod.metadata.uid !== ref.uid) return `the UID in the bound object reference (${ref.uid}) does not match the UID in record (${pod.metadata.uid ?? ""})`;
  if (pod.spec.nodeName !== node) return `node requested token bound to a pod scheduled on a different node`;
  const sa = pod.spec.serviceAccountName ?? pod.spec.serviceAccount ?? "default";
  if (sa !== req.name) return `node requested token for service account "${req.name}" but pod "${pod.metadata.name ?? ""}" runs as "${sa}"`;
  return undefined;
}

function referencedRead(node: string, kind: ReferencedKind, req: NodeRequest, lookup: NodeRestrictionLookup): string | undefined {
  // Kubernetes' Node authorizer answers a get (and a list or watch narrowed to one name); never a write or an open list.
  if (isMutatingVerb(req.verb) || req.name === "") return `node "${node}" may read ${kind} only by name, and only those its pods use`;
  for (const pod of lookup.podsOnNode(node, req.namespace)) {
    if (podReferences(pod)[kind].has(req.name)) return undefined;
  }
  return `no relationship found between node '${node}' and this object`;
}
