// The RBAC objects a fresh svcnet cluster starts with, after Kubernetes' bootstrap policy
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy) cut down to the resources svcnet serves, plus
// roles for svcnet's own components. Each carries the label kubernetes.io/bootstrapping=rbac-defaults
// and the annotation rbac.authorization.kubernetes.io/autoupdate=true: the server reconciles them
// at every start (policy-reconcile.ts) unless an administrator sets the annotation to "false".
//
// Where svcnet differs from Kubernetes, and why:
// - system:node is bound to the group system:nodes. Kubernetes leaves that binding empty and
//   lets its Node authorizer decide; svcnet has no Node authorizer, and a node restriction
//   (an agent may only touch its own Node, Lease and pods) is enforced apart from RBAC.
// - A node agent also runs the service proxy and the LoadBalancer speaker under the node's
//   identity, so system:node-proxier and svcnet:loadbalancer-speaker are bound to system:nodes too.
// - Leases are granted by namespaced Roles where the namespace is fixed (node heartbeats in
//   kube-node-lease, speaker liveness in kube-system) instead of cluster-wide.
// - The controllers run in the server's process as kube-controller-manager does with
//   --use-service-account-credentials: the shared informers as system:kube-controller-manager
//   (list and watch of everything, its leader-election Lease, the controllers' service accounts),
//   each controller's writes as kube-system/<account> bound to system:controller:<account>.
//   Those roles keep Kubernetes' rules for what svcnet serves, cut to what each controller reads
//   and the writes it makes (no */finalizers: svcnet has no owner-reference admission that would
//   ask for them). system:controller:certificate-controller is defined with the CSR API. The
//   scheduler runs there too, as system:kube-scheduler, with only the writes it makes: its
//   informers are the controller manager's.
//
// Machines join as kubeadm's do (docs/joining-machines.md): the join token's group
// (JOIN_TOKEN_GROUP) may only create a CertificateSigningRequest for a node client certificate
// and read it back (system:node-bootstrapper), and have it approved automatically (…:nodeclient);
// the node then works with that certificate as system:node:<name> in system:nodes, which may
// renew it (…:selfnodeclient). The token itself holds no node rights.

import { deepCopy } from "../../api/json.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "../../api/rbac-types.js";
import { RBAC_GROUP } from "../../api/rbac-types.js";
import { KUBE_APISERVER_CLIENT_KUBELET_SIGNER, KUBE_APISERVER_CLIENT_SIGNER } from "../../api/certificates-types.js";
import { KUBELET_CLIENT_USER, NODES_GROUP } from "../user-groups.js";

export const BOOTSTRAPPING_LABEL = "kubernetes.io/bootstrapping";
export const AUTOUPDATE_ANNOTATION = "rbac.authorization.kubernetes.io/autoupdate";
/**
 * The group of the join tokens `svcnet server` and `svcnet token create` make (kubeadm's is
 * system:bootstrappers:kubeadm:default-node-token). A machine joining with one uses it only to
 * ask for its node client certificate (TLS bootstrap), so the group is bound to that and nothing
 * else: system:node-bootstrapper and automatic approval of node client requests.
 */
export const JOIN_TOKEN_GROUP = "system:bootstrappers:svcnet:default-node-token";

export interface BootstrapPolicy {
  clusterRoles: ClusterRole[];
  clusterRoleBindings: ClusterRoleBinding[];
  roles: Role[];
  roleBindings: RoleBinding[];
}

const read = ["get", "list", "watch"];
const write = ["create", "update", "patch", "delete", "deletecollection"];
const readWrite = [...read, ...write];
const listWatch = ["list", "watch"];

const CORE = "";
const APPS = "apps";
const AUTHN = "authentication.k8s.io";
const AUTHZ = "authorization.k8s.io";
const CERTIFICATES = "certificates.k8s.io";
const COORDINATION = "coordination.k8s.io";
const DISCOVERY = "discovery.k8s.io";
const EVENTS = "events.k8s.io";
const METALLB = "metallb.io";

function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  return { verbs, apiGroups, resources, ...(resourceNames ? { resourceNames } : {}) };
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, nonResourceURLs };
}

