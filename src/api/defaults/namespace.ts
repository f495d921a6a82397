// Namespace defaults. status.phase Active on every write (SetDefaults_NamespaceStatus); the
// "kubernetes" finalizer only on create (the namespace strategy's PrepareForCreate), because
// the namespace controller removes it again through /finalize.

import { isJsonObject } from "../json.js";
import type { Namespace } from "../types.js";

/** status.phase defaults to Active. */
export function defaultNamespace(ns: Namespace): void {
  if (!isJsonObject(ns.status)) ns.status = {};
  if (!ns.status.phase) ns.status.phase = "Active";
}

/** On create: status is exactly {phase: Active} and spec.finalizers contains "kubernetes". */
export function prepareNamespaceForCreate(ns: Namespace): void {
  ns.status = { phase: "Active" };
  if (!isJsonObject(ns.spec)) ns.spec = {};
  const finalizers = Array.isArray(ns.spec.finalizers) ? ns.spec.finalizers : [];
  if (!finalizers.includes("kubernetes")) finalizers.push("kubernetes");
  ns.spec.finalizers = finalizers;
}
