// For tests of what the API server passes on from a node agent: a kubelet endpoint on loopback
// that answers every request and upgrade as told — a refusal with a status and text, as the agent
// gives one, or (for upgrades) a 101 after which it echoes what it receives — and the Node
// annotations that point the API server at it.

import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { kubeletEndpointAnnotation, kubeletServingCertHashAnnotation, servingCertHash } from "../api/node-annotations.js";
import { inMemoryServingPki } from "../server/pki.js";
import type { TestApi } from "./test-api.js";

/** A refusal (status and plain text), or "switch": a 101 and an echo of the upgraded connection. */
export type FakeAgentAnswer = { status: number; text: string } | "switch";

export interface FakeAgent {
  /** The answer to the next requests and upgrades; change it between them. */
  answer: FakeAgentAnswer;
  /** The annotations of a Node whose agent this is. */
  annotations: Record<string, string>;
  close(): Promise<void>;
}

const reasonPhrase: Record<number, string> = { 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error" };

export async function startFakeAgent(): Promise<FakeAgent> {
  const pki = inMemoryServingPki({ dns: [], ips: ["127.0.0.1"] }, { modulusLength: 1024 });
  const refusal = (a: { status: number; text: string }): string =>
    `HTTP/1.1 ${a.status} ${reasonPhrase[a.status] ?? "Error"}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(a.text)}\r\nConnection: close\r\n\r\n${a.text}`;
  const agent: FakeAgent = { answer: { status: 404, text: "not found" }, annotations: {}, close: async () => {} };
  const server = createServer({ cert: pki.cert, key: pki.key, requestCert: true, rejectUnauthorized: false }, (_req, res) => {
    const a = agent.answer === "switch" ? { status: 400, text: "not an upgrade" } : agent.answer;
    res.writeHead(a.status, { "content-type": "text/plain; charset=utf-8" }).end(a.text);
  });
  server.on("upgrade", (_req, socket, head: Buffer) => {
    socket.on("error", () => undefined);
    if (agent.answer !== "switch") return void socket.end(refusal(agent.answer));
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  agent.annotations = {
    [kubeletEndpointAnnotation]: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    [kubeletServingCertHashAnnotation]: servingCertHash(new X509Certificate(pki.cert).raw),
  };
  agent.close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  };
  return agent;
}

/** Node `node` served by `agent`, and a Running pod default/`pod` with one container "c" on it. */
export async function runningPodOn(api: TestApi, agent: FakeAgent, o: { node: string; pod: string }): Promise<void> {
  const ok = async (what: string, r: Promise<{ status: number; body?: unknown }>): Promise<void> => {
    const res = await r;
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${String(res.body)}`);
  };
  await ok("node", api.request("POST", "/api/v1/nodes", { body: { metadata: { name: o.node, annotations: agent.annotations } } }));
  const pod = { metadata: { name: o.pod, namespace: "default" }, spec: { nodeName: o.node, containers: [{ name: "c", image: "busybox" }] } };
  await ok("pod", api.request("POST", "/api/v1/namespaces/default/pods", { body: pod }));
  const created = api.json<typeof pod & { status?: Record<string, unknown> }>(await api.request("GET", `/api/v1/namespaces/default/pods/${o.pod}`));
  await ok("pod status", api.request("PUT", `/api/v1/namespaces/default/pods/${o.pod}/status`, { body: { ...created, status: { ...created.status, phase: "Running" } } }));
}
