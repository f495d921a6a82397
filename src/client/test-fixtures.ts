// Small builders shared by the client tests: typed clients over an in-process test API, and
// valid objects to write with them.

import { findResource } from "../api/resources.js";
import type { ResourceInfo } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import type { TestApi } from "../apiserver/test-api.js";
import { testToken } from "../apiserver/test-api.js";
import { InProcessTransport } from "./in-process-transport.js";
import { KubeClient } from "./rest-client.js";
import type { Transport } from "./transport.js";

/** The catalog entry for a core/v1 resource; throws if it is not served. */
export function coreResource(resource: string): ResourceInfo {
  const r = findResource("", "v1", resource);
  if (!r) throw new Error(`no resource ${resource}`);
  return r;
}

/** A transport into the test API with the test token. */
export function testTransport(t: TestApi): InProcessTransport {
  return new InProcessTransport(t.api, { token: testToken });
}

/** A client for a core/v1 resource. */
export function coreClient<T extends KubeObject = KubeObject>(transport: Transport, resource: string): KubeClient<T> {
  return new KubeClient<T>(transport, coreResource(resource));
}

/** A valid headless Service (no ClusterIP to allocate), labelled app=<name>. */
export function makeService(ns: string, name: string, edit?: (s: KubeObject) => void): KubeObject {
  const s: KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: ns, name, labels: { app: name } },
    spec: { clusterIP: "None", selector: { app: name }, ports: [{ port: 80 }] },
  };
  edit?.(s);
  return s;
}

/** A valid pod with one container. */
export function makePod(ns: string, name: string, edit?: (p: KubeObject) => void): KubeObject {
  const p: KubeObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { namespace: ns, name, labels: { app: "web" } },
    spec: { containers: [{ name: "c", image: "nginx" }] },
  };
  edit?.(p);
  return p;
}

/** Resolves when `cond()` holds; rejects after `ms` with `what` in the message. */
export async function eventually(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
