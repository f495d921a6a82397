// Service account tokens end to end on the namespace sandbox (as root): a pod gets the token
// volume from admission, the agent fills it (token bound to the pod, ca.crt, namespace) and
// mounts it read-only at /var/run/secrets/kubernetes.io/serviceaccount; from inside the pod,
// curl reaches the API at 10.0.0.1:443 (the `kubernetes` Service) with that CA and token and
// gets 200; files replaced on the host are seen at once in the container (how refreshes
// arrive); once the pod is deleted, its token no longer authenticates.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { request } from "node:https";
import { join } from "node:path";
import type { RoleBinding } from "../../api/rbac-types.js";
import { RBAC_GROUP } from "../../api/rbac-types.js";
import type { Pod } from "../../api/types.js";
import { resource } from "../../controllers/controller-context.js";
import type { TestCluster } from "../../controllers/test-cluster.js";
import { execArgv } from "../runtime/launch-plan.js";
import { podFileSource, writeAtomicDir } from "../runtime/pod-files.js";
import { findRuntimeTools } from "../runtime/runtime-tools.js";
import type { TestSandbox } from "./test-sandbox.js";
import { startTestSandbox } from "./test-sandbox.js";

const isRoot = process.getuid?.() === 0;
const saDir = "/var/run/secrets/kubernetes.io/serviceaccount";

function run(argv: readonly string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { timeout: 15_000 }, (err, stdout, stderr) =>
      resolve({ stdout: String(stdout), stderr: String(stderr), code: err ? (typeof err.code === "number" ? err.code : 1) : 0 }),
    );
  });
}

/** GET `path` on the API's loopback listener with a bearer token; the status code. */
function statusWithToken(api: { url: string; caCert: string }, path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, api.url), { ca: api.caCert, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("service account tokens in pods", { skip: isRoot ? false : "needs root (network namespaces)" }, () => {
  let sandbox: TestSandbox;
  let c: TestCluster;

  before(async () => {
    sandbox = await startTestSandbox({ idPrefix: "sa", nodes: 1, apiAccess: true });
    c = sandbox.cluster;
  });
  after(async () => {
    await sandbox?.stop();
    assert.deepEqual(await sandbox?.leftovers(), [], "no namespace of this test is left");
  });

  const pods = () => c.client<Pod>(resource("", "v1", "pods"));

  async function execIn(pod: Pod, script: string): Promise<{ stdout: string; stderr: string; code: number }> {
    const pid = Number(String(pod.status?.containerStatuses?.[0]?.containerID ?? "").replace("svcnet://", ""));
    assert.ok(pid > 0, "the container has a pid");
    return run(execArgv(await findRuntimeTools(), pid, ["sh", "-c", script]));
  }

  test("a pod calls the API with its own token, which dies with the pod", async () => {
    const api = sandbox.api;
    assert.ok(api, "the sandbox serves the API over HTTPS");
    await pods().create({
      metadata: { name: "api-client", namespace: "default" },
      spec: { containers: [{ name: "c", image: "curl", command: ["sh", "-c", "sleep 3600"] }], terminationGracePeriodSeconds: 1 },
    });
    const pod = await c.waitFor(
      "the pod running",
      async () => {
        const p = await pods().get("default", "api-client");
        return p.status?.phase === "Running" && p.status.containerStatuses?.[0]?.containerID ? p : undefined;
      },
      30_000,
    );

    const files = await execIn(pod, `cd ${saDir} && ls && cat namespace && echo && head -c 2 ca.crt`);
    assert.equal(files.code, 0, files.stderr);
    assert.deepEqual(files.stdout.split("\n").slice(0, 4), ["ca.crt", "namespace", "token", "default"]);
    const token = (await execIn(pod, `cat ${saDir}/token`)).stdout;
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { sub: string; "kubernetes.io": { pod: { name: string; uid: string }; node: { name: string } } };
    assert.equal(claims.sub, "system:serviceaccount:default:default");
    assert.deepEqual(claims["kubernetes.io"].pod, { name: "api-client", uid: pod.metadata.uid });
    assert.equal(claims["kubernetes.io"].node.name, pod.spec.nodeName);
    const readOnly = await execIn(pod, `touch ${saDir}/x`);
    assert.notEqual(readOnly.code, 0, "the token volume is read-only in the container");

    // From inside the pod, through the kubernetes Service, with the mounted CA and token: the
    // account may do what RBAC grants it — nothing but discovery at first, then view once bound.
    const curl = `curl -sS --max-time 5 -o /dev/null -w '%{http_code}' --cacert ${saDir}/ca.crt -H "Authorization: Bearer $(cat ${saDir}/token)" https://10.0.0.1:443/api/v1/namespaces/default/pods`;
    const refused = await c.waitFor(
      "403 from the API through 10.0.0.1",
      async () => {
        const r = await execIn(pod, curl);
        return r.stdout === "403" && r;
      },
      20_000,
    );
    assert.equal(refused.stdout, "403");
    await c.client<RoleBinding>(resource(RBAC_GROUP, "v1", "rolebindings")).create({
      metadata: { name: "default-view", namespace: "default" },
      roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "ServiceAccount", name: "default", namespace: "default" }],
    });
    const answer = await c.waitFor(
      "200 from the API through 10.0.0.1",
      async () => {
        const r = await execIn(pod, curl);
        return r.stdout === "200" && r;
      },
      20_000,
    );
    assert.equal(answer.stdout, "200");
    const noToken = await execIn(pod, `curl -sS --max-time 5 -o /dev/null -w '%{http_code}' --cacert ${saDir}/ca.crt https://10.0.0.1:443/api/v1/namespaces/default/pods`);
    assert.equal(noToken.stdout, "401");

    // The agent replaces the files by swapping a directory: the container sees the new ones.
    const dir = podFileSource(join(sandbox.dataDir, pod.spec.nodeName ?? "", "pods", pod.metadata.uid ?? ""), saDir);
    await writeAtomicDir(dir, { token: "replaced", "ca.crt": api.caCert, namespace: "default" });
    assert.equal((await execIn(pod, `cat ${saDir}/token`)).stdout, "replaced");

    assert.equal(await statusWithToken(api, "/api/v1/namespaces/default/pods", token), 200);
    await pods().delete("default", "api-client");
    await c.waitFor("the pod gone", async () => !(await pods().list("default")).items.some((p) => p.metadata.name === "api-client"), 30_000);
    assert.equal(await statusWithToken(api, "/api/v1/namespaces/default/pods", token), 401, "a deleted pod's token is refused");
  });
});