const eventsRule = rule(["create", "update", "patch"], [CORE, EVENTS], ["events"]);

const aggregateTo = (to: "admin" | "edit" | "view"): Record<string, string> => ({ [`rbac.authorization.k8s.io/aggregate-to-${to}`]: "true" });

function meta(name: string, o: { namespace?: string; labels?: Record<string, string> } = {}) {
  return {
    name,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    labels: { ...o.labels, [BOOTSTRAPPING_LABEL]: "rbac-defaults" },
    annotations: { [AUTOUPDATE_ANNOTATION]: "true" },
  };
}

function clusterRole(name: string, rules: PolicyRule[], o: { labels?: Record<string, string>; aggregate?: Record<string, string> } = {}): ClusterRole {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: "ClusterRole",
    metadata: meta(name, { labels: o.labels }),
    ...(o.aggregate ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: o.aggregate }] } } : { rules }),
  };
}

const group = (name: string): Subject => ({ kind: "Group", apiGroup: RBAC_GROUP, name });
const user = (name: string): Subject => ({ kind: "User", apiGroup: RBAC_GROUP, name });
const serviceAccount = (namespace: string, name: string): Subject => ({ kind: "ServiceAccount", name, namespace });

/** A binding of ClusterRole `role` (by default named as the role). */
function clusterRoleBinding(name: string, subjects: Subject[], role = name): ClusterRoleBinding {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: "ClusterRoleBinding", metadata: meta(name), roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role }, subjects };
}

/** The rules of a node agent's kubelet part (what src/agent reads and writes besides leases). */
const nodeRules: PolicyRule[] = [
  // Environment variables of containers name every service.
  rule(read, [CORE], ["services"]),
  // Registration and status. The node restriction confines an agent to its own Node.
  rule(["create", "get", "list", "watch", "update", "patch"], [CORE], ["nodes"]),
  rule(["update", "patch"], [CORE], ["nodes/status"]),
  eventsRule,
  // The pods bound to the node (an agent watches with spec.nodeName), their status, and the
  // deletion of pods it has finished stopping.
  rule(read, [CORE], ["pods"]),
  rule(["create", "delete"], [CORE], ["pods"]),
  rule(["update", "patch"], [CORE], ["pods/status"]),
  // Pods' volumes: ConfigMaps (kube-root-ca.crt), Secrets, and projected service account tokens.
  rule(read, [CORE], ["configmaps", "secrets"]),
  rule(["create"], [CORE], ["serviceaccounts/token"]),
  // The kubelet endpoint asks the API who may use it (as kubelet's webhook authentication and authorization).
  rule(["create"], [AUTHN], ["tokenreviews"]),
  rule(["create"], [AUTHZ], ["subjectaccessreviews"]),
  // Renewing its client certificate before it expires: a new request, sent with the current
  // certificate, watched until it is signed (csrapproving approves it through …:selfnodeclient).
  rule(["create", "get", "list", "watch"], [CERTIFICATES], ["certificatesigningrequests"]),
];

