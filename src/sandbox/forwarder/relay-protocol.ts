// The relay's wire protocol. The host reaches the sandbox only over a unix socket (a filesystem
// object, so no packet leaves the root namespace); every connection on it starts with one line,
// `CONNECT <ipv4>:<port>\n`, naming the TCP target the relay dials from inside the sandbox. After
// that line the connection carries the application's bytes unchanged. There is no answer line:
// a refused or unreachable target is told by the relay closing the connection.
//
// The relay only dials addresses inside the CIDRs it was started with, so a mistaken or hostile
// header cannot turn it into a way out of the sandbox. Pure: no I/O.

import type { Cidr } from "../../allocators/cidr.js";
import { cidrContains, formatCIDR, parseCIDR } from "../../allocators/cidr.js";
import { parseIP } from "../../allocators/ip.js";

/** A TCP endpoint inside the sandbox. */
export interface RelayTarget {
  /** IPv4 address in dotted decimal, without leading zeros. */
  ip: string;
  /** 1–65535. */
  port: number;
}

/** The CIDRs a relay may dial, parsed once. */
export type AllowList = readonly Cidr[];

/**
 * Longest header a relay waits for. `CONNECT 255.255.255.255:65535\n` is 30 bytes; anything that
 * has not ended its line by this many bytes is not a header, and waiting longer would let a
 * confused client make the relay buffer without bound.
 */
export const MAX_HEADER_BYTES = 64;

export type RelayProtocolErrorCode = "MalformedHeader" | "HeaderTooLong" | "InvalidAddress" | "InvalidPort" | "TargetNotAllowed" | "InvalidAllowRange";

/** A header or allow range the protocol refuses. `code` is stable; the message is for people. */
export class RelayProtocolError extends Error {
  override readonly name = "RelayProtocolError";
  readonly code: RelayProtocolErrorCode;

  constructor(code: RelayProtocolErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const HEADER = /^CONNECT ([^\s:]+):([^\s:]+)$/;
const PORT = /^[1-9][0-9]{0,4}$/;

/** The header line for `target`, newline included. Throws RelayProtocolError for a bad target. */
export function formatConnectHeader(target: RelayTarget): string {
  checkAddress(target.ip);
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    throw new RelayProtocolError("InvalidPort", `port ${String(target.port)} is not an integer from 1 to 65535`);
  }
  return `CONNECT ${target.ip}:${target.port}\n`;
}

/**
 * Parses one header line, without its newline. Exactly one space, no carriage return, no
 * surrounding blanks: the only writer is our own host side, so anything looser is a bug worth
 * refusing. Throws RelayProtocolError.
 */
export function parseConnectHeader(line: string): RelayTarget {
  const match = HEADER.exec(line);
  if (!match) throw new RelayProtocolError("MalformedHeader", `header ${JSON.stringify(line)} is not "CONNECT <ipv4>:<port>"`);
  const [, ip, portText] = match;
  checkAddress(ip);
  const port = Number(portText);
  if (!PORT.test(portText) || port > 65535) throw new RelayProtocolError("InvalidPort", `port ${JSON.stringify(portText)} is not an integer from 1 to 65535`);
  return { ip, port };
}

/**
 * Splits what a connection has sent so far into the header line (without its newline) and the
 * bytes after it. Returns undefined while the line is incomplete; throws RelayProtocolError
 * (HeaderTooLong) once MAX_HEADER_BYTES have arrived without a newline.
 */
export function splitHeader(received: Buffer): { header: string; rest: Buffer } | undefined {
  const newline = received.indexOf(0x0a);
  if (newline < 0 || newline >= MAX_HEADER_BYTES) {
    if (received.length >= MAX_HEADER_BYTES) throw new RelayProtocolError("HeaderTooLong", `no header line within ${MAX_HEADER_BYTES} bytes`);
    return undefined;
  }
  // latin1 maps every byte to one character, so a stray non-ASCII byte fails the header's pattern
  // instead of being silently replaced.
  return { header: received.subarray(0, newline).toString("latin1"), rest: received.subarray(newline + 1) };
}

/** Parses IPv4 CIDRs such as `172.17.8.0/24`. Throws RelayProtocolError (InvalidAllowRange). */
export function parseAllowList(cidrs: readonly string[]): AllowList {
  return cidrs.map((text) => {
    const cidr = parseCIDR(text);
    if (!cidr || cidr.family !== "IPv4") throw new RelayProtocolError("InvalidAllowRange", `allowed range ${JSON.stringify(text)} is not an IPv4 CIDR`);
    return cidr;
  });
}

/** True when `target.ip` lies in one of `allow`'s ranges. An empty list allows nothing. */
export function isTargetAllowed(target: RelayTarget, allow: AllowList): boolean {
  const ip = parseIP(target.ip);
  return ip !== undefined && allow.some((cidr) => cidrContains(cidr, ip));
}

/** Throws RelayProtocolError (TargetNotAllowed) unless `target` is inside `allow`. */
export function checkTargetAllowed(target: RelayTarget, allow: AllowList): void {
  if (isTargetAllowed(target, allow)) return;
  const ranges = allow.length === 0 ? "no ranges" : allow.map(formatCIDR).join(", ");
  throw new RelayProtocolError("TargetNotAllowed", `${target.ip}:${target.port} is outside the allowed ranges (${ranges})`);
}

function checkAddress(ip: string): void {
  const parsed = parseIP(ip);
  if (!parsed || parsed.family !== "IPv4") throw new RelayProtocolError("InvalidAddress", `${JSON.stringify(ip)} is not an IPv4 address`);
}
