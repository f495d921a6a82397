// One request's audit, from arrival to response. The API server begins it as a request comes
// in, tells it whom the request authenticated (and impersonated) as, and finishes it with the
// response, which then carries the Audit-Id header — every response does, audited or not. The
// event of a mutating request goes to the sink once its response is ready; the sink writes it
// later, off the request path. Nothing here throws into a request: an event that cannot be
// made is lost, never the response.

import { isJsonObject } from "../../api/json.js";
import { parseBody } from "../body.js";
import type { ApiRequest, ApiResponse } from "../request.js";
import type { UserInfo } from "../user-info.js";
import type { AuditSink, ObjectNamedInBody } from "./audit-event.js";
import { auditTarget, buildAuditEvent } from "./audit-event.js";
import { auditIdHeader, auditIdOf } from "./audit-id.js";
import { microClock } from "./micro-time.js";

export interface RequestAuditorOptions {
  /** Where the events of mutating requests go; without one none are kept (the header still is sent). */
  sink?: AuditSink;
  /** Microseconds since the epoch (default: microClock()). */
  nowMicros?: () => number;
  /** Makes an audit ID when the request brings none (default: a random UUID). */
  newAuditId?: () => string;
}

/** The name and namespace a create's body gives its object, if the body decodes. */
function objectNamedInBody(req: ApiRequest): ObjectNamedInBody | undefined {
  if (req.body.length === 0) return undefined;
  try {
    const { value } = parseBody(req.body, req.headers["content-type"]);
    const meta = isJsonObject(value) && isJsonObject(value.metadata) ? value.metadata : undefined;
    if (!meta) return undefined;
    return {
      ...(typeof meta.name === "string" ? { name: meta.name } : {}),
      ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Makes the audit of each request the API server handles. */
export class RequestAuditor {
  readonly #sink: AuditSink | undefined;
  readonly #now: () => number;
  readonly #newId: (() => string) | undefined;

  constructor(options: RequestAuditorOptions = {}) {
    this.#sink = options.sink;
    this.#now = options.nowMicros ?? microClock();
    this.#newId = options.newAuditId;
  }

  /** Starts the audit of a request that has just arrived. */
  begin(req: ApiRequest): RequestAudit {
    return new RequestAudit(req, { sink: this.#sink, now: this.#now, auditID: auditIdOf(req.headers, this.#newId) });
  }
}

/** The audit of one request; `finish` it exactly once, with the response. */
export class RequestAudit {
  readonly auditID: string;
  readonly #req: ApiRequest;
  readonly #sink: AuditSink | undefined;
  readonly #now: () => number;
  readonly #received: number;
  #user: UserInfo | undefined;
  #impersonated: UserInfo | undefined;

  constructor(req: ApiRequest, o: { sink: AuditSink | undefined; now: () => number; auditID: string }) {
    this.#req = req;
    this.#sink = o.sink;
    this.#now = o.now;
    this.auditID = o.auditID;
    this.#received = o.now();
  }

  /** The user the request authenticated as (undefined: none). */
  authenticated(user: UserInfo | undefined): void {
    this.#user = user;
  }

  /** The user the request acts as through impersonation. */
  impersonating(user: UserInfo): void {
    this.#impersonated = user;
  }

  /** The response with its Audit-Id header; records the event when the request is audited. */
  finish(res: ApiResponse): ApiResponse {
    if (this.#sink) {
      try {
        this.#record(this.#sink, res);
      } catch (e) {
        console.error("svcnet: audit event not recorded:", e);
      }
    }
    // A copy: handlers may answer with shared header objects.
    return { ...res, headers: { ...res.headers, [auditIdHeader]: this.auditID } };
  }

  #record(sink: AuditSink, res: ApiResponse): void {
    const req = this.#req;
    // Only an authenticated request's body is decoded a second time (for a create whose path
    // names no object): a refused stranger's input should cost nothing more than the refusal.
    const target = auditTarget(req.method, req.path, req.query, this.#user ? () => objectNamedInBody(req) : undefined);
    if (!target) return;
    sink.write(
      buildAuditEvent({
        auditID: this.auditID,
        target,
        path: req.path,
        query: req.query,
        headers: req.headers,
        remoteAddress: req.remoteAddress,
        user: this.#user,
        impersonatedUser: this.#impersonated,
        status: res.status,
        body: res.body,
        receivedMicros: this.#received,
        completedMicros: this.#now(),
      }),
    );
  }
}
