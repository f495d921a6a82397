// core/v1 Endpoints validation (Kubernetes 1.32 ValidateEndpoints): every subset has
// addresses, addresses are usable IPs, ports are in range with a protocol, and names are
// required once a subset has more than one port.

import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import type { Endpoints } from "../types.js";
import { invalidEach, validateDNS1123Label, validateProtocol, validateQualifiedName } from "./common.js";
import { validateIP, validateNonSpecialIP } from "./ip.js";
import { isValidPortNum, nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { list, num, optStr, rec, str } from "./read.js";

function validateAddress(a: Record<string, unknown>, p: FieldPath): FieldError[] {
  const ip = str(a.ip);
  const errs = validateIP(p.child("ip"), ip);
  const hostname = str(a.hostname);
  if (hostname) errs.push(...validateDNS1123Label(hostname, p.child("hostname")));
  const nodeName = optStr(a.nodeName);
  if (nodeName !== undefined) errs.push(...invalidEach(p.child("nodeName"), nodeName, nameIsDNSSubdomain(nodeName, false)));
  errs.push(...validateNonSpecialIP(p.child("ip"), ip));
  return errs;
}

function validatePort(port: Record<string, unknown>, requireName: boolean, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(port.name);
  if (requireName && !name) errs.push(fieldErrors.required(p.child("name")));
  else if (name) errs.push(...validateDNS1123Label(name, p.child("name")));
  const n = num(port.port);
  for (const m of isValidPortNum(n)) errs.push(fieldErrors.invalid(p.child("port"), n, m));
  errs.push(...validateProtocol(port.protocol, p.child("protocol")));
  const app = optStr(port.appProtocol);
  if (app !== undefined) errs.push(...validateQualifiedName(app, p.child("appProtocol")));
  return errs;
}

function validateSubsets(subsets: unknown): FieldError[] {
  const errs: FieldError[] = [];
  list(subsets).map(rec).forEach((ss, i) => {
    const p = path("subsets").index(i);
    const ready = list(ss.addresses).map(rec);
    const notReady = list(ss.notReadyAddresses).map(rec);
    if (ready.length === 0 && notReady.length === 0) errs.push(fieldErrors.required(p, "must specify `addresses` or `notReadyAddresses`"));
    ready.forEach((a, j) => errs.push(...validateAddress(a, p.child("addresses").index(j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, p.child("notReadyAddresses").index(j))));
    const ports = list(ss.ports).map(rec);
    ports.forEach((port, j) => errs.push(...validatePort(port, ports.length > 1, p.child("ports").index(j))));
  });
  return errs;
}

/** Endpoints on create (expects defaulted ports). */
export function validateEndpoints(ep: Endpoints): FieldError[] {
  return [...validateObjectMeta(ep.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateSubsets(ep.subsets)];
}

/** Endpoints on update: metadata rules plus the create rules. */
export function validateEndpointsUpdate(ep: Endpoints, old: Endpoints): FieldError[] {
  return [...validateObjectMetaUpdate(ep.metadata, old.metadata), ...validateEndpoints(ep)];
}
