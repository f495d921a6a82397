// The port-forward protocol (portforward.k8s.io) as kubectl and the kubelet speak it, as pure
// decisions. The connection is SPDY/3.1, reached either by `Upgrade: SPDY/3.1` with
// `X-Stream-Protocol-Version: portforward.k8s.io`, or (kubectl ≥ 1.31 first tries this) by a
// WebSocket whose subprotocol `SPDY/3.1+portforward.k8s.io` says that its binary messages carry
// the SPDY byte stream. Per forwarded connection the client opens two streams with the headers
// streamType (error | data), port and requestID; the server connects to the port inside the pod,
// pipes the data stream, and writes any failure as text on the error stream.

import type { SpdyHeaders } from "../spdy/header-block.js";
import { headerValue } from "../spdy/header-block.js";

/** The one port-forward protocol version there is. */
export const PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
/** What a WebSocket subprotocol starts with when its messages tunnel SPDY. */
export const SPDY_TUNNEL_PREFIX = "SPDY/3.1+";
/** The Upgrade token of plain SPDY. */
export const SPDY_UPGRADE = "SPDY/3.1";

export type StreamType = "error" | "data";

/** A valid port-forward stream: which request it belongs to, what it is, and the port. */
export interface PortForwardStreamInfo {
  requestId: string;
  type: StreamType;
  port: number;
}

/**
 * What a stream's headers say, or why it is refused (the kubelet's wording). Streams of old
 * clients without requestID are paired by stream id, as the kubelet does: an error stream's id,
 * and a data stream's id minus 2.
 */
export function classifyStream(headers: SpdyHeaders, streamId: number): PortForwardStreamInfo | { error: string } {
  const portText = headerValue(headers, "port");
  if (!portText) return { error: `"port" header is required` };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) return { error: `unable to parse "${portText}" as a port` };
  if (port < 1) return { error: `port "${portText}" must be > 0` };
  const type = headerValue(headers, "streamType");
  if (!type) return { error: `"streamType" header is required` };
  if (type !== "error" && type !== "data") return { error: `invalid stream type "${type}"` };
  const requestId = headerValue(headers, "requestID") || String(type === "error" ? streamId : streamId - 2);
  return { requestId, type, port };
}

/** The kubelet's message for a forward that failed (`pod` as `name_namespace`). */
export function forwardErrorMessage(port: number, pod: string, uid: string, cause: string): string {
  return `error forwarding port ${port} to pod ${pod}, uid ${uid}: ${cause}`;
}

/** How a port-forward connection is set up. */
export type UpgradeChoice =
  | { transport: "websocket"; subprotocol: string }
  | { transport: "spdy"; protocol: string }
  | { error: string; status: 400 | 403 };

function listOf(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Picks the transport for an upgrade request from its headers (lowercase names): a WebSocket
 * offering the tunnelling subprotocol, or plain SPDY offering portforward.k8s.io.
 */
export function chooseUpgrade(headers: Readonly<Record<string, string | undefined>>): UpgradeChoice {
  const upgrade = (headers["upgrade"] ?? "").toLowerCase();
  if (upgrade === "websocket") {
    const wanted = `${SPDY_TUNNEL_PREFIX}${PORT_FORWARD_PROTOCOL}`;
    const offered = listOf(headers["sec-websocket-protocol"]);
    if (offered.includes(wanted)) return { transport: "websocket", subprotocol: wanted };
    return { status: 400, error: `unable to upgrade: the WebSocket subprotocols [${offered.join(" ")}] do not include ${wanted}` };
  }
  if (upgrade.includes(SPDY_UPGRADE.toLowerCase())) {
    const offered = listOf(headers["x-stream-protocol-version"]);
    if (offered.length === 0) return { status: 400, error: "unable to upgrade: X-Stream-Protocol-Version is required" };
    if (!offered.includes(PORT_FORWARD_PROTOCOL)) {
      return { status: 403, error: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(" ")}], server accepts [${PORT_FORWARD_PROTOCOL}]` };
    }
    return { transport: "spdy", protocol: PORT_FORWARD_PROTOCOL };
  }
  return { status: 400, error: `unable to upgrade: port forwarding needs Upgrade: ${SPDY_UPGRADE} or a WebSocket, not ${JSON.stringify(headers["upgrade"] ?? "")}` };
}

/** The 101 answer to a plain SPDY upgrade. */
export function spdyUpgradeResponse(protocol: string): string {
  return `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SPDY_UPGRADE}\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`;
}
