import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listen } from "../apiserver/http-server.js";
import type { TestApi } from "../apiserver/test-api.js";
import { startTestApi, testToken } from "../apiserver/test-api.js";
import { writeKubeconfig } from "../server/kubeconfig.js";
import { ensureServingPki } from "../server/pki.js";
import type { ServingPki } from "../server/pki.js";
import { ClientError, isNotFound } from "./client-error.js";
import { HttpsTransport } from "./https-transport.js";
import { KubeClient } from "./rest-client.js";
import { coreResource, makeService } from "./test-fixtures.js";

describe("HttpsTransport against the real HTTPS listener on 127.0.0.1", () => {
  let t: TestApi;
  let dir: string;
  let pki: ServingPki;
  let server: string;
  let transport: HttpsTransport;
  const stop = new AbortController();
  before(async () => {
    t = await startTestApi();
    dir = mkdtempSync(join(tmpdir(), "svcnet-client-https-"));
    pki = ensureServingPki(dir, { dns: ["localhost"], ips: ["127.0.0.1"] });
    const { address } = await listen(t.api, { host: "127.0.0.1", port: 0, key: pki.key, cert: pki.cert, signal: stop.signal });
    server = `https://127.0.0.1:${address.port}`;
    writeKubeconfig(join(dir, "kubeconfig"), { server, caCert: pki.caCert, token: testToken });
    transport = HttpsTransport.fromKubeconfig(join(dir, "kubeconfig"));
  });
  after(() => {
    transport.close();
    stop.abort();
    t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: { name: string; run: () => Promise<void> }[] = [
    {
      name: "a request carries the token and the CA verifies the server",
      run: async () => {
        const svcs = new KubeClient(transport, coreResource("services"));
        const k = await svcs.get("default", "kubernetes");
        assert.equal(k.metadata.name, "kubernetes");
        assert.equal(transport.config.namespace, "default");
      },
    },
    {
      name: "an error status arrives as a ClientError with the server's Status",
      run: async () => {
        const err = await new KubeClient(transport, coreResource("services")).get("default", "missing").catch((e: unknown) => e);
        assert.ok(isNotFound(err));
        assert.equal((err as ClientError).message, 'services "missing" not found');
      },
    },
    {
      name: "a watch streams line by line and ends when its signal aborts",
      run: async () => {
        const svcs = new KubeClient(transport, coreResource("services"));
        const rv = (await svcs.list("default")).metadata.resourceVersion;
        const ac = new AbortController();
        const names: string[] = [];
        const done = (async () => {
          for await (const ev of svcs.watch("default", { resourceVersion: rv, signal: ac.signal })) {
            names.push(`${ev.type} ${ev.object.metadata.name}`);
            if (names.length === 2) ac.abort();
          }
        })();
        await svcs.create(makeService("default", "h1"));
        await svcs.create(makeService("default", "h2"));
        await done;
        assert.deepEqual(names, ["ADDED h1", "ADDED h2"]);
      },
    },
    {
      name: "a server certificate from another CA is rejected",
      run: async () => {
        const other = mkdtempSync(join(tmpdir(), "svcnet-client-otherca-"));
        try {
          const wrongCa = ensureServingPki(other, { dns: ["localhost"], ips: ["127.0.0.1"] }).caCert;
          const bad = new HttpsTransport({ server, ca: wrongCa, token: testToken });
          await assert.rejects(bad.request({ method: "GET", path: "/version" }), (e: unknown) => !(e instanceof ClientError));
          bad.close();
        } finally {
          rmSync(other, { recursive: true, force: true });
        }
      },
    },
    {
      name: "an aborted request rejects",
      run: async () => {
        const ac = new AbortController();
        ac.abort();
        await assert.rejects(transport.request({ method: "GET", path: "/version", signal: ac.signal }));
      },
    },
    {
      name: "in a pod: the kubernetes Service from the environment, CA and token from the volume, a replaced token re-read",
      run: async () => {
        const saDir = join(dir, "serviceaccount");
        mkdirSync(saDir, { recursive: true });
        const issue = async (): Promise<string> => {
          const res = await t.request("POST", "/api/v1/namespaces/default/serviceaccounts/default/token", { body: { spec: {} } });
          return t.json<{ status: { token: string } }>(res).status.token;
        };
        const replace = (name: string, content: string): void => {
          writeFileSync(join(saDir, `.${name}.tmp`), content);
          renameSync(join(saDir, `.${name}.tmp`), join(saDir, name));
        };
        replace("ca.crt", pki.caCert);
        replace("namespace", "default");
        replace("token", "not-a-valid-token");
        const env = { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: new URL(server).port };
        const inPod = HttpsTransport.inCluster({ env, dir: saDir });
        try {
          assert.equal(inPod.config.server, server);
          assert.equal(inPod.config.namespace, "default");
          const pods = new KubeClient(inPod, coreResource("pods"));
          await assert.rejects(pods.list("default"), (e: unknown) => e instanceof ClientError && e.code === 401);
          replace("token", `${await issue()}\n`);
          // The pod's account may read what RBAC grants it: view in its namespace.
          const bound = await t.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", {
            body: { metadata: { name: "default-view" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" }, subjects: [{ kind: "ServiceAccount", name: "default", namespace: "default" }] },
          });
          assert.equal(bound.status, 201, String(bound.body));
          let listed: unknown;
          for (let i = 0; i < 100 && listed === undefined; i++) listed = await pods.list("default").catch(() => new Promise((r) => setTimeout(r, 10)));
          assert.deepEqual((await pods.list("default")).items, []);
        } finally {
          inPod.close();
        }
        assert.throws(() => HttpsTransport.inCluster({ env: {}, dir: saDir }), /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/);
      },
    },
  ];
  for (const c of cases) test(c.name, c.run);
});
