// discovery.k8s.io/v1 EndpointSlice validation (Kubernetes 1.32): addressType required and
// immutable, at most 1000 endpoints of 1-100 addresses valid for the type, at most 20000
// ports with unique names and a protocol.

import { fieldErrors, path, type FieldError } from "../field-errors.js";
import type { EndpointSlice } from "../types.js";
import { invalidEach, validateDNS1123Label, validateImmutable, validateLabels } from "./common.js";
import { validateIPv4Address, validateIPv6Address, validateNonSpecialIP, validateIP } from "./ip.js";
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { list, optStr, rec, str } from "./read.js";

/** Most endpoints one slice may hold. */
export const maxEndpointsPerSlice = 1000;
const maxAddresses = 100;
const maxPorts = 20000;
const supportedAddressTypes = ["FQDN", "IPv4", "IPv6"];
const supportedProtocols = ["SCTP", "TCP", "UDP"];

function validateFQDN(p: ReturnType<typeof path>, name: string): FieldError[] {
  if (!name) return [fieldErrors.required(p)];
  const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
  const sub = isDNS1123Subdomain(trimmed);
  if (sub.length) return [fieldErrors.invalid(p, trimmed, sub.join(","))];
  const labels = trimmed.split(".");
  if (labels.length < 2) return [fieldErrors.invalid(p, trimmed, "should be a domain with at least two segments separated by dots")];
  for (const l of labels) {
    const m = isDNS1123Label(l);
    if (m.length) return [fieldErrors.invalid(p, l, m.join(","))];
  }
  return [];
}

function validateEndpoints(endpoints: unknown, addressType: string): FieldError[] {
  const all = list(endpoints).map(rec);
  const p = path("endpoints");
  if (all.length > maxEndpointsPerSlice) return [fieldErrors.tooMany(p, all.length, maxEndpointsPerSlice)];
  const errs: FieldError[] = [];
  all.forEach((ep, i) => {
    const ip = p.index(i);
    const ap = ip.child("addresses");
    const addresses = list(ep.addresses).map(str);
    if (addresses.length === 0) errs.push(fieldErrors.required(ap, "must contain at least 1 address"));
    else if (addresses.length > maxAddresses) errs.push(fieldErrors.tooMany(ap, addresses.length, maxAddresses));
    addresses.forEach((a, j) => {
      const xp = ap.index(j);
      if (addressType === "IPv4" || addressType === "IPv6") {
        const e = addressType === "IPv4" ? validateIPv4Address(xp, a) : validateIPv6Address(xp, a);
        errs.push(...(e.length ? e : validateNonSpecialIP(xp, a)));
      } else if (addressType === "FQDN") {
        errs.push(...validateFQDN(xp, a));
      } else if (addressType === "IP") {
        errs.push(...validateIP(xp, a));
      }
    });
    const nodeName = optStr(ep.nodeName);
    if (nodeName !== undefined) errs.push(...invalidEach(ip.child("nodeName"), nodeName, nameIsDNSSubdomain(nodeName, false)));
    const hostname = optStr(ep.hostname);
    if (hostname !== undefined) errs.push(...validateDNS1123Label(hostname, ip.child("hostname")));
    if (ep.deprecatedTopology !== undefined) errs.push(...validateLabels(ep.deprecatedTopology, ip.child("deprecatedTopology")));
  });
  return errs;
}

function validatePorts(ports: unknown): FieldError[] {
  const all = list(ports).map(rec);
  const p = path("ports");
  if (all.length > maxPorts) return [fieldErrors.tooMany(p, all.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  all.forEach((port, i) => {
    const ip = p.index(i);
    const name = str(port.name);
    if (name) errs.push(...validateDNS1123Label(name, ip.child("name")));
    if (names.has(name)) errs.push(fieldErrors.duplicate(ip.child("name"), name));
    else names.add(name);
    const protocol = optStr(port.protocol);
    if (protocol === undefined) errs.push(fieldErrors.required(ip.child("protocol")));
    else if (!supportedProtocols.includes(protocol)) errs.push(fieldErrors.notSupported(ip.child("protocol"), protocol, supportedProtocols));
    const app = optStr(port.appProtocol);
    if (app !== undefined) errs.push(...invalidEach(ip.child("appProtocol"), app, isQualifiedName(app)));
  });
  return errs;
}

function validateSlice(slice: EndpointSlice, allowed: readonly string[]): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const addressType = str(slice.addressType);
  if (!addressType) errs.push(fieldErrors.required(path("addressType")));
  else if (!allowed.includes(addressType)) errs.push(fieldErrors.notSupported(path("addressType"), addressType, allowed));
  errs.push(...validateEndpoints(slice.endpoints, addressType));
  errs.push(...validatePorts(slice.ports));
  return errs;
}

/** An EndpointSlice on create (expects defaulted ports). */
export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  return validateSlice(slice, supportedAddressTypes);
}

/** An EndpointSlice on update: the deprecated "IP" type is tolerated, addressType is immutable. */
export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): FieldError[] {
  const errs = validateObjectMetaUpdate(slice.metadata, old.metadata).concat(
    validateSlice(slice, ["FQDN", "IP", "IPv4", "IPv6"]).filter((e) => !e.field.startsWith("metadata.")),
  );
  errs.push(...validateImmutable(str(slice.addressType), str(old.addressType), path("addressType")));
  return errs;
}
