// The API server's authorization stages, between authentication and the handlers (kube-apiserver
// runs them as filters and admission): impersonation (`kubectl --as`), then the authorizers —
// the group system:masters first, as kube-apiserver's privileged-group authorizer, then RBAC over
// an in-memory index of the policy — then, for node agents, the node restriction. The RBAC write
// checks (escalate, bind) run where the written object is final (see rbacWriteCheck). Every refusal
// is a 403 Status in Kubernetes' words. The CertificateSigningRequest admission plugins ask this
// authorizer too (csrWriteCheck).

import { CERTIFICATES_GROUP } from "../api/certificates-types.js";
import { ApiError } from "../api/errors.js";
import { RBAC_GROUP } from "../api/rbac-types.js";
import type { ClusterRole, Role, RoleBinding, SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview } from "../api/rbac-types.js";
import { requireResource } from "../api/resources.js";
import type { KubeObject, Pod } from "../api/types.js";
import type { Registry } from "../registry/registry.js";
import { csrAdmission } from "./certificates/csr-admission.js";
import { localSubjectAccessReview, selfSubjectAccessReview, selfSubjectRulesReview, subjectAccessReview } from "./authorization/access-review.js";
import type { AuthorizationAttributes } from "./authorization/attributes.js";
import type { AuthorizationResult, Authorizer, RuleResolver, SubjectRules } from "./authorization/authorizer.js";
import type { EscalationContext } from "./authorization/escalation.js";
import { checkBindingWrite, checkRoleWrite } from "./authorization/escalation.js";
import { forbiddenError } from "./authorization/forbidden.js";
import type { HeaderValues } from "./authorization/impersonation.js";
import { impersonate } from "./authorization/impersonation.js";
import { reflectRbacPolicy } from "./authorization/policy-reflector.js";
import { RbacAuthorizer } from "./authorization/rbac-authorizer.js";
import { RbacPolicyIndex } from "./authorization/rbac-policy-source.js";
import type { NodeRequest } from "./noderestriction/node-restriction.js";
import { nodeRestriction } from "./noderestriction/node-restriction.js";
import { MASTERS_GROUP, nodeOf } from "./user-groups.js";
import type { ReviewInput } from "./review-handler.js";
import type { UserInfo } from "./user-info.js";

export class AccessControl implements Authorizer, RuleResolver {
  readonly #registry: Registry;
  readonly #index = new RbacPolicyIndex();
  readonly #rbac = new RbacAuthorizer(this.#index);
  readonly #escalation: EscalationContext;

