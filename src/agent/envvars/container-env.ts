// The complete environment of a container: its own `env` (with `$(VAR)` expansion and
// fieldRef values) followed by the service variables it did not define itself.

import type { Container, Pod, Service } from "../../api/types.js";
import { isJsonObject } from "../../api/json.js";
import { expandVars } from "./expand.js";
import { fieldRefValue, type PodRuntimeInfo } from "./field-ref.js";
import { serviceEnv, type EnvVar } from "./service-env.js";

/** Options for {@link containerEnv}: runtime facts plus pre-resolved `envFrom` sources. */
export interface ContainerEnvOptions extends PodRuntimeInfo {
  /** Services from the agent's cache (all namespaces); filtering is done here. */
  services?: readonly Service[];
  /**
   * Variables from the container's `envFrom` sources, already resolved by the caller
   * (ConfigMaps/Secrets need I/O), in declaration order. `env` overrides them.
   */
  envFrom?: readonly EnvVar[];
}

/** A `valueFrom` source this pure module cannot resolve (configMapKeyRef, secretKeyRef…). */
export class UnsupportedEnvSourceError extends Error {
  readonly code = "UnsupportedEnvSource";
  constructor(readonly varName: string, readonly source: string) {
    super(`env var ${varName}: valueFrom.${source} is not supported`);
    this.name = "UnsupportedEnvSourceError";
  }
}

/**
 * The ordered environment kubelet gives `container` of `pod`:
 * 1. `envFrom` variables (resolved by the caller), then each `env` entry in order — a
 *    later definition of the same name replaces the value but keeps the first position;
 *    a non-empty `value` is `$(VAR)`-expanded against the variables defined so far and
 *    then the service variables; otherwise `valueFrom.fieldRef` is resolved;
 * 2. then service variables (see serviceEnv) whose names the container did not define.
 * Throws UnsupportedFieldPathError / UnsupportedEnvSourceError where kubelet would fail
 * the container start.
 */
export function containerEnv(pod: Pod, container: Container, opts: ContainerEnvOptions = {}): EnvVar[] {
  const svcVars = serviceEnv(opts.services ?? [], {
    namespace: pod.metadata.namespace ?? "default",
    enableServiceLinks: enableServiceLinks(pod),
  });
  const svcMap = new Map(svcVars.map((v) => [v.name, v.value]));
  const own = new Map<string, string>();
  for (const v of opts.envFrom ?? []) own.set(v.name, v.value);
  const lookup = (name: string): string | undefined => own.get(name) ?? svcMap.get(name);
  for (const entry of container.env ?? []) {
    own.set(entry.name, entryValue(pod, entry, lookup, opts));
  }
  const out: EnvVar[] = [...own].map(([name, value]) => ({ name, value }));
  for (const v of svcVars) if (!own.has(v.name)) out.push(v);
  return out;
}

/** {@link containerEnv} as a plain record (for spawning a process). */
export function containerEnvRecord(pod: Pod, container: Container, opts: ContainerEnvOptions = {}): Record<string, string> {
  return Object.fromEntries(containerEnv(pod, container, opts).map((v) => [v.name, v.value]));
}

type EnvEntry = NonNullable<Container["env"]>[number];

function entryValue(pod: Pod, entry: EnvEntry, lookup: (n: string) => string | undefined, info: PodRuntimeInfo): string {
  if (entry.value) return expandVars(entry.value, lookup);
  const from = entry.valueFrom;
  if (!from) return "";
  const fieldRef = from["fieldRef"];
  if (isJsonObject(fieldRef)) {
    const path = fieldRef["fieldPath"];
    return fieldRefValue(pod, typeof path === "string" ? path : "", info);
  }
  const source = Object.keys(from)[0] ?? "unknown";
  throw new UnsupportedEnvSourceError(entry.name, source);
}

function enableServiceLinks(pod: Pod): boolean {
  return pod.spec["enableServiceLinks"] !== false;
}
