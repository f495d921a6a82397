// Service accounts with the real kubectl (1.32) against a real `svcnet server` process: every
// namespace's `default` account and kube-root-ca.crt, `kubectl create serviceaccount|configmap|
// token` (kubectl sends all three as protobuf), tokens that authenticate until their account
// goes, and the token volume pods get (as `kubectl describe pod` shows it).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";
import { controllerNames } from "../../src/controllers/all-controllers.js";
import { controllerServiceAccounts } from "../../src/controllers/controller-identities.js";

function rows(out: string): string[][] {
  return out
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/));
}

const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as Record<string, unknown>;

describe("service accounts with kubectl against svcnet server", () => {
  let s: ServerProcess;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  test("every namespace has its default account and kube-root-ca.crt, as a real cluster", async () => {
    // kube-system also holds the accounts the controllers act as (controller-identities.ts).
    const controllerAccounts = controllerServiceAccounts(controllerNames());
    let sa = "";
    await waitFor("four default accounts and the controllers'", async () => {
      sa = (await s.kubectl(["get", "serviceaccounts", "-A"])).stdout;
      return rows(sa).length === 5 + controllerAccounts.length;
    });
    const [header, ...accounts] = rows(sa);
    assert.deepEqual(header, ["NAMESPACE", "NAME", "SECRETS", "AGE"]);
    assert.deepEqual(
      accounts.map((r) => r.slice(0, 3)),
      [
        ["default", "default", "0"],
        ["kube-node-lease", "default", "0"],
        ["kube-public", "default", "0"],
        ...["default", ...controllerAccounts].sort().map((name) => ["kube-system", name, "0"]),
      ],
    );
    let ca = "";
    await waitFor("kube-root-ca.crt", async () => {
      const r = await s.kubectl(["get", "cm", "kube-root-ca.crt", "-o", "jsonpath={.data.ca\\.crt}"]);
      ca = r.stdout;
      return r.code === 0;
    });
    assert.equal(ca, readFileSync(join(s.dataDir, "ca.crt"), "utf8"), "the CA the serving certificate chains to");
    const table = await s.kubectl(["get", "configmaps"]);
    assert.deepEqual(rows(table.stdout).map((r) => r.slice(0, 2)), [["NAME", "DATA"], ["kube-root-ca.crt", "1"]]);
  });

  test("create serviceaccount and configmap, and their tables", async () => {
    assert.equal((await s.kubectl(["create", "serviceaccount", "bot"])).stdout.trim(), "serviceaccount/bot created");
    assert.equal((await s.kubectl(["create", "configmap", "cfg", "--from-literal=a=1", "--from-literal=b=2"])).stdout.trim(), "configmap/cfg created");
    const sa = await s.kubectl(["get", "sa", "bot"]);
    assert.deepEqual(rows(sa.stdout)[1].slice(0, 2), ["bot", "0"]);
    const cm = await s.kubectl(["get", "cm", "cfg"]);
    assert.deepEqual(rows(cm.stdout)[1].slice(0, 2), ["cfg", "2"]);
    // kubectl create configmap checks keys itself; a manifest reaches the server's validation.
    const bad = await s.kubectl(["create", "-f", "-"], { input: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a/b: '1'\n" });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /The ConfigMap "bad" is invalid: data\[a\/b\]: Invalid value: "a\/b": a valid config key must consist of alphanumeric characters/);
  });

  test("kubectl create token: a token that authenticates until its account is deleted", async () => {
    const created = await s.kubectl(["create", "token", "bot", "--duration", "20m"]);
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    const c = claimsOf(token);
    assert.equal(c.iss, "https://kubernetes.default.svc.cluster.local");
    assert.equal(c.sub, "system:serviceaccount:default:bot");
    assert.deepEqual(c.aud, ["https://kubernetes.default.svc.cluster.local"]);
    assert.equal((c.exp as number) - (c.iat as number), 1200);
    // It authenticates as the account, which may do what RBAC grants it: nothing, until bound.
    const asBot = await s.kubectl(["--token", token, "get", "pods"]);
    assert.equal(asBot.stderr.trim(), 'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:bot" cannot list resource "pods" in API group "" in the namespace "default"');
    assert.equal((await s.kubectl(["auth", "can-i", "list", "pods", "--as", "system:serviceaccount:default:bot"])).stdout.trim(), "no");
    assert.equal((await s.kubectl(["create", "rolebinding", "bot-view", "--clusterrole=view", "--serviceaccount=default:bot"])).code, 0);
    await waitFor("the binding in force", async () => (await s.kubectl(["--token", token, "get", "pods"])).code === 0, { timeoutMs: 5000 });
    assert.equal((await s.kubectl(["auth", "can-i", "list", "pods", "--as", "system:serviceaccount:default:bot"])).stdout.trim(), "yes");

    const short = await s.kubectl(["create", "token", "bot", "--duration", "1m"]);
    assert.equal(short.stderr.trim(), 'error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    const missing = await s.kubectl(["create", "token", "nobody"]);
    assert.equal(missing.stderr.trim(), 'error: failed to create token: serviceaccounts "nobody" not found');

    assert.equal((await s.kubectl(["delete", "sa", "bot"])).code, 0);
    const refused = await s.kubectl(["--token", token, "get", "pods"]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Unauthorized/);
  });

  test("a pod gets the token volume; a missing account is 403", async () => {
    assert.equal((await s.kubectl(["run", "web", "--image=busybox", "--", "sleep", "100"])).code, 0);
    const d = await s.kubectl(["describe", "pod", "web"]);
    assert.match(d.stdout, /Mounts:\n\s+\/var\/run\/secrets\/kubernetes\.io\/serviceaccount from kube-api-access-[a-z0-9]{5} \(ro\)/);
    assert.match(d.stdout, /Type:\s+Projected \(a volume that contains injected data from multiple sources\)\n\s+TokenExpirationSeconds:\s+3607\n\s+ConfigMapName:\s+kube-root-ca\.crt/);
    const sa = await s.kubectl(["get", "pod", "web", "-o", "jsonpath={.spec.serviceAccountName} {.spec.serviceAccount}"]);
    assert.equal(sa.stdout, "default default");

    const r = await s.kubectl(["run", "lost", "--image=busybox", "--overrides", '{"spec":{"serviceAccountName":"ghost"}}']);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): pods "lost" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found');

    // A pod-bound token: its pod's deletion ends it.
    const uid = (await s.kubectl(["get", "pod", "web", "-o", "jsonpath={.metadata.uid}"])).stdout;
    const bound = await s.kubectl(["create", "token", "default", "--bound-object-kind", "Pod", "--bound-object-name", "web", "--bound-object-uid", uid]);
    assert.equal(bound.code, 0, bound.stderr);
    const k8s = claimsOf(bound.stdout.trim())["kubernetes.io"] as { pod: unknown };
    assert.deepEqual(k8s.pod, { name: "web", uid });
    const whoami = await s.kubectl(["--token", bound.stdout.trim(), "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"]);
    assert.equal(whoami.stdout, "system:serviceaccount:default:default", whoami.stderr);
    await s.kubectl(["delete", "pod", "web", "--wait"]);
    assert.match((await s.kubectl(["--token", bound.stdout.trim(), "auth", "whoami"])).stderr, /Unauthorized/);
  });
});
