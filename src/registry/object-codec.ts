// Objects are stored as JSON without their resourceVersion (the store's revision is the truth);
// reading sets metadata.resourceVersion from the key's modRevision.

import type { KubeObject } from "../api/types.js";
import type { KeyValue } from "../storage/store.js";

export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, selfLink: _sl, ...meta } = obj.metadata;
  return JSON.stringify({ ...obj, metadata: meta });
}

export function decodeObject(kv: KeyValue): KubeObject {
  const obj = JSON.parse(kv.value) as KubeObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}
