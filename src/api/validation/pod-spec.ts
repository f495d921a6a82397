// PodSpec and PodTemplateSpec validation in Kubernetes 1.32 wording: containers, ports,
// environment, policies, names. Volumes are checked for names and mounts only; security
// contexts, resources, probes and affinity are accepted as given (see the package report).

import { fieldErrors, type FieldError, type FieldPath } from "../field-errors.js";
import { invalidEach, validateAnnotations, validateDNS1123Label, validateDNS1123Subdomain, validateLabels, validateProtocol, validateQualifiedName } from "./common.js";
import { validateIP } from "./ip.js";
import { inclusiveRangeError, isRelaxedEnvVarName, isValidLabelValue, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from "./names.js";
import { list, num, optNum, rec, str } from "./read.js";

export interface PodSpecValidationOptions {
  /** True when the spec belongs to a Pod (not a template): hostPort must equal containerPort on the host network. */
  resourceIsPod?: boolean;
}

const maxInt32 = 2147483647;
const restartPolicies = ["Always", "OnFailure", "Never"];
const dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const pullPolicies = ["Always", "IfNotPresent", "Never"];
const terminationMessagePolicies = ["File", "FallbackToLogsOnError"];

function validateContainerPorts(ports: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(ports).map(rec).forEach((port, i) => {
    const ip = p.index(i);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...invalidEach(ip.child("name"), name, msgs));
      else if (names.has(name)) errs.push(fieldErrors.duplicate(ip.child("name"), name));
      else names.add(name);
    }
    const cp = num(port.containerPort);
    if (cp === 0) errs.push(fieldErrors.required(ip.child("containerPort")));
    else for (const m of isValidPortNum(cp)) errs.push(fieldErrors.invalid(ip.child("containerPort"), cp, m));
    const hp = num(port.hostPort);
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(fieldErrors.invalid(ip.child("hostPort"), hp, m));
    errs.push(...validateProtocol(port.protocol, ip.child("protocol")));
  });
  return errs;
}

function validateEnv(env: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(env).map(rec).forEach((e, i) => {
    const name = str(e.name);
    if (!name) errs.push(fieldErrors.required(p.index(i).child("name")));
    else errs.push(...invalidEach(p.index(i).child("name"), name, isRelaxedEnvVarName(name)));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: Set<string>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  list(mounts).map(rec).forEach((m, i) => {
    const ip = p.index(i);
    const name = str(m.name);
    if (!name) errs.push(fieldErrors.required(ip.child("name")));
    else if (!volumes.has(name)) errs.push(fieldErrors.notFound(ip.child("name"), name));
    const mountPath = str(m.mountPath);
    if (!mountPath) errs.push(fieldErrors.required(ip.child("mountPath")));
    else if (paths.has(mountPath)) errs.push(fieldErrors.invalid(ip.child("mountPath"), mountPath, "must be unique"));
    paths.add(mountPath);
  });
  return errs;
}

function validateContainerCommon(c: Record<string, unknown>, volumes: Set<string>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(fieldErrors.required(p.child("name")));
  else errs.push(...validateDNS1123Label(name, p.child("name")));
  if (!str(c.image)) errs.push(fieldErrors.required(p.child("image")));
  const tmp = str(c.terminationMessagePolicy);
  if (!tmp) errs.push(fieldErrors.required(p.child("terminationMessagePolicy")));
  else if (!terminationMessagePolicies.includes(tmp)) errs.push(fieldErrors.notSupported(p.child("terminationMessagePolicy"), tmp, terminationMessagePolicies));
  errs.push(...validateContainerPorts(c.ports, p.child("ports")));
  errs.push(...validateEnv(c.env, p.child("env")));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, p.child("volumeMounts")));
  const pull = str(c.imagePullPolicy);
  if (!pull) errs.push(fieldErrors.required(p.child("imagePullPolicy")));
  else if (!pullPolicies.includes(pull)) errs.push(fieldErrors.notSupported(p.child("imagePullPolicy"), pull, [...pullPolicies].sort()));
  return errs;
}

