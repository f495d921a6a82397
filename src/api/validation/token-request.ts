// authentication.k8s.io/v1 TokenRequest: its one default (an hour) and its validation
// (Kubernetes 1.32 SetDefaults_TokenRequestSpec, ValidateTokenRequest): at least ten minutes,
// at most 2^32 seconds.

import { fieldErrors, path, type FieldError } from "../field-errors.js";
import type { TokenRequest } from "../types.js";

/** Tokens live an hour unless the request says otherwise. */
export const defaultTokenExpirationSeconds = 60 * 60;
/** The shortest lifetime a TokenRequest may ask for. */
export const minTokenExpirationSeconds = 10 * 60;

/** Fills spec.expirationSeconds when unset. Mutates the request. */
export function defaultTokenRequest(tr: TokenRequest): void {
  if (typeof tr.spec !== "object" || tr.spec === null) tr.spec = { audiences: null };
  if (tr.spec.expirationSeconds === undefined || tr.spec.expirationSeconds === null) tr.spec.expirationSeconds = defaultTokenExpirationSeconds;
}

/** Field errors of a (defaulted) TokenRequest; [] when valid. */
export function validateTokenRequest(tr: TokenRequest): FieldError[] {
  const p = path("spec", "expirationSeconds");
  const exp = tr.spec.expirationSeconds ?? 0;
  const errs: FieldError[] = [];
  if (exp < minTokenExpirationSeconds) errs.push(fieldErrors.invalid(p, exp, "may not specify a duration less than 10 minutes"));
  if (exp > 2 ** 32) errs.push(fieldErrors.invalid(p, exp, "may not specify a duration larger than 2^32 seconds"));
  return errs;
}
