// `kubectl port-forward` on the node agent: the upgrade of /portForward/<ns>/<pod> (proxied by
// the API server) becomes a SPDY session — over the upgraded socket itself (Upgrade: SPDY/3.1),
// or over the byte stream a WebSocket tunnels (subprotocol SPDY/3.1+portforward.k8s.io) — whose
// connections are dialled inside the pod's network namespace by a PodDialer.
//
// Each session is published on the diagnostics channel "svcnet:kubelet:port-forward" as
// { namespace, pod, transport: "websocket" | "spdy" }.

import { channel } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createWebSocketStream, WebSocketServer } from "ws";
import type { PortForwardTarget } from "../../streaming/port-forward/port-forward-session.js";
import { servePortForward } from "../../streaming/port-forward/port-forward-session.js";
import { chooseUpgrade, spdyUpgradeResponse, SPDY_TUNNEL_PREFIX, PORT_FORWARD_PROTOCOL } from "../../streaming/port-forward/port-forward-protocol.js";
import { PodDialer } from "./pod-dialer.js";

/** Where a pod runs on this node. */
export interface PortForwardPod {
  /** The pod's network namespace (an `ip netns` name). */
  netns: string;
  uid: string;
}

export interface PortForwardLocator {
  /** The running pod `namespace/pod`, or undefined when it does not run on this node. */
  target(namespace: string, pod: string): PortForwardPod | undefined;
}

export interface PortForwardSessionEvent {
  namespace: string;
  pod: string;
  transport: "websocket" | "spdy";
}

export const portForwardChannel = channel("svcnet:kubelet:port-forward");

function refuse(socket: Duplex, status: number, text: string): void {
  const reason = { 400: "Bad Request", 403: "Forbidden", 404: "Not Found" }[status] ?? "Error";
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
}

/** The port-forward upgrades of one kubelet server, and the sessions they started. */
export class PortForwardUpgrades {
  readonly #locator: PortForwardLocator;
  readonly #wss: WebSocketServer;
  /** Each running session's end: its dial helper stopped. */
  readonly #sessions = new Map<{ destroy(): void }, Promise<void>>();

  constructor(locator: PortForwardLocator) {
    this.#locator = locator;
    const tunnel = `${SPDY_TUNNEL_PREFIX}${PORT_FORWARD_PROTOCOL}`;
    this.#wss = new WebSocketServer({ noServer: true, handleProtocols: () => tunnel });
  }

  /** Answers the upgrade of /portForward/<namespace>/<pod>. */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, pod: string): void {
    const where = this.#locator.target(namespace, pod);
    if (!where) return refuse(socket, 404, `pod ${namespace}/${pod} is not running on this node`);
    const choice = chooseUpgrade(headersOf(req));
    if ("error" in choice) return refuse(socket, choice.status, choice.error);
    if (choice.transport === "spdy") {
      if (socket instanceof Socket) socket.setNoDelay(true);
      socket.write(spdyUpgradeResponse(choice.protocol));
      if (head.length > 0) socket.unshift(head);
      this.#serve(socket, { namespace, pod, transport: "spdy" }, where);
      return;
    }
    // The subprotocol has a "/" in it, which `ws` refuses to parse as a token; it was checked
    // above, so ws sees a placeholder and answers with the real name (handleProtocols).
    req.headers["sec-websocket-protocol"] = "spdy-tunnel";
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(createWebSocketStream(ws), { namespace, pod, transport: "websocket" }, where));
  }

  /** Ends every session and waits until their dial helpers are gone. */
  async close(): Promise<void> {
    for (const session of this.#sessions.keys()) session.destroy();
    await Promise.all(this.#sessions.values());
    this.#wss.close();
  }

  #serve(transport: Duplex, event: PortForwardSessionEvent, where: PortForwardPod): void {
    const sandbox = `${event.pod}_${event.namespace}`;
    const dialer = new PodDialer({ netns: where.netns, sandbox });
    const target: PortForwardTarget = {
      pod: sandbox,
      uid: where.uid,
      dial: async (port) => {
        // The pod may have gone (or been replaced) since the session began.
        const now = this.#locator.target(event.namespace, event.pod);
        if (!now || now.netns !== where.netns) throw new Error(`pod not found ("${sandbox}")`);
        return dialer.dial(port);
      },
    };
    const session = servePortForward(transport, target);
    const done = session.closed.then(() => dialer.close());
    this.#sessions.set(session, done);
    void done.then(() => this.#sessions.delete(session));
    if (portForwardChannel.hasSubscribers) portForwardChannel.publish(event);
  }
}
