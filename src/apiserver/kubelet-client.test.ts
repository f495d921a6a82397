import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer } from "node:net";
import { after, before, describe, test } from "node:test";
import { createServer } from "node:tls";
import type { Server } from "node:tls";
import { ApiError } from "../api/errors.js";
import { servingCertHash } from "../api/node-annotations.js";
import { inMemoryServingPki } from "../server/pki.js";
import type { KubeletTarget } from "./kubelet-client.js";
import { dialKubelet, pinMismatch } from "./kubelet-client.js";
import { testKubeletClient, testPki } from "./test-api.js";

const agentPki = inMemoryServingPki({ dns: [], ips: ["127.0.0.1"] }, { modulusLength: 1024 });
const agentCert = new X509Certificate(agentPki.cert).raw;
const otherCert = new X509Certificate(testPki().cert).raw;
const target = (hash: string, endpoint = "https://127.0.0.1:1"): KubeletTarget => ({ nodeName: "n1", endpoint, servingCertHash: hash });

test("pinMismatch: the agent must present the certificate its Node publishes", async (t) => {
  const cases: { name: string; presented: Buffer | undefined; want: RegExp | undefined }[] = [
    { name: "the published one", presented: agentCert, want: undefined },
    { name: "another one", presented: otherCert, want: /^the agent at https:\/\/127\.0\.0\.1:1 presented a serving certificate \(sha256:[0-9a-f]{64}\) other than the one node n1 publishes \(sha256:[0-9a-f]{64}\); refusing to talk to it$/ },
    { name: "none", presented: undefined, want: /^the agent of node n1 presented no serving certificate$/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = pinMismatch(target(servingCertHash(agentCert)), c.presented);
      if (c.want) assert.match(got ?? "", c.want);
      else assert.equal(got, undefined);
    });
  }
});

describe("dialKubelet", () => {
  let server: Server;
  let endpoint = "";
  /** Bytes the agent received, and the client certificate it was shown, per connection. */
  const seen: { bytes: number; clientCN: string }[] = [];

  before(async () => {
    server = createServer({ cert: agentPki.cert, key: agentPki.key, requestCert: true, rejectUnauthorized: false }, (socket) => {
      const entry = { bytes: 0, clientCN: String(socket.getPeerCertificate().subject?.CN ?? "") };
      seen.push(entry);
      socket.on("data", (c: Buffer) => (entry.bytes += c.length)).on("error", () => undefined);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  test("connects to the agent whose certificate matches, with the API server's client certificate", async () => {
    const socket = await dialKubelet(target(servingCertHash(agentCert), endpoint), testKubeletClient());
    socket.end("GET / HTTP/1.1\r\n\r\n");
    await once(socket, "close");
    assert.deepEqual(seen.at(-1)?.clientCN, "kube-apiserver-kubelet-client");
  });

  test("refuses another certificate with a 503, before sending anything", async () => {
    const before = seen.length;
    await assert.rejects(dialKubelet(target(servingCertHash(otherCert), endpoint), testKubeletClient()), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 503);
      assert.match(e.message, /presented a serving certificate \(sha256:[0-9a-f]+\) other than the one node n1 publishes/);
      return true;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(seen.slice(before).filter((e) => e.bytes > 0), [], "the agent received nothing");
  });

  test("says so when the server has no client certificate, or the agent is not there", async () => {
    await assert.rejects(dialKubelet(target(servingCertHash(agentCert), endpoint), undefined), /the API server has no client certificate for node agents \(--kubelet-client-certificate\)/);
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await assert.rejects(dialKubelet(target(servingCertHash(agentCert), `https://127.0.0.1:${port}`), testKubeletClient()), /^ApiError: cannot reach the agent of node n1: connect ECONNREFUSED/);
  });

  test("gives up on a peer that accepts the connection but never answers the handshake", async () => {
    const mute = createNetServer((socket) => void socket.on("error", () => undefined));
    mute.listen(0, "127.0.0.1");
    await once(mute, "listening");
    const silent = `https://127.0.0.1:${(mute.address() as AddressInfo).port}`;
    try {
      await assert.rejects(
        dialKubelet(target(servingCertHash(agentCert), silent), testKubeletClient(), { handshakeTimeoutMs: 100 }),
        (e: unknown) => e instanceof ApiError && e.code === 503 && e.message === `cannot reach the agent of node n1: no TLS handshake with ${silent} within 0.1 s`,
      );
      const cancel = new AbortController();
      const dial = dialKubelet(target(servingCertHash(agentCert), silent), testKubeletClient(), { signal: cancel.signal });
      cancel.abort();
      await assert.rejects(dial, /^ApiError: cannot reach the agent of node n1: the request was cancelled$/);
    } finally {
      mute.close();
    }
  });
});
