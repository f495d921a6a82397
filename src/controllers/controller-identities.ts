// Who each controller is to the API server, as kube-controller-manager with
// --use-service-account-credentials=true: the shared informers list and watch as the controller
// manager itself (system:kube-controller-manager), while each controller's writes and Events go
// out as its own service account in kube-system, which the default RBAC policy binds to
// system:controller:<account> (apiserver/authorization/bootstrap-policy.ts). The scheduler runs
// here too and acts as system:kube-scheduler, as a separate kube-scheduler would.
//
// Every controller must have an entry: a controller without one is an error at start, never a
// silent fallback to the controller manager's broader identity.

import { randomBytes } from "node:crypto";

/** The controller manager's own identity: informers, leader election, the service accounts below. */
export const CONTROLLER_MANAGER_USER = "system:kube-controller-manager";
/** The scheduler's identity (kube-scheduler's). */
export const SCHEDULER_USER = "system:kube-scheduler";
/** Where the controllers' service accounts live. */
export const CONTROLLER_ACCOUNTS_NAMESPACE = "kube-system";

const AUTHENTICATED = "system:authenticated";

/** A user as the API server's authenticator hands it on (structurally its UserInfo). */
export interface ControllerIdentity {
  name: string;
  groups: string[];
  /** The ServiceAccount kube-system/<serviceAccount> this identity is, when it is one. */
  serviceAccount?: string;
}

/**
 * Each --controllers name to its service account, named as kube-controller-manager names them.
 * The CSR controllers share certificate-controller, and the LoadBalancer address controller
 * plays kube's service controller.
 */
const serviceAccounts: Readonly<Record<string, string>> = {
  endpoint: "endpoint-controller",
  endpointslice: "endpointslice-controller",
  endpointslicemirroring: "endpointslicemirroring-controller",
  replicationcontroller: "replication-controller",
  replicaset: "replicaset-controller",
  deployment: "deployment-controller",
  garbagecollector: "generic-garbage-collector",
  namespace: "namespace-controller",
  serviceaccount: "service-account-controller",
  "root-ca-cert-publisher": "root-ca-cert-publisher",
  nodelifecycle: "node-controller",
  "service-lb-controller": "service-controller",
  csrapproving: "certificate-controller",
  csrsigning: "certificate-controller",
  csrcleaner: "certificate-controller",
};

/** Controllers that act as a plain user rather than a service account. */
const users: Readonly<Record<string, string>> = {
  scheduler: SCHEDULER_USER,
};

/** The user name of service account `namespace`/`name` (Kubernetes' MakeUsername). */
export function serviceAccountUserName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** A kube-system service account as its token would authenticate it, with its groups. */
export function serviceAccountIdentity(account: string): ControllerIdentity {
  const ns = CONTROLLER_ACCOUNTS_NAMESPACE;
  return { name: serviceAccountUserName(ns, account), groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, AUTHENTICATED], serviceAccount: account };
}

/** The controller manager's own identity. */
export function controllerManagerIdentity(): ControllerIdentity {
  return { name: CONTROLLER_MANAGER_USER, groups: [AUTHENTICATED] };
}

/** The identity controller `controller` writes as; throws for a controller nobody has mapped. */
export function controllerIdentity(controller: string): ControllerIdentity {
  if (Object.hasOwn(serviceAccounts, controller)) return serviceAccountIdentity(serviceAccounts[controller]);
  if (Object.hasOwn(users, controller)) return { name: users[controller], groups: [AUTHENTICATED] };
  throw new Error(`controller "${controller}" has no identity to act as: map it to its service account in src/controllers/controller-identities.ts`);
}

/** The service accounts the given controllers act as, each once, in order. */
export function controllerServiceAccounts(controllers: readonly string[]): string[] {
  const accounts = controllers.map((c) => controllerIdentity(c).serviceAccount).filter((a): a is string => a !== undefined);
  return [...new Set(accounts)];
}

/**
 * The User-Agent an identity's requests carry, in the shape kube's components send: the
 * controller manager's clients add the account ("…/endpoint-controller"), the scheduler its own
 * program name. Audit events and logs tell the controllers apart by it.
 */
export function controllerUserAgent(identity: ControllerIdentity): string {
  if (identity.serviceAccount) return `kube-controller-manager/svcnet/${identity.serviceAccount}`;
  return `${identity.name.replace(/^system:/, "")}/svcnet`;
}

/** A bearer token and whose it is. */
export interface ControllerToken {
  token: string;
  identity: ControllerIdentity;
}

/**
 * A fresh bearer token for the controller manager and for each identity the given controllers
 * act as (one per identity, so controllers sharing an account share it), by user name. For
 * the API server of this process only: the tokens are never written anywhere. Throws, before
 * anything starts, for a controller without an identity.
 */
export function mintControllerTokens(controllers: readonly string[], mint: () => string = () => randomBytes(32).toString("hex")): Map<string, ControllerToken> {
  const tokens = new Map<string, ControllerToken>();
  for (const identity of [controllerManagerIdentity(), ...controllers.map(controllerIdentity)]) {
    if (!tokens.has(identity.name)) tokens.set(identity.name, { token: mint(), identity });
  }
  return tokens;
}

/** The token minted for `user`; throws when there is none (a wiring mistake, not a user's). */
export function tokenOf(tokens: ReadonlyMap<string, ControllerToken>, user: string): string {
  const t = tokens.get(user);
  if (!t) throw new Error(`no token was minted for ${user}`);
  return t.token;
}

/** The API server's bearer-token table entries for `tokens` (token → user and groups). */
export function tokenUsers(tokens: ReadonlyMap<string, ControllerToken>): [string, { name: string; groups: string[] }][] {
  return [...tokens.values()].map((t) => [t.token, { name: t.identity.name, groups: t.identity.groups }]);
}
