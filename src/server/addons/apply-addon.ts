// Creates an add-on's objects through the API unless they exist already (a user's edits to a
// running add-on are kept, as kubeadm leaves a customised CoreDNS alone on restart).

import { findResourceByKind } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import type { Transport } from "../../client/index.js";
import { isAlreadyExists, isNotFound, KubeClient } from "../../client/index.js";

/** Creates each object that does not exist; returns "created" or "kept" per object, in order. */
export async function applyAddon(transport: Transport, objects: readonly KubeObject[]): Promise<{ object: string; outcome: "created" | "kept" }[]> {
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
