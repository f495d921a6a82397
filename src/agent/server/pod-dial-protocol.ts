// How the agent asks its dial helper (a small process inside a pod's network namespace, see
// pod-dial-server.ts) for a connection to a port of the pod. Over the helper's unix socket each
// connection starts with one line, `DIAL <port>\n`; the helper answers `OK\n` and from then on
// the connection carries the pod connection's bytes, or `ERR <json>\n` with why both localhost
// addresses failed, and closes. The helper dials localhost as containerd does for the kubelet:
// 127.0.0.1 first, then ::1. Pure: no I/O.

/** Longest line either side waits for before giving up on the peer. */
export const MAX_LINE_BYTES = 1024;

/** Why a dial failed, per address family, in Go's words (`dial tcp4 127.0.0.1:81: connect: …`). */
export interface DialFailure {
  ipv4: string;
  ipv6: string;
}

export type DialAnswer = { ok: true } | ({ ok: false } & DialFailure);

export function formatDialRequest(port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port ${port} is not from 1 to 65535`);
  return `DIAL ${port}\n`;
}

/** The port of a request line (without its newline), or undefined when it is not one. */
export function parseDialRequest(line: string): number | undefined {
  const m = /^DIAL ([1-9]\d{0,4})$/.exec(line);
  const port = m ? Number(m[1]) : NaN;
  return port <= 65535 ? port : undefined;
}

export function formatDialAnswer(answer: DialAnswer): string {
  return answer.ok ? "OK\n" : `ERR ${JSON.stringify({ ipv4: answer.ipv4, ipv6: answer.ipv6 })}\n`;
}

/** The answer in `line` (without its newline); undefined when it is not an answer. */
export function parseDialAnswer(line: string): DialAnswer | undefined {
  if (line === "OK") return { ok: true };
  if (!line.startsWith("ERR ")) return undefined;
  try {
    const body = JSON.parse(line.slice(4)) as Partial<DialFailure>;
    if (typeof body.ipv4 !== "string" || typeof body.ipv6 !== "string") return undefined;
    return { ok: false, ipv4: body.ipv4, ipv6: body.ipv6 };
  } catch {
    return undefined;
  }
}

/**
 * Splits what has arrived into the first line (without its newline) and the bytes after it.
 * Undefined while the line is incomplete; throws RangeError once MAX_LINE_BYTES have come
 * without a newline.
 */
export function splitFirstLine(received: Buffer): { line: string; rest: Buffer } | undefined {
  const newline = received.indexOf(0x0a);
  if (newline < 0 || newline >= MAX_LINE_BYTES) {
    if (received.length >= MAX_LINE_BYTES) throw new RangeError(`no line ending within ${MAX_LINE_BYTES} bytes`);
    return undefined;
  }
  return { line: received.subarray(0, newline).toString("utf8"), rest: received.subarray(newline + 1) };
}

/** Go's text for the errno names Node reports on a failed connect. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network is unreachable",
  EADDRNOTAVAIL: "cannot assign requested address",
  EAFNOSUPPORT: "address family not supported by protocol",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
};

/** A failed dial in Go's words: `dial tcp4 127.0.0.1:81: connect: connection refused`. */
export function goDialError(family: 4 | 6, port: number, code: string | undefined, message: string): string {
  const address = family === 4 ? `127.0.0.1:${port}` : `[::1]:${port}`;
  const text = code !== undefined ? ERRNO_TEXT[code] : undefined;
  return `dial tcp${family} ${address}: ${text !== undefined ? `connect: ${text}` : message}`;
}

/**
 * The cause the kubelet reports when neither localhost address answered, in containerd's words
 * (it names the sandbox and its network namespace; trailing space included).
 */
export function dialFailureCause(o: { port: number; netns: string; sandbox: string } & DialFailure): string {
  return (
    `failed to execute portforward in network namespace "/var/run/netns/${o.netns}": ` +
    `failed to connect to localhost:${o.port} inside namespace "${o.sandbox}", IPv4: ${o.ipv4} IPv6 ${o.ipv6} `
  );
}