function clusterRoles(): ClusterRole[] {
  return [
    clusterRole("cluster-admin", [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])]),
    clusterRole("system:discovery", [
      urls(["get"], ["/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"]),
    ]),
    clusterRole("system:basic-user", [rule(["create"], [AUTHZ], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]), rule(["create"], [AUTHN], ["selfsubjectreviews"])]),
    clusterRole("system:public-info-viewer", [urls(["get"], ["/livez", "/readyz", "/healthz", "/version", "/version/"])]),
    clusterRole("admin", [], { aggregate: aggregateTo("admin") }),
    clusterRole("edit", [], { labels: aggregateTo("admin"), aggregate: aggregateTo("edit") }),
    clusterRole("view", [], { labels: aggregateTo("edit"), aggregate: aggregateTo("view") }),
    clusterRole(
      "system:aggregate-to-admin",
      [rule(["create"], [AUTHZ], ["localsubjectaccessreviews"]), rule(readWrite, [RBAC_GROUP], ["roles", "rolebindings"])],
      { labels: aggregateTo("admin") },
    ),
    clusterRole(
      "system:aggregate-to-edit",
      [
        // Reading these can reveal credentials or reach into containers, so view does not have it.
        rule(read, [CORE], ["pods/exec", "pods/portforward", "secrets"]),
        rule(["impersonate"], [CORE], ["serviceaccounts"]),
        rule(write, [CORE], ["pods", "pods/exec", "pods/portforward"]),
        rule(write, [CORE], ["replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "configmaps", "secrets"]),
        rule(["create"], [CORE], ["serviceaccounts/token"]),
        rule(write, [APPS], ["deployments", "deployments/scale", "replicasets", "replicasets/scale"]),
      ],
      { labels: aggregateTo("edit") },
    ),
    clusterRole(
      "system:aggregate-to-view",
      [
        rule(read, [CORE], ["pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status", "endpoints", "configmaps"]),
        rule(read, [CORE], ["events", "pods/status", "namespaces/status", "replicationcontrollers/status", "pods/log"]),
        // Reading namespaces inside one means reading that namespace: a hint of where one has access.
        rule(read, [CORE], ["namespaces"]),
        rule(read, [DISCOVERY], ["endpointslices"]),
        rule(read, [APPS], ["deployments", "deployments/status", "deployments/scale", "replicasets", "replicasets/status", "replicasets/scale"]),
      ],
      { labels: aggregateTo("view") },
    ),
    clusterRole("system:node", nodeRules),
    // Everything an agent's kubelet endpoint serves; bound to the API server's client certificate.
    clusterRole("system:kubelet-api-admin", [
      rule(read, [CORE], ["nodes"]),
      rule(["proxy"], [CORE], ["nodes"]),
      rule(["*"], [CORE], ["nodes/proxy", "nodes/metrics", "nodes/spec", "nodes/stats", "nodes/log"]),
    ]),
    clusterRole("system:node-proxier", [
      rule(listWatch, [CORE], ["services", "endpoints"]),
      rule(read, [CORE], ["nodes"]),
      eventsRule,
      rule(listWatch, [DISCOVERY], ["endpointslices"]),
    ]),
    // The cluster DNS (kubeadm's CoreDNS role).
    clusterRole("system:coredns", [rule(listWatch, [CORE], ["endpoints", "services", "pods", "namespaces"]), rule(listWatch, [DISCOVERY], ["endpointslices"])]),
    // The layer-2 speaker in each agent (src/agent/loadbalancer): what it reads to plan, and its Events.
    clusterRole("svcnet:loadbalancer-speaker", [
      rule(listWatch, [CORE], ["services", "nodes"]),
      rule(listWatch, [DISCOVERY], ["endpointslices"]),
      rule(listWatch, [METALLB], ["ipaddresspools", "l2advertisements"]),
      eventsRule,
    ]),
    // TLS bootstrap (kube's names): asking for a certificate and reading the request back, and the
    // permissions csrapproving checks (with a SubjectAccessReview) before approving one.
    clusterRole("system:node-bootstrapper", [rule(["create", "get", "list", "watch"], [CERTIFICATES], ["certificatesigningrequests"])]),
    clusterRole("system:certificates.k8s.io:certificatesigningrequests:nodeclient", [rule(["create"], [CERTIFICATES], ["certificatesigningrequests/nodeclient"])]),
    clusterRole("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [rule(["create"], [CERTIFICATES], ["certificatesigningrequests/selfnodeclient"])]),
    // For people who approve node client requests by hand (`kubectl certificate approve`); bound to nobody.
    clusterRole("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", [rule(["approve"], [CERTIFICATES], ["signers"], [KUBE_APISERVER_CLIENT_KUBELET_SIGNER])]),
    // csrapproving, csrsigning and csrcleaner.
    clusterRole("system:controller:certificate-controller", [
      rule(["get", "list", "watch", "delete"], [CERTIFICATES], ["certificatesigningrequests"]),
      rule(["update"], [CERTIFICATES], ["certificatesigningrequests/status", "certificatesigningrequests/approval"]),
      rule(["approve"], [CERTIFICATES], ["signers"], [KUBE_APISERVER_CLIENT_KUBELET_SIGNER]),
      rule(["sign"], [CERTIFICATES], ["signers"], [KUBE_APISERVER_CLIENT_SIGNER, KUBE_APISERVER_CLIENT_KUBELET_SIGNER]),
      rule(["create"], [AUTHZ], ["subjectaccessreviews"]),
      eventsRule,
    ]),
    clusterRole("system:kube-controller-manager", [
      eventsRule,
      // Leader election on Lease kube-system/kube-controller-manager.
      rule(["create"], [COORDINATION], ["leases"]),
      rule(["get", "update"], [COORDINATION], ["leases"], ["kube-controller-manager"]),
      // The service accounts the controllers act as (credentials are minted in-process, so
      // neither Secrets nor TokenRequests are needed).
      rule(["create", "get"], [CORE], ["serviceaccounts"]),
      rule(["create"], [AUTHN], ["tokenreviews"]),
      rule(["create"], [AUTHZ], ["subjectaccessreviews"]),
      // The shared informers.
      rule(listWatch, ["*"], ["*"]),
    ]),
    clusterRole("system:kube-scheduler", [
      eventsRule,
      // Its informers are the controller manager's; it reads a pod again only to write its status.
      rule(["get"], [CORE], ["pods"]),
      rule(["create"], [CORE], ["pods/binding"]),
      rule(["update"], [CORE], ["pods/status"]),
    ]),
    ...controllerRoles.map((c) => clusterRole(`${CONTROLLER_ROLE_PREFIX}${c.account}`, c.rules)),
  ];
}

/** Kubernetes' prefix of the controllers' roles and bindings (saRolePrefix). */
const CONTROLLER_ROLE_PREFIX = "system:controller:";

/**
 * Each controller's role, by the kube-system service account it acts as: what it reads (through
 * the shared informers, but Kubernetes grants it all the same) and the writes it makes.
 */
const controllerRoles: { account: string; rules: PolicyRule[] }[] = [
  {
    account: "deployment-controller",
    rules: [
      rule(read, [APPS], ["deployments"]),
      rule(["update"], [APPS], ["deployments/status"]),
      rule([...read, "create", "update", "patch", "delete"], [APPS], ["replicasets"]),
      rule(listWatch, [CORE], ["pods"]),
      eventsRule,
    ],
  },
  {
    account: "endpoint-controller",
    rules: [rule(read, [CORE], ["services", "pods"]), rule([...read, "create", "update", "delete"], [CORE], ["endpoints"]), eventsRule],
  },
  {
    account: "endpointslice-controller",
    rules: [rule(read, [CORE], ["services", "pods", "nodes"]), rule([...read, "create", "update", "delete"], [DISCOVERY], ["endpointslices"]), eventsRule],
  },
  {
    account: "endpointslicemirroring-controller",
    rules: [rule(read, [CORE], ["services", "endpoints"]), rule([...read, "create", "update", "delete"], [DISCOVERY], ["endpointslices"]), eventsRule],
  },
  {
    // Reads any owner by name, and deletes or edits (owner references, finalizers) any dependent.
    account: "generic-garbage-collector",
    rules: [rule([...read, "update", "delete"], ["*"], ["*"])],
  },
  {
    // Empties a namespace being deleted of every kind, then clears its finalizer.
    account: "namespace-controller",
    rules: [rule(read, [CORE], ["namespaces"]), rule(["update"], [CORE], ["namespaces/finalize"]), rule([...read, "delete", "deletecollection"], ["*"], ["*"])],
  },
  {
    // Node health: conditions and taints of nodes, pods marked not ready and evicted.
    account: "node-controller",
    rules: [
      rule([...read, "update"], [CORE], ["nodes"]),
      rule(["update"], [CORE], ["nodes/status"]),
      rule([...read, "delete"], [CORE], ["pods"]),
      rule(["update"], [CORE], ["pods/status"]),
      eventsRule,
    ],
  },
  {
    account: "replicaset-controller",
    rules: [rule(read, [APPS], ["replicasets"]), rule(["update"], [APPS], ["replicasets/status"]), rule([...listWatch, "create", "patch", "delete"], [CORE], ["pods"]), eventsRule],
  },
  {
    account: "replication-controller",
    rules: [
      rule(read, [CORE], ["replicationcontrollers"]),
      rule(["update"], [CORE], ["replicationcontrollers/status"]),
      rule([...listWatch, "create", "patch", "delete"], [CORE], ["pods"]),
      eventsRule,
    ],
  },
  { account: "root-ca-cert-publisher", rules: [rule(["create", "update"], [CORE], ["configmaps"])] },
  { account: "service-account-controller", rules: [rule(["create"], [CORE], ["serviceaccounts"])] },
  {
    // svcnet's LoadBalancer address controller: service status from the MetalLB address pools.
    account: "service-controller",
    rules: [
      rule(read, [CORE], ["services"]),
      rule(["update"], [CORE], ["services/status"]),
      rule(listWatch, [CORE], ["nodes"]),
      rule(read, [METALLB], ["ipaddresspools"]),
      rule(["update"], [METALLB], ["ipaddresspools/status"]),
      eventsRule,
    ],
  },
];

function clusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterRoleBinding("cluster-admin", [group("system:masters")]),
    clusterRoleBinding("system:discovery", [group("system:authenticated")]),
    clusterRoleBinding("system:basic-user", [group("system:authenticated")]),
    clusterRoleBinding("system:public-info-viewer", [group("system:authenticated"), group("system:unauthenticated")]),
    clusterRoleBinding("system:node", [group(NODES_GROUP)]),
    // kubeadm's binding for the API server's client certificate for node agents (apiserver-kubelet-client).
    clusterRoleBinding("kubeadm:apiserver-kubelet-client", [user(KUBELET_CLIENT_USER)], "system:kubelet-api-admin"),
    clusterRoleBinding("system:node-proxier", [user("system:kube-proxy"), group(NODES_GROUP)]),
    clusterRoleBinding("system:coredns", [serviceAccount("kube-system", "coredns")]),
    clusterRoleBinding("svcnet:loadbalancer-speaker", [group(NODES_GROUP)]),
    clusterRoleBinding("system:kube-controller-manager", [user("system:kube-controller-manager")]),
    clusterRoleBinding("system:kube-scheduler", [user("system:kube-scheduler")]),
    ...controllerRoles.map((c) => clusterRoleBinding(`${CONTROLLER_ROLE_PREFIX}${c.account}`, [serviceAccount("kube-system", c.account)])),
    clusterRoleBinding("system:controller:certificate-controller", [serviceAccount("kube-system", "certificate-controller")]),
    // kubeadm's three TLS bootstrap bindings, under svcnet's names.
    clusterRoleBinding("svcnet:kubelet-bootstrap", [group(JOIN_TOKEN_GROUP)], "system:node-bootstrapper"),
    clusterRoleBinding("svcnet:node-autoapprove-bootstrap", [group(JOIN_TOKEN_GROUP)], "system:certificates.k8s.io:certificatesigningrequests:nodeclient"),
    clusterRoleBinding("svcnet:node-autoapprove-certificate-rotation", [group(NODES_GROUP)], "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient"),
  ];
}

