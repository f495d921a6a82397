// Flow schemas, as flowcontrol.apiserver.k8s.io/v1 FlowSchema describes them: which requests
// (who, doing what, to what) go to which priority level, and how a level's requests divide into
// flows that are queued fairly against each other (by user name, or by namespace). The schema
// with the lowest matchingPrecedence that matches wins; ties go to the name that sorts first.
// The suggested schemas are kube-apiserver's.

/** Who sent a request, as classification sees it: authenticated users are in system:authenticated. */
export interface FlowUser {
  name: string;
  groups: readonly string[];
}

export type FlowTarget =
  | { kind: "resource"; apiGroup: string; resource: string; subresource: string; namespace: string | undefined }
  | { kind: "nonResource"; path: string };

/** What classification looks at (kube's RequestDigest). */
export interface RequestDigest {
  user: FlowUser;
  /** The Kubernetes verb (request-verb.ts). */
  verb: string;
  target: FlowTarget;
}

/** "*" as a name matches every user, group, or service account of the namespace. */
export type Subject =
  | { kind: "User"; name: string }
  | { kind: "Group"; name: string }
  | { kind: "ServiceAccount"; namespace: string; name: string };

export interface ResourceRule {
  verbs: readonly string[];
  apiGroups: readonly string[];
  /** Plural resources, "resource/subresource" for a subresource, "*" for all. */
  resources: readonly string[];
  /** Namespaces a namespaced request must be in ("*": any). */
  namespaces?: readonly string[];
  /** Whether cluster-scoped requests match. */
  clusterScope?: boolean;
}

export interface NonResourceRule {
  verbs: readonly string[];
  /** Exact paths, "/prefix/*" for everything below a prefix, "*" for all. */
  nonResourceURLs: readonly string[];
}

export interface PolicyRules {
  subjects: readonly Subject[];
  resourceRules?: readonly ResourceRule[];
  nonResourceRules?: readonly NonResourceRule[];
}

export interface FlowSchema {
  name: string;
  priorityLevel: string;
  matchingPrecedence: number;
  /** How requests divide into flows; absent: the whole schema is one flow. */
  distinguisher?: "ByUser" | "ByNamespace";
  rules: readonly PolicyRules[];
}

/** A request's classification: its schema, and the flow (fair queueing's unit) it belongs to. */
export interface Classification {
  flowSchema: FlowSchema;
  /** The flow: the schema's name and the distinguisher's value. */
  flow: string;
}

const serviceAccountPrefix = "system:serviceaccount:";

function subjectMatches(s: Subject, user: FlowUser): boolean {
  switch (s.kind) {
    case "User":
      return s.name === "*" || s.name === user.name;
    case "Group":
      return s.name === "*" || user.groups.includes(s.name);
    case "ServiceAccount": {
      if (!user.name.startsWith(serviceAccountPrefix)) return false;
      const [ns, name] = user.name.slice(serviceAccountPrefix.length).split(":");
      return ns === s.namespace && (s.name === "*" || s.name === name);
    }
  }
}

const has = (list: readonly string[], v: string): boolean => list.includes("*") || list.includes(v);

function resourceRuleMatches(r: ResourceRule, verb: string, t: Extract<FlowTarget, { kind: "resource" }>): boolean {
  if (!has(r.verbs, verb) || !has(r.apiGroups, t.apiGroup)) return false;
  const resource = t.subresource ? `${t.resource}/${t.subresource}` : t.resource;
  if (!has(r.resources, resource)) return false;
  return t.namespace === undefined ? r.clusterScope === true : has(r.namespaces ?? [], t.namespace);
}

function nonResourceRuleMatches(r: NonResourceRule, verb: string, path: string): boolean {
  if (!has(r.verbs, verb)) return false;
  return r.nonResourceURLs.some((u) => u === "*" || u === path || (u.endsWith("/*") && path.startsWith(u.slice(0, -1))));
}

function rulesMatch(p: PolicyRules, d: RequestDigest): boolean {
  if (!p.subjects.some((s) => subjectMatches(s, d.user))) return false;
  const t = d.target;
  if (t.kind === "resource") return (p.resourceRules ?? []).some((r) => resourceRuleMatches(r, d.verb, t));
  return (p.nonResourceRules ?? []).some((r) => nonResourceRuleMatches(r, d.verb, t.path));
}

/** Schemas in the order they are tried: matchingPrecedence, then name. */
export function orderSchemas(schemas: readonly FlowSchema[]): FlowSchema[] {
  return [...schemas].sort((a, b) => a.matchingPrecedence - b.matchingPrecedence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The first schema of `ordered` (see orderSchemas) that matches, and the request's flow; undefined if none does. */
export function classify(d: RequestDigest, ordered: readonly FlowSchema[]): Classification | undefined {
  for (const fs of ordered) {
    if (!fs.rules.some((p) => rulesMatch(p, d))) continue;
    let distinguisher = "";
    if (fs.distinguisher === "ByUser") distinguisher = d.user.name;
    else if (fs.distinguisher === "ByNamespace" && d.target.kind === "resource") distinguisher = d.target.namespace ?? "";
    return { flowSchema: fs, flow: `${fs.name}/${distinguisher}` };
  }
  return undefined;
}

const everything: Pick<PolicyRules, "resourceRules" | "nonResourceRules"> = {
  resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: ["*"], clusterScope: true }],
  nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
};
const group = (name: string): Subject => ({ kind: "Group", name });
const user = (name: string): Subject => ({ kind: "User", name });
const kubeSystemServiceAccounts: Subject = { kind: "ServiceAccount", namespace: "kube-system", name: "*" };

