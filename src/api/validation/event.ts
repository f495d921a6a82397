// core/v1 Event validation (Kubernetes 1.32 legacy event rules for the v1 API): namespace
// agreement with the involved object and, for "new" events with an eventTime, reporting
// fields and length limits. Event names are not validated on the v1 API.

import { fieldErrors, path, type FieldError } from "../field-errors.js";
import type { Event } from "../types.js";
import { invalidEach, validateQualifiedName } from "./common.js";
import { isDNS1123Subdomain, nameIsPathSegment } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { rec, str } from "./read.js";

const reportingInstanceLimit = 128;
const actionLimit = 128;
const reasonLimit = 128;
const noteLimit = 1024;

/** A core/v1 Event on create. */
export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(ev.metadata?.namespace);
  const involvedNs = str(rec(ev.involvedObject).namespace);
  const nsPath = path("involvedObject", "namespace");
  if (!ev.eventTime) {
    if (!involvedNs) {
      if (ns !== "" && ns !== "default") errs.push(fieldErrors.invalid(nsPath, involvedNs, "does not match event.namespace"));
    } else if (ns !== involvedNs) {
      errs.push(fieldErrors.invalid(nsPath, involvedNs, "does not match event.namespace"));
    }
  } else {
    if (!involvedNs && ns !== "default" && ns !== "kube-system") errs.push(fieldErrors.invalid(nsPath, involvedNs, "does not match event.namespace"));
    const controller = str(ev.reportingComponent);
    if (!controller) errs.push(fieldErrors.required(path("reportingComponent")));
    errs.push(...validateQualifiedName(controller, path("reportingComponent")));
    const instance = str(ev.reportingInstance);
    if (!instance) errs.push(fieldErrors.required(path("reportingInstance")));
    if (instance.length > reportingInstanceLimit) errs.push(fieldErrors.invalid(path("reportingInstance"), "", `can have at most ${reportingInstanceLimit} characters`));
    const action = str(ev.action);
    if (!action) errs.push(fieldErrors.required(path("action")));
    if (action.length > actionLimit) errs.push(fieldErrors.invalid(path("action"), "", `can have at most ${actionLimit} characters`));
    const reason = str(ev.reason);
    if (!reason) errs.push(fieldErrors.required(path("reason")));
    if (reason.length > reasonLimit) errs.push(fieldErrors.invalid(path("reason"), "", `can have at most ${reasonLimit} characters`));
    if (str(ev.message).length > noteLimit) errs.push(fieldErrors.invalid(path("message"), "", `can have at most ${noteLimit} characters`));
  }
  errs.push(...invalidEach(path("namespace"), ns, isDNS1123Subdomain(ns)));
  // The API server's generic metadata check runs only once the kind's own rules pass.
  if (errs.length === 0) errs.push(...validateObjectMeta(ev.metadata, { namespaced: true, nameValidator: nameIsPathSegment }));
  return errs;
}

/** A core/v1 Event update: metadata rules plus the create rules. */
export function validateEventUpdate(ev: Event, old: Event): FieldError[] {
  return [...validateObjectMetaUpdate(ev.metadata, old.metadata), ...validateEvent(ev).filter((e) => !e.field.startsWith("metadata."))];
}