/** Leases, where the namespace is fixed: each node's heartbeat, and each speaker's liveness. */
const namespacedLeaseRoles: { namespace: string; name: string; verbs: string[] }[] = [
  { namespace: "kube-node-lease", name: "svcnet:node-lease", verbs: ["get", "create", "update", "patch", "delete"] },
  { namespace: "kube-system", name: "svcnet:loadbalancer-speaker", verbs: [...read, "create", "update", "patch", "delete"] },
];

/** A fresh copy of the whole default policy (callers may change what they get). */
export function bootstrapPolicy(): BootstrapPolicy {
  // Copied because roles share rule constants (eventsRule, nodeRules).
  return deepCopy({
    clusterRoles: clusterRoles(),
    clusterRoleBindings: clusterRoleBindings(),
    roles: namespacedLeaseRoles.map((r) => ({
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: "Role",
      metadata: meta(r.name, { namespace: r.namespace }),
      rules: [rule(r.verbs, [COORDINATION], ["leases"])],
    })),
    roleBindings: namespacedLeaseRoles.map((r) => ({
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: "RoleBinding",
      metadata: meta(r.name, { namespace: r.namespace }),
      roleRef: { apiGroup: RBAC_GROUP, kind: "Role", name: r.name },
      subjects: [group(NODES_GROUP)],
    })),
  });
}
