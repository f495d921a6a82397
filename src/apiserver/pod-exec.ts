// pods/<name>/exec (`kubectl exec`) and pods/<name>/portforward (`kubectl port-forward`): HTTP
// upgrades the API server authenticates, checks and then hands, byte for byte, to the node agent
// running the pod — as the real API server proxies them to the kubelet. The agent speaks the
// WebSocket remote-command protocol (v5/v4.channel.k8s.io) for exec, and SPDY/3.1 (plain, or
// tunnelled in a WebSocket) for port forwarding; after the agent's 101 the two sockets are simply
// joined. The agent's refusals reach the client as it gave them, except a 401: that one refuses
// the API server's own certificate and becomes a 503 saying so (pod-log.ts does the same).

import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { ApiError } from "../api/errors.js";
import type { ApiServer } from "./api-server.js";
import { agentRefusedClientCertificate, dialKubelet } from "./kubelet-client.js";
import type { PodKubelet } from "./pod-log.js";
import { podKubelet } from "./pod-log.js";
import { PORT_FORWARD_PATH, portForwardRoute } from "./pod-portforward.js";
import { parseRequestInfo } from "./request-info.js";
import type { AnswerHead } from "./upgrade-answer.js";
import { readAnswerBody, readAnswerHead } from "./upgrade-answer.js";
import { verifiedClientCertificate } from "./tls-peer.js";
import type { UserInfo } from "./user-info.js";

const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

/** The headers of an upgrade (WebSocket or SPDY) that pass through to the agent unchanged. */
const FORWARDED = ["upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions", "x-stream-protocol-version"];

/** Answers an upgrade that cannot go through with a Status, as any other API error. */
function refuse(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(error.toStatus());
  socket.end(
    `HTTP/1.1 ${error.code} ${error.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(", ") : v;
}

/** The agent of the pod and the agent's path for an exec or port-forward upgrade. */
async function upgradeRoute(api: ApiServer, url: URL, upgrade: string | undefined): Promise<{ kubelet: PodKubelet; path: string }> {
  const forward = PORT_FORWARD_PATH.exec(url.pathname);
  if (forward) {
    const [ns, name] = forward.slice(1).map(decodeURIComponent);
    return portForwardRoute(api.registry, ns, name, upgrade);
  }
  const m = EXEC_PATH.exec(url.pathname);
  if (!m) throw ApiError.notFoundPath();
  if ((upgrade ?? "").toLowerCase() !== "websocket") {
    throw ApiError.badRequest("exec needs a WebSocket upgrade (v5.channel.k8s.io); SPDY is not supported");
  }
  const [ns, name] = m.slice(1).map(decodeURIComponent);
  const kubelet = await podKubelet(api.registry, ns, name, url.searchParams.get("container"), "exec");
  const query = new URLSearchParams(url.searchParams);
  query.delete("container");
  const path = `/exec/${encodeURIComponent(ns)}/${encodeURIComponent(name)}/${encodeURIComponent(kubelet.container)}?${query}`;
  return { kubelet, path };
}

/** Handles one upgrade request on the API server's socket. Never throws. */
export async function proxyUpgrade(api: ApiServer, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  socket.on("error", () => undefined);
  const url = new URL(req.url ?? "/", "https://localhost");
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, headerValue(v)]));
  // As kube-apiserver, the audit log records an exec or port-forward as a create of the
  // subresource, with the answer: 101 when the connection was handed to the agent.
  let user: UserInfo | undefined;
  let actingAs: UserInfo | undefined;
  const audit = (status: number, error?: ApiError): void =>
    api.auditUpgrade({ path: url.pathname, query: url.searchParams, headers, remoteAddress: req.socket.remoteAddress }, { user, actingAs, status, error });
  try {
    user = api.authenticate(headers, verifiedClientCertificate(req));
    if (!user) throw ApiError.unauthorized();
    // Authorized before the pod is looked up, so that a refusal says nothing about whether it exists.
    const info = parseRequestInfo(url.pathname);
    const subresource = PORT_FORWARD_PATH.test(url.pathname) ? "portforward" : "exec";
    if (info.kind === "resource") actingAs = api.authorizeUpgrade(user, headers, { namespace: info.namespace ?? "", name: info.name ?? "", subresource });
    const { kubelet: target, path } = await upgradeRoute(api, url, req.headers.upgrade);
    if (target.pod.status?.phase !== "Running") {
      throw ApiError.badRequest(`unable to upgrade connection: pod ${target.pod.metadata.name} is not running (phase ${target.pod.status?.phase ?? "Pending"})`);
    }
    // A client that hangs up while the agent is being dialed cancels the dial.
    const gone = new AbortController();
    socket.once("close", () => gone.abort());
    const upstream = await dialKubelet(target, api.kubeletClient, { signal: gone.signal });
    if (socket.destroyed) {
      // The client went away while the agent was being dialed.
      upstream.destroy();
      return;
    }
    const lines = [`${req.method ?? "GET"} ${path} HTTP/1.1`, `Host: ${new URL(target.endpoint).host}`];
    for (const h of FORWARDED) {
      const v = headerValue(req.headers[h]);
      if (v !== undefined) lines.push(`${h}: ${v}`);
    }
    upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    socket.pipe(upstream);
    socket.once("close", () => upstream.destroy());
    // The agent's answer is looked at before it goes to the client: a 401 is about the API
    // server's certificate, which the client should hear as such; anything else goes through.
    let answer: AnswerHead;
    try {
      answer = await readAnswerHead(upstream);
    } catch (e) {
      upstream.destroy();
      throw ApiError.unavailable(`cannot reach the agent of node ${target.nodeName}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (answer.status === 401) {
      const text = await readAnswerBody(upstream, answer);
      socket.unpipe(upstream);
      upstream.destroy();
      throw agentRefusedClientCertificate(target.nodeName, text);
    }
    audit(101);
    socket.write(answer.bytes);
    upstream.pipe(socket);
    upstream.once("close", () => socket.destroy());
  } catch (e) {
    const error = e instanceof ApiError ? e : ApiError.internal(e);
    audit(error.code, error);
    refuse(socket, error);
  }
}