  constructor(registry: Registry) {
    this.#registry = registry;
    this.#escalation = {
      authorizer: this,
      policyRulesFor: (user, ns) => this.#rbac.policyRulesFor(user, ns),
      roleRefRules: (ref, ns) => this.#rbac.roleRefRules(ref, ns),
    };
  }

  /** Fills the policy index from the store and keeps it current; resolves once it holds the whole policy. */
  start(signal: AbortSignal): Promise<void> {
    return reflectRbacPolicy(this.#registry, this.#index, signal).synced;
  }

  authorize(attrs: AuthorizationAttributes): AuthorizationResult {
    if (attrs.user.groups.includes(MASTERS_GROUP)) return { decision: "allow", reason: "" };
    return this.#rbac.authorize(attrs);
  }

  rulesFor(user: UserInfo, namespace: string): SubjectRules {
    return this.#rbac.rulesFor(user, namespace);
  }

  /** The user the request runs as: the requester, or whom its Impersonate-* headers name if it may impersonate them. */
  impersonation(requester: UserInfo, headers: HeaderValues): UserInfo {
    const outcome = impersonate(this, requester, headers);
    if (outcome.kind === "refused") throw outcome.error;
    return outcome.kind === "impersonate" ? outcome.user : requester;
  }

  /** Throws the 403 when no authorizer allows `attrs`. */
  check(attrs: AuthorizationAttributes): void {
    const got = this.authorize(attrs);
    if (got.decision !== "allow") throw forbiddenError(attrs, got.reason);
  }

  /**
   * For node agents (system:node:<name>), the node restriction: throws a 403 when the request
   * reaches beyond the node's own objects. `incoming` is the decoded body of a create or a
   * TokenRequest when the caller has it. Anyone else passes untouched.
   */
  async restrictNode(attrs: AuthorizationAttributes, incoming: KubeObject | undefined): Promise<void> {
    const node = nodeOf(attrs.user);
    if (node === undefined || !attrs.resourceRequest) return;
    const req: NodeRequest = {
      verb: attrs.verb,
      apiGroup: attrs.apiGroup,
      resource: attrs.resource,
      subresource: attrs.subresource,
      namespace: attrs.namespace,
      name: attrs.name || (incoming?.metadata?.name ?? ""),
      incoming,
    };
    const pods = requireResource("", "v1", "pods");
    let onNode: Pod[] = [];
    const bound = new Map<string, Pod | undefined>();
    if (attrs.apiGroup === "" && attrs.resource === "pods" && attrs.name !== "" && attrs.verb !== "get" && attrs.verb !== "list" && attrs.verb !== "watch") {
      req.current = (await this.#registry.find(pods, attrs.namespace, attrs.name)) as Pod | undefined;
    }
    if (attrs.apiGroup === "" && (attrs.resource === "secrets" || attrs.resource === "configmaps") && attrs.name !== "") {
      onNode = (await this.#registry.list(pods, attrs.namespace, { resourceVersion: "0", fieldSelector: [{ field: "spec.nodeName", op: "=", value: node }] })).items as Pod[];
    }
    const ref = (incoming as { spec?: { boundObjectRef?: { name?: string } } } | undefined)?.spec?.boundObjectRef;
    if (attrs.resource === "serviceaccounts" && attrs.subresource === "token" && ref?.name) {
      bound.set(ref.name, (await this.#registry.find(pods, attrs.namespace, ref.name)) as Pod | undefined);
    }
    const refused = nodeRestriction(node, req, {
      podsOnNode: () => onNode,
      pod: (_ns, name) => bound.get(name),
    });
    if (refused) throw ApiError.forbidden({ group: attrs.apiGroup, resource: attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource }, req.name, refused);
  }

  /** Answers an access review (kubectl auth can-i, can-i --list, and SubjectAccessReviews) with this authorizer. */
  review(input: ReviewInput): KubeObject {
    const { resource, object, user } = input;
    if (!user) throw ApiError.badRequest("no user present on request");
    switch (resource.resource) {
      case "selfsubjectaccessreviews":
        return selfSubjectAccessReview(this, user, object as SelfSubjectAccessReview);
      case "selfsubjectrulesreviews":
        return selfSubjectRulesReview(this, user, object as SelfSubjectRulesReview);
      case "subjectaccessreviews":
        return subjectAccessReview(this, object as SubjectAccessReview);
      case "localsubjectaccessreviews":
        return localSubjectAccessReview(this, object as SubjectAccessReview);
    }
    throw ApiError.notFoundPath();
  }

  /**
   * Kubernetes' RBAC escalation prevention, for a write of a Role, ClusterRole or binding whose
   * final object is `obj` (and `old` before it): throws the 403 (or the 404 of a missing role)
   * when the writer would grant what it does not hold. Other resources pass.
   */
  rbacWriteCheck(user: UserInfo, resource: { group: string; resource: string }, obj: KubeObject, old: KubeObject | undefined): void {
    if (resource.group !== RBAC_GROUP) return;
    const namespace = obj.metadata.namespace ?? "";
    const name = obj.metadata.name ?? "";
    let refused: ApiError | undefined;
    if (resource.resource === "roles" || resource.resource === "clusterroles") {
      const role = obj as Role | ClusterRole;
      const aggregation = hasAggregation(obj) || (old !== undefined && hasAggregation(old));
      refused = checkRoleWrite(this.#escalation, user, { resource: resource.resource, namespace, name, rules: role.rules ?? [], aggregation, create: old === undefined });
    } else if (resource.resource === "rolebindings" || resource.resource === "clusterrolebindings") {
      refused = checkBindingWrite(this.#escalation, user, { resource: resource.resource, namespace, name, roleRef: (obj as RoleBinding).roleRef });
    }
    if (refused) throw refused;
  }

  /**
   * The CertificateSigningRequest admission plugins (certificates/csr-admission.ts) for a write
   * of `subresource` ("" for the main resource) whose final object is `obj`: throws the 403 when
   * the writer may not approve or sign for the request's signer, or asks for system:masters.
   * Other resources pass.
   */
  csrWriteCheck(user: UserInfo, resource: { group: string; resource: string }, subresource: string, obj: KubeObject, old: KubeObject | undefined): void {
    if (resource.group !== CERTIFICATES_GROUP || resource.resource !== "certificatesigningrequests") return;
    const refused = csrAdmission(this, { user, subresource, obj, old });
    if (refused) throw refused;
  }
}

function hasAggregation(obj: KubeObject): boolean {
  return ((obj as ClusterRole).aggregationRule?.clusterRoleSelectors ?? []).length > 0;
}
