import { test } from "node:test";
import assert from "node:assert/strict";
import type { UpgradeChoice } from "./port-forward-protocol.js";
import { chooseUpgrade, classifyStream, forwardErrorMessage, spdyUpgradeResponse } from "./port-forward-protocol.js";

test("a stream's headers: its request, type and port, or the kubelet's reason to refuse it", async (t) => {
  const cases: { name: string; headers: Record<string, string[]>; id: number; want: ReturnType<typeof classifyStream> }[] = [
    { name: "kubectl's data stream", headers: { streamtype: ["data"], port: ["80"], requestid: ["0"] }, id: 3, want: { requestId: "0", type: "data", port: 80 } },
    { name: "kubectl's error stream", headers: { streamtype: ["error"], port: ["8080"], requestid: ["12"] }, id: 25, want: { requestId: "12", type: "error", port: 8080 } },
    { name: "an old client's error stream: its own id", headers: { streamtype: ["error"], port: ["80"] }, id: 5, want: { requestId: "5", type: "error", port: 80 } },
    { name: "an old client's data stream: its id minus 2", headers: { streamtype: ["data"], port: ["80"] }, id: 7, want: { requestId: "5", type: "data", port: 80 } },
    { name: "no port", headers: { streamtype: ["data"] }, id: 1, want: { error: `"port" header is required` } },
    { name: "a port that is not a number", headers: { streamtype: ["data"], port: ["http"] }, id: 1, want: { error: `unable to parse "http" as a port` } },
    { name: "a port beyond 65535", headers: { streamtype: ["data"], port: ["70000"] }, id: 1, want: { error: `unable to parse "70000" as a port` } },
    { name: "port 0", headers: { streamtype: ["data"], port: ["0"] }, id: 1, want: { error: `port "0" must be > 0` } },
    { name: "no stream type", headers: { port: ["80"] }, id: 1, want: { error: `"streamType" header is required` } },
    { name: "an unknown stream type", headers: { streamtype: ["stdin"], port: ["80"] }, id: 1, want: { error: `invalid stream type "stdin"` } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(classifyStream(c.headers, c.id), c.want));
});

test("the upgrade kubectl asks for: WebSocket tunnel first, plain SPDY as the fallback", async (t) => {
  const cases: { name: string; headers: Record<string, string>; want: UpgradeChoice }[] = [
    {
      name: "kubectl ≥ 1.31: a WebSocket tunnelling SPDY",
      headers: { upgrade: "websocket", "sec-websocket-protocol": "SPDY/3.1+portforward.k8s.io" },
      want: { transport: "websocket", subprotocol: "SPDY/3.1+portforward.k8s.io" },
    },
    {
      name: "kubectl's fallback: Upgrade SPDY/3.1",
      headers: { upgrade: "SPDY/3.1", "x-stream-protocol-version": "portforward.k8s.io" },
      want: { transport: "spdy", protocol: "portforward.k8s.io" },
    },
    {
      name: "several protocol versions offered",
      headers: { upgrade: "SPDY/3.1", "x-stream-protocol-version": "v2.portforward.k8s.io, portforward.k8s.io" },
      want: { transport: "spdy", protocol: "portforward.k8s.io" },
    },
    {
      name: "a WebSocket for something else (exec's channel protocol)",
      headers: { upgrade: "websocket", "sec-websocket-protocol": "v5.channel.k8s.io" },
      want: { status: 400, error: "unable to upgrade: the WebSocket subprotocols [v5.channel.k8s.io] do not include SPDY/3.1+portforward.k8s.io" },
    },
    { name: "SPDY without a protocol version", headers: { upgrade: "SPDY/3.1" }, want: { status: 400, error: "unable to upgrade: X-Stream-Protocol-Version is required" } },
    {
      name: "SPDY with only unknown versions",
      headers: { upgrade: "SPDY/3.1", "x-stream-protocol-version": "v4.channel.k8s.io" },
      want: { status: 403, error: "unable to upgrade: unable to negotiate protocol: client supports [v4.channel.k8s.io], server accepts [portforward.k8s.io]" },
    },
    { name: "some other upgrade", headers: { upgrade: "h2c" }, want: { status: 400, error: `unable to upgrade: port forwarding needs Upgrade: SPDY/3.1 or a WebSocket, not "h2c"` } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(chooseUpgrade(c.headers), c.want));
});

test("the kubelet's wording of a failed forward, and the SPDY 101 answer", () => {
  assert.equal(forwardErrorMessage(81, "web_default", "u-1", "boom"), "error forwarding port 81 to pod web_default, uid u-1: boom");
  assert.equal(
    spdyUpgradeResponse("portforward.k8s.io"),
    "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n",
  );
});