/** kube-apiserver's mandatory and suggested flow schemas (v1.29 and later) that apply to svcnet. */
export const suggestedFlowSchemas: readonly FlowSchema[] = [
  { name: "exempt", priorityLevel: "exempt", matchingPrecedence: 1, rules: [{ subjects: [group("system:masters")], ...everything }] },
  {
    name: "probes",
    priorityLevel: "exempt",
    matchingPrecedence: 2,
    rules: [
      {
        subjects: [group("system:unauthenticated"), group("system:authenticated")],
        nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/readyz", "/livez"] }],
      },
    ],
  },
  {
    name: "system-leader-election",
    priorityLevel: "leader-election",
    matchingPrecedence: 100,
    distinguisher: "ByUser",
    rules: [
      {
        subjects: [user("system:kube-controller-manager"), user("system:kube-scheduler"), kubeSystemServiceAccounts],
        resourceRules: [
          { verbs: ["get", "create", "update"], apiGroups: [""], resources: ["endpoints", "configmaps"], namespaces: ["kube-system"] },
          { verbs: ["get", "create", "update"], apiGroups: ["coordination.k8s.io"], resources: ["leases"], namespaces: ["*"] },
        ],
      },
    ],
  },
  {
    // The endpoints controller's writes go ahead of the other workload controllers' (kube's
    // endpoint-controller schema): a Service's endpoints lag its pods as little as possible.
    name: "endpoint-controller",
    priorityLevel: "workload-high",
    matchingPrecedence: 150,
    distinguisher: "ByUser",
    rules: [
      {
        subjects: [user("system:kube-controller-manager"), { kind: "ServiceAccount", namespace: "kube-system", name: "endpoint-controller" }],
        resourceRules: [{ verbs: ["get", "create", "update"], apiGroups: [""], resources: ["endpoints"], namespaces: ["*"] }],
      },
    ],
  },
  {
    name: "workload-leader-election",
    priorityLevel: "leader-election",
    matchingPrecedence: 200,
    distinguisher: "ByUser",
    rules: [
      {
        subjects: [kubeSystemServiceAccounts],
        resourceRules: [
          { verbs: ["get", "create", "update"], apiGroups: [""], resources: ["endpoints", "configmaps"], namespaces: ["*"] },
          { verbs: ["get", "create", "update"], apiGroups: ["coordination.k8s.io"], resources: ["leases"], namespaces: ["*"] },
        ],
      },
    ],
  },
  {
    // Node health (status and heartbeats) stays apart from the rest of the nodes' traffic.
    name: "system-node-high",
    priorityLevel: "node-high",
    matchingPrecedence: 400,
    distinguisher: "ByUser",
    rules: [
      {
        subjects: [group("system:nodes")],
        resourceRules: [
          { verbs: ["*"], apiGroups: [""], resources: ["nodes", "nodes/status"], clusterScope: true },
          { verbs: ["*"], apiGroups: ["coordination.k8s.io"], resources: ["leases"], namespaces: ["*"] },
        ],
      },
    ],
  },
  { name: "system-nodes", priorityLevel: "system", matchingPrecedence: 500, distinguisher: "ByUser", rules: [{ subjects: [group("system:nodes")], ...everything }] },
  {
    name: "kube-controller-manager",
    priorityLevel: "workload-high",
    matchingPrecedence: 800,
    distinguisher: "ByNamespace",
    rules: [{ subjects: [user("system:kube-controller-manager")], ...everything }],
  },
  { name: "kube-scheduler", priorityLevel: "workload-high", matchingPrecedence: 800, distinguisher: "ByNamespace", rules: [{ subjects: [user("system:kube-scheduler")], ...everything }] },
  {
    name: "kube-system-service-accounts",
    priorityLevel: "workload-high",
    matchingPrecedence: 900,
    distinguisher: "ByNamespace",
    rules: [{ subjects: [kubeSystemServiceAccounts], ...everything }],
  },
  { name: "service-accounts", priorityLevel: "workload-low", matchingPrecedence: 9000, distinguisher: "ByUser", rules: [{ subjects: [group("system:serviceaccounts")], ...everything }] },
  // kube-apiserver's global-default also takes unauthenticated requests; here they go to
  // catch-all, which rejects instead of queueing, so anonymous callers cannot crowd out users.
  { name: "global-default", priorityLevel: "global-default", matchingPrecedence: 9900, distinguisher: "ByUser", rules: [{ subjects: [group("system:authenticated")], ...everything }] },
  {
    name: "catch-all",
    priorityLevel: "catch-all",
    matchingPrecedence: 10000,
    distinguisher: "ByUser",
    rules: [{ subjects: [group("system:unauthenticated"), group("system:authenticated")], ...everything }],
  },
];
