// Pod, PodSpec and Container defaults as Kubernetes 1.32 applies them on every write
// (SetDefaults_Pod, SetDefaults_PodSpec, SetDefaults_Container, probes, ports, env).
// Mutates the object it is given: call it on a private copy.

import { isJsonObject, type JsonObject } from "../json.js";
import type { Pod, PodSpec } from "../types.js";

/** Where a container's termination message is read from unless set. */
export const defaultTerminationMessagePath = "/dev/termination-log";
/** Seconds a pod gets between SIGTERM and SIGKILL unless set. */
export const defaultTerminationGracePeriodSeconds = 30;
/** Mode of configMap/secret/downwardAPI/projected volume files unless set (0644). */
export const defaultVolumeMode = 0o644;

const objects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

/**
 * The pull policy Kubernetes picks for an image: Always when the tag is `latest` or missing
 * (and no digest pins it), IfNotPresent otherwise.
 */
export function defaultImagePullPolicy(image: string): "Always" | "IfNotPresent" {
  if (image.includes("@")) return "IfNotPresent";
  const lastSlash = image.lastIndexOf("/");
  const lastColon = image.lastIndexOf(":");
  const tag = lastColon > lastSlash ? image.slice(lastColon + 1) : "";
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultProbe(probe: unknown): void {
  if (!isJsonObject(probe)) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (isJsonObject(probe.httpGet)) {
    probe.httpGet.path ??= "/";
    probe.httpGet.scheme ??= "HTTP";
  }
  if (isJsonObject(probe.grpc)) probe.grpc.service ??= "";
}

function defaultHandler(handler: unknown): void {
  if (!isJsonObject(handler) || !isJsonObject(handler.httpGet)) return;
  handler.httpGet.path ??= "/";
  handler.httpGet.scheme ??= "HTTP";
}

/** Container defaults: pull policy, termination message path/policy, port protocol, probes, fieldRef apiVersion. */
export function defaultContainer(c: JsonObject): void {
  // An image that does not parse (e.g. empty) gets IfNotPresent, as Kubernetes does.
  if (!c.imagePullPolicy) c.imagePullPolicy = typeof c.image === "string" && c.image !== "" ? defaultImagePullPolicy(c.image) : "IfNotPresent";
  if (!c.terminationMessagePath) c.terminationMessagePath = defaultTerminationMessagePath;
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = "File";
  for (const p of objects(c.ports)) if (!p.protocol) p.protocol = "TCP";
  for (const e of objects(c.env)) {
    const ref = isJsonObject(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
    if (isJsonObject(ref) && !ref.apiVersion) ref.apiVersion = "v1";
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isJsonObject(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
}

/** Requests default to limits for every resource with a limit but no request (pods only, not templates). */
function defaultRequestsFromLimits(c: JsonObject): void {
  if (!isJsonObject(c.resources) || !isJsonObject(c.resources.limits)) return;
  const requests = isJsonObject(c.resources.requests) ? c.resources.requests : {};
  for (const [k, v] of Object.entries(c.resources.limits)) if (requests[k] === undefined && v !== undefined) requests[k] = v;
  c.resources.requests = requests;
}

function defaultVolumes(volumes: unknown): void {
  for (const v of objects(volumes)) {
    for (const kind of ["configMap", "secret", "downwardAPI", "projected"]) {
      const src = v[kind];
      if (isJsonObject(src) && src.defaultMode === undefined) src.defaultMode = defaultVolumeMode;
    }
    if (isJsonObject(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = "";
  }
}

/**
 * PodSpec defaults (pods and pod templates alike): dnsPolicy ClusterFirst, restartPolicy
 * Always, terminationGracePeriodSeconds 30, securityContext {}, schedulerName
 * default-scheduler, serviceAccount mirroring serviceAccountName, and container defaults for
 * every container.
 */
export function defaultPodSpec(spec: PodSpec): void {
  // The deprecated serviceAccount is an alias: it fills serviceAccountName when that is empty,
  // and always reads back equal to it (what Kubernetes' v1 conversion does).
  if (!spec.serviceAccountName && typeof spec.serviceAccount === "string" && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  if (!spec.dnsPolicy) spec.dnsPolicy = "ClusterFirst";
  if (!spec.restartPolicy) spec.restartPolicy = "Always";
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = defaultTerminationGracePeriodSeconds;
  }
  if (!isJsonObject(spec.securityContext)) spec.securityContext = {};
  if (!spec.schedulerName) spec.schedulerName = "default-scheduler";
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers), ...objects(spec.ephemeralContainers)]) defaultContainer(c);
  defaultVolumes(spec.volumes);
}

/**
 * Pod defaults: the PodSpec defaults, plus what only pods get: enableServiceLinks true,
 * requests copied from limits, and hostPort = containerPort for host-network pods.
 * (status.phase Pending and qosClass are set by the pod strategy on create, not here.)
 */
export function defaultPod(pod: Pod): void {
  if (!isJsonObject(pod.spec)) pod.spec = { containers: [] };
  defaultPodSpec(pod.spec);
  if (pod.spec.enableServiceLinks === undefined || pod.spec.enableServiceLinks === null) pod.spec.enableServiceLinks = true;
  for (const c of [...objects(pod.spec.containers), ...objects(pod.spec.initContainers)]) defaultRequestsFromLimits(c);
  if (pod.spec.hostNetwork === true) {
    for (const c of [...objects(pod.spec.containers), ...objects(pod.spec.initContainers)]) {
      for (const p of objects(c.ports)) if (!p.hostPort && typeof p.containerPort === "number") p.hostPort = p.containerPort;
    }
  }
}
