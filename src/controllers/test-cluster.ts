// A control plane for controller tests: the in-process API server (MemoryStore) with the
// given controllers running against it through the public API, and helpers to act as a
// kubelet would (set pod status) and to wait for the controllers to converge.

import type { ResourceInfo } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import type { Clock } from "../client/index.js";
import { InProcessTransport, KubeClient } from "../client/index.js";
import type { TestApi, TestApiOptions } from "../apiserver/test-api.js";
import { startTestApi, testToken } from "../apiserver/test-api.js";
import type { Controller, ControllerSettings } from "./controller-context.js";
import { runControllerManager } from "./controller-manager.js";

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
  /** The API server's options (its PKI: the CA becomes the root-ca-cert-publisher's). */
  api?: TestApiOptions;
}): Promise<TestCluster> {
  const api = await startTestApi(o.api);
  const transport = new InProcessTransport(api.api, { token: testToken, userAgent: "svcnet-test" });
  const stop = new AbortController();
  const settings = { rootCACert: api.pki.caCert, ...o.settings };
  const done = runControllerManager({ transport, controllers: o.controllers, settings, clock: o.clock, signal: stop.signal });
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
