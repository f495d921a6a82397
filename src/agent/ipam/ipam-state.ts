// The persisted form of a node's host-local IPAM: which address belongs to which pod sandbox,
// and where the round-robin search resumes. The I/O layer writes it as JSON; this file only
// defines and validates its shape.

import { isJsonObject } from "../../api/json.js";

/** What `HostLocalIpam.toJSON()` produces and its constructor accepts back. */
export interface IpamState {
  /** The pod CIDR the allocations were made from, canonical text (`10.1.13.0/24`). */
  range: string;
  /** The address handed out most recently; the next search starts after it. */
  lastReservedIP?: string;
  /** Address (canonical text) → the id (container or pod sandbox id) holding it. */
  allocations: Record<string, string>;
}

/** Raised for unreadable persisted state, a full range, or a conflicting adoption. */
export class IpamError extends Error {
  /** Stable code callers may branch on. */
  readonly code: "InvalidRange" | "InvalidState" | "RangeFull" | "Conflict";

  constructor(code: IpamError["code"], message: string) {
    super(message);
    this.name = "IpamError";
    this.code = code;
  }
}

/**
 * Checks that `value` (typically `JSON.parse` of the persisted file) has the `IpamState` shape.
 * Throws IpamError("InvalidState") naming the first bad field; never returns a partial state.
 * Address validity is not checked here: the allocator skips entries outside its range.
 */
export function parseIpamState(value: unknown): IpamState {
  if (!isJsonObject(value)) throw new IpamError("InvalidState", "ipam state: not an object");
  const { range, lastReservedIP, allocations } = value;
  if (typeof range !== "string") throw new IpamError("InvalidState", "ipam state: range must be a string");
  if (lastReservedIP !== undefined && typeof lastReservedIP !== "string") {
    throw new IpamError("InvalidState", "ipam state: lastReservedIP must be a string");
  }
  if (!isJsonObject(allocations)) {
    throw new IpamError("InvalidState", "ipam state: allocations must be an object");
  }
  const out: Record<string, string> = {};
  for (const [ip, id] of Object.entries(allocations)) {
    if (typeof id !== "string" || id === "") {
      throw new IpamError("InvalidState", `ipam state: allocation of ${ip} must name a non-empty id`);
    }
    out[ip] = id;
  }
  return lastReservedIP === undefined ? { range, allocations: out } : { range, lastReservedIP, allocations: out };
}
