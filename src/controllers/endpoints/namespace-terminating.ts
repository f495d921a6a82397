// Recognising the refusal to create objects in a namespace that is being deleted.

import { ClientError } from "../../client/index.js";

/**
 * True for the API's answer to a create in a terminating namespace (403 with the cause
 * NamespaceTerminating). Controllers drop such work: the namespace's objects are about to go.
 */
export function isNamespaceTerminating(e: unknown): boolean {
  return e instanceof ClientError && e.code === 403 && (e.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating");
}
