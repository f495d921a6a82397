// Creates an add-on's objects through the API unless they exist already (a user's edits to a
// running add-on are kept, as kubeadm leaves a customised CoreDNS alone on restart), trying
// again while the API cannot answer, as kubeadm's add-on phase does.

import { findResourceByKind } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import type { Transport } from "../../client/index.js";
import { ClientError, isAlreadyExists, isNotFound, KubeClient } from "../../client/index.js";

/** Options of applyAddon. */
export interface ApplyAddonOptions {
  /**
   * Keep trying for this long while the API cannot answer (a 5xx, 429, or no connection: storage
   * briefly slow or without quorum, a server restarting); default 60 000 ms. Other errors fail at once.
   */
  retryForMs?: number;
  /** Told one line when a try failed and another follows. */
  log?: (line: string) => void;
}

/** Whether `e` says the API could not answer now (worth another try), not that the request is wrong. */
export function isTransientApiError(e: unknown): boolean {
  if (e instanceof ClientError) return e.code >= 500 || e.code === 429;
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string";
}

/**
 * Creates each object that does not exist; returns "created" or "kept" per object, in order.
 * Transient API errors are retried (see ApplyAddonOptions.retryForMs) with a growing pause.
 */
export async function applyAddon(transport: Transport, objects: readonly KubeObject[], o: ApplyAddonOptions = {}): Promise<{ object: string; outcome: "created" | "kept" }[]> {
  const deadline = Date.now() + (o.retryForMs ?? 60_000);
  for (let pauseMs = 250; ; pauseMs = Math.min(pauseMs * 2, 4000)) {
    try {
      return await applyOnce(transport, objects);
    } catch (e) {
      if (!isTransientApiError(e) || Date.now() + pauseMs > deadline) throw e;
      o.log?.(`the API did not answer (${e instanceof Error ? e.message : String(e)}); trying again in ${pauseMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

async function applyOnce(transport: Transport, objects: readonly KubeObject[]): Promise<{ object: string; outcome: "created" | "kept" }[]> {
  const out: { object: string; outcome: "created" | "kept" }[] = [];
  for (const obj of objects) {
    const resource = findResourceByKind(obj.apiVersion ?? "", obj.kind ?? "");
    if (!resource) throw new Error(`add-on object ${obj.apiVersion}/${obj.kind} is not served by this API`);
    const name = `${resource.resource}/${obj.metadata.name}`;
    const client = new KubeClient<KubeObject>(transport, resource, { fieldManager: "svcnet-addons" });
    // Look first: creating a Service that exists with its fixed clusterIP is refused for the
    // address ("already allocated") before its name is even compared.
    if (await exists(client, obj)) {
      out.push({ object: name, outcome: "kept" });
      continue;
    }
    try {
      await client.create(obj);
      out.push({ object: name, outcome: "created" });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      out.push({ object: name, outcome: "kept" });
    }
  }
  return out;
}

async function exists(client: KubeClient<KubeObject>, obj: KubeObject): Promise<boolean> {
  try {
    await client.get(obj.metadata.namespace, obj.metadata.name ?? "");
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}
