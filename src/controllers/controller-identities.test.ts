import assert from "node:assert/strict";
import { test } from "node:test";
import { controllerNames } from "./all-controllers.js";
import {
  CONTROLLER_MANAGER_USER,
  SCHEDULER_USER,
  controllerIdentity,
  controllerManagerIdentity,
  controllerServiceAccounts,
  controllerUserAgent,
  mintControllerTokens,
  serviceAccountIdentity,
  tokenOf,
  tokenUsers,
} from "./controller-identities.js";

const accountCases: { name: string; controller: string; account: string }[] = [
  { name: "endpoints", controller: "endpoint", account: "endpoint-controller" },
  { name: "endpoint slices", controller: "endpointslice", account: "endpointslice-controller" },
  { name: "endpoint slice mirroring", controller: "endpointslicemirroring", account: "endpointslicemirroring-controller" },
  { name: "replication controllers", controller: "replicationcontroller", account: "replication-controller" },
  { name: "replica sets", controller: "replicaset", account: "replicaset-controller" },
  { name: "deployments", controller: "deployment", account: "deployment-controller" },
  { name: "garbage collection", controller: "garbagecollector", account: "generic-garbage-collector" },
  { name: "namespaces", controller: "namespace", account: "namespace-controller" },
  { name: "service accounts", controller: "serviceaccount", account: "service-account-controller" },
  { name: "kube-root-ca.crt", controller: "root-ca-cert-publisher", account: "root-ca-cert-publisher" },
  { name: "node lifecycle", controller: "nodelifecycle", account: "node-controller" },
  { name: "LoadBalancer addresses, as kube's service controller", controller: "service-lb-controller", account: "service-controller" },
  { name: "CSR approval", controller: "csrapproving", account: "certificate-controller" },
  { name: "CSR signing", controller: "csrsigning", account: "certificate-controller" },
  { name: "CSR cleanup", controller: "csrcleaner", account: "certificate-controller" },
];

for (const c of accountCases) {
  test(`controllerIdentity: ${c.name} act as kube-system/${c.account}`, () => {
    assert.deepEqual(controllerIdentity(c.controller), {
      name: `system:serviceaccount:kube-system:${c.account}`,
      groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
      serviceAccount: c.account,
    });
  });
}

test("controllerIdentity: the scheduler acts as system:kube-scheduler", () => {
  assert.deepEqual(controllerIdentity("scheduler"), { name: SCHEDULER_USER, groups: ["system:authenticated"] });
});

const refusedCases: { name: string; controller: string }[] = [
  { name: "an unknown controller", controller: "cronjob" },
  { name: "the empty name", controller: "" },
  { name: "a name inherited from Object.prototype", controller: "toString" },
];

for (const c of refusedCases) {
  test(`controllerIdentity: ${c.name} has none, and says where to add it`, () => {
    assert.throws(() => controllerIdentity(c.controller), { message: `controller "${c.controller}" has no identity to act as: map it to its service account in src/controllers/controller-identities.ts` });
  });
}

test("controllerIdentity: every controller `svcnet server` runs has an identity other than the manager's", () => {
  for (const name of controllerNames()) assert.notEqual(controllerIdentity(name).name, CONTROLLER_MANAGER_USER, name);
});

test("controllerServiceAccounts: each account once, users left out", () => {
  assert.deepEqual(controllerServiceAccounts(["csrapproving", "scheduler", "csrsigning", "endpoint"]), ["certificate-controller", "endpoint-controller"]);
});

const userAgentCases: { name: string; controller?: string; want: string }[] = [
  { name: "the controller manager", want: "kube-controller-manager/svcnet" },
  { name: "a controller, with its account", controller: "endpointslice", want: "kube-controller-manager/svcnet/endpointslice-controller" },
  { name: "the scheduler, as its own program", controller: "scheduler", want: "kube-scheduler/svcnet" },
];

for (const c of userAgentCases) {
  test(`controllerUserAgent: ${c.name}`, () => {
    assert.equal(controllerUserAgent(c.controller ? controllerIdentity(c.controller) : controllerManagerIdentity()), c.want);
  });
}

test("mintControllerTokens: one token per identity, the manager's included", () => {
  let n = 0;
  const tokens = mintControllerTokens(["endpoint", "csrapproving", "csrsigning", "scheduler"], () => `t${n++}`);
  assert.deepEqual(
    [...tokens].map(([user, t]) => [user, t.token]),
    [
      [CONTROLLER_MANAGER_USER, "t0"],
      ["system:serviceaccount:kube-system:endpoint-controller", "t1"],
      ["system:serviceaccount:kube-system:certificate-controller", "t2"],
      [SCHEDULER_USER, "t3"],
    ],
  );
  assert.equal(tokenOf(tokens, SCHEDULER_USER), "t3");
  assert.throws(() => tokenOf(tokens, "system:serviceaccount:kube-system:node-controller"), /no token was minted/);
  assert.deepEqual(tokenUsers(tokens)[1], ["t1", { name: "system:serviceaccount:kube-system:endpoint-controller", groups: serviceAccountIdentity("endpoint-controller").groups }]);
});

test("mintControllerTokens: a controller without an identity fails the whole mint", () => {
  assert.throws(() => mintControllerTokens(["endpoint", "mystery"]), /controller "mystery" has no identity/);
});

test("mintControllerTokens: real tokens are long and distinct", () => {
  const tokens = [...mintControllerTokens(controllerNames()).values()].map((t) => t.token);
  assert.equal(new Set(tokens).size, tokens.length);
  for (const t of tokens) assert.match(t, /^[0-9a-f]{64}$/);
});
