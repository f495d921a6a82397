// A control plane for controller tests: the in-process API server (MemoryStore) with the
// given controllers running against it through the public API, and helpers to act as a
// kubelet would (set pod status) and to wait for the controllers to converge.

import type { ResourceInfo } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import type { ClientRequest, ClientResponse, Clock, Transport } from "../client/index.js";
import { InProcessTransport, KubeClient } from "../client/index.js";
import type { TestApi, TestApiOptions } from "../apiserver/test-api.js";
import { startTestApi, testToken } from "../apiserver/test-api.js";
import type { Controller, ControllerSettings } from "./controller-context.js";
import type { ControllerIdentity } from "./controller-identities.js";
import { controllerManagerIdentity, controllerUserAgent, mintControllerTokens, tokenOf, tokenUsers } from "./controller-identities.js";
import { runControllerManager } from "./controller-manager.js";

/** Sees each answer one identity's transport got. */
export type ResponseObserver = (identity: ControllerIdentity, req: ClientRequest, res: ClientResponse) => void;

function observed(inner: Transport, identity: ControllerIdentity, observe: ResponseObserver | undefined): Transport {
  if (!observe) return inner;
  return {
    async request(req) {
      const res = await inner.request(req);
      observe(identity, req, res);
      return res;
    },
  };
}

export interface TestCluster {
  api: TestApi;
  client<T extends KubeObject = KubeObject>(r: ResourceInfo): KubeClient<T>;
  /** Polls `cond` until it returns a truthy value (returned) or `timeoutMs` passes (throws with `what`). */
  waitFor<T>(what: string, cond: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function startTestCluster(o: {
  controllers: readonly Controller[];
  settings?: Partial<ControllerSettings>;
  clock?: Clock;
  /**
   * The API server's options (its PKI: the CA becomes the root-ca-cert-publisher's and, when the
   * PKI has the CA's key as the in-memory test PKI does, csrsigning's; settings.clusterSigningCA
   * overrides it).
   */
  api?: TestApiOptions;
  /**
   * Run the controller manager and each controller under their own identities, as `svcnet
   * server` does (controller-identities.ts), so that the default RBAC policy decides what they
   * may do; `observe` sees every answer each identity gets. Absent: all act as the admin.
   */
  identities?: { observe?: ResponseObserver };
}): Promise<TestCluster> {
  const tokens = o.identities && mintControllerTokens(o.controllers.map((c) => c.name));
  const api = await startTestApi({ ...o.api, ...(tokens && { tokens: new Map([...(o.api?.tokens ?? []), ...tokenUsers(tokens)]) }) });
  const transport = new InProcessTransport(api.api, { token: testToken, userAgent: "svcnet-test" });
  const as = (identity: ControllerIdentity): Transport =>
    tokens ? observed(new InProcessTransport(api.api, { token: tokenOf(tokens, identity.name), userAgent: controllerUserAgent(identity) }), identity, o.identities?.observe) : transport;
  const stop = new AbortController();
  const { caCert, caKey } = api.pki;
  const settings = { rootCACert: caCert, clusterSigningCA: { cert: caCert, key: caKey }, ...o.settings };
  const done = runControllerManager({
    transport: tokens ? as(controllerManagerIdentity()) : transport,
    ...(tokens && { controllerTransport: as }),
    controllers: o.controllers,
    settings,
    clock: o.clock,
    signal: stop.signal,
  });
  return {
    api,
    client: <T extends KubeObject>(r: ResourceInfo) => new KubeClient<T>(transport, r, { fieldManager: "test" }),
    async waitFor(what, cond, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < end) {
        try {
          const v = await cond();
          if (v) return v;
        } catch (e) {
          last = e;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    },
    async stop() {
      stop.abort();
      await done;
      api.close();
    },
  };
}