function hostPortConflicts(containers: Record<string, unknown>[], p: FieldPath, seen: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    list(c.ports).map(rec).forEach((port, pi) => {
      const hp = num(port.hostPort);
      if (hp === 0) return;
      const key = `${str(port.hostIP)}/${str(port.protocol)}/${hp}`;
      if (seen.has(key)) errs.push(fieldErrors.duplicate(p.index(ci).child("ports").index(pi).child("hostPort"), key));
      else seen.add(key);
    });
  });
  return errs;
}

function validateVolumes(volumes: unknown, p: FieldPath): { names: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  list(volumes).map(rec).forEach((v, i) => {
    const name = str(v.name);
    if (!name) errs.push(fieldErrors.required(p.index(i).child("name")));
    else errs.push(...validateDNS1123Label(name, p.index(i).child("name")));
    if (names.has(name)) errs.push(fieldErrors.duplicate(p.index(i).child("name"), name));
    else if (name) names.add(name);
  });
  return { names, errs };
}

function validateTolerations(tolerations: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(tolerations).map(rec).forEach((t, i) => {
    const ip = p.index(i);
    const key = str(t.key);
    const op = str(t.operator);
    const value = str(t.value);
    const effect = str(t.effect);
    if (key) errs.push(...validateQualifiedName(key, ip.child("key")));
    if (!key && op !== "Exists") {
      errs.push(fieldErrors.invalid(ip.child("operator"), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== "NoExecute") {
      errs.push(fieldErrors.invalid(ip.child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === "Equal" || op === "") {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(fieldErrors.invalid(ip.child("operator"), value, msgs.join(";")));
    } else if (op === "Exists") {
      if (value) errs.push(fieldErrors.invalid(ip.child("operator"), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(fieldErrors.notSupported(ip.child("operator"), op, ["Equal", "Exists"]));
    }
    if (effect && !["NoSchedule", "PreferNoSchedule", "NoExecute"].includes(effect)) {
      errs.push(fieldErrors.notSupported(ip.child("effect"), effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"]));
    }
  });
  return errs;
}

/** Validates a PodSpec at p (spec, or spec.template.spec). Expects a defaulted spec. */
export function validatePodSpec(specValue: unknown, p: FieldPath, opts: PodSpecValidationOptions = {}): FieldError[] {
  const spec = rec(specValue);
  const errs: FieldError[] = [];
  if (optNum(spec.terminationGracePeriodSeconds) === undefined) errs.push(fieldErrors.required(p.child("terminationGracePeriodSeconds")));
  const vols = validateVolumes(spec.volumes, p.child("volumes"));
  errs.push(...vols.errs);
  const containers = list(spec.containers).map(rec);
  const cPath = p.child("containers");
  if (containers.length === 0) {
    errs.push(fieldErrors.required(cPath));
  } else {
    const names = new Set<string>();
    containers.forEach((c, i) => {
      errs.push(...validateContainerCommon(c, vols.names, cPath.index(i)));
      const name = str(c.name);
      if (names.has(name)) errs.push(fieldErrors.duplicate(cPath.index(i).child("name"), name));
      else names.add(name);
      if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
        errs.push(fieldErrors.forbidden(cPath.index(i).child("restartPolicy"), "may not be set for non-init containers"));
      }
    });
    errs.push(...hostPortConflicts(containers, cPath, new Set()));
  }
  const inits = list(spec.initContainers).map(rec);
  const allNames = new Set(containers.map((c) => str(c.name)));
  inits.forEach((c, i) => {
    const ip = p.child("initContainers").index(i);
    errs.push(...validateContainerCommon(c, vols.names, ip));
    const name = str(c.name);
    if (allNames.has(name)) errs.push(fieldErrors.duplicate(ip.child("name"), name));
    else if (name) allNames.add(name);
    errs.push(...hostPortConflicts([c], p.child("initContainers"), new Set()));
  });
  if (rec(spec.securityContext).hostNetwork === true || spec.hostNetwork === true) {
    containers.forEach((c, ci) => {
      list(c.ports).map(rec).forEach((port, pi) => {
        const hp = num(port.hostPort);
        if ((opts.resourceIsPod || hp !== 0) && hp !== num(port.containerPort)) {
          errs.push(fieldErrors.invalid(cPath.index(ci).child("ports").index(pi).child("hostPort"), hp, "must match `containerPort` when `hostNetwork` is true"));
        }
      });
    });
  }
  const restart = str(spec.restartPolicy);
  if (!restart) errs.push(fieldErrors.required(p.child("restartPolicy")));
  else if (!restartPolicies.includes(restart)) errs.push(fieldErrors.notSupported(p.child("restartPolicy"), restart, restartPolicies));
  const dns = str(spec.dnsPolicy);
  if (!dns) errs.push(fieldErrors.required(p.child("dnsPolicy")));
  else if (!dnsPolicies.includes(dns)) errs.push(fieldErrors.notSupported(p.child("dnsPolicy"), dns, dnsPolicies));
  errs.push(...validateLabels(spec.nodeSelector, p.child("nodeSelector")));
  if (dns === "None" && (spec.dnsConfig === undefined || spec.dnsConfig === null)) {
    errs.push(fieldErrors.required(p.child("dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None"));
  }
  list(rec(spec.dnsConfig).nameservers).map(str).forEach((ns, i) => errs.push(...validateIP(p.child("dnsConfig", "nameservers").index(i), ns)));
  list(spec.readinessGates).map(rec).forEach((g, i) => errs.push(...validateQualifiedName(str(g.conditionType), p.child("readinessGates").index(i).child("conditionType"))));
  const sa = str(spec.serviceAccountName);
  if (sa) errs.push(...invalidEach(p.child("serviceAccountName"), sa, nameIsDNSSubdomain(sa, false)));
  const nodeName = str(spec.nodeName);
  if (nodeName) errs.push(...invalidEach(p.child("nodeName"), nodeName, nameIsDNSSubdomain(nodeName, false)));
  const ads = optNum(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > maxInt32)) errs.push(fieldErrors.invalid(p.child("activeDeadlineSeconds"), ads, inclusiveRangeError(1, maxInt32)));
  const hostname = str(spec.hostname);
  if (hostname) errs.push(...validateDNS1123Label(hostname, p.child("hostname")));
  const subdomain = str(spec.subdomain);
  if (subdomain) errs.push(...validateDNS1123Label(subdomain, p.child("subdomain")));
  errs.push(...validateTolerations(spec.tolerations, p.child("tolerations")));
  list(spec.hostAliases).map(rec).forEach((h, i) => {
    errs.push(...validateIP(p.child("hostAliases").index(i).child("ip"), str(h.ip)));
    list(h.hostnames).map(str).forEach((hn, j) => errs.push(...validateDNS1123Subdomain(hn, p.child("hostAliases").index(i).child("hostnames").index(j))));
  });
  return errs;
}

/**
 * A pod template (RC, Deployment, ReplicaSet): its labels (reported at `<p>.labels`, as
 * Kubernetes does), annotations and spec; ephemeral containers are not allowed.
 */
export function validatePodTemplateSpec(template: unknown, p: FieldPath): FieldError[] {
  const t = rec(template);
  const meta = rec(t.metadata);
  const errs = [...validateLabels(meta.labels, p.child("labels")), ...validateAnnotations(meta.annotations, p.child("annotations"))];
  errs.push(...validatePodSpec(t.spec, p.child("spec")));
  if (list(rec(t.spec).ephemeralContainers).length > 0) {
    errs.push(fieldErrors.forbidden(p.child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"));
  }
  return errs;
}
