import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { after, before, describe, it } from "node:test";

import { startNetexec, udpReply, type Netexec } from "./netexec-server.js";

/** Sends one datagram from a fresh 127.0.0.1 socket and returns the answer and our port. */
async function udpAsk(port: number, message: string): Promise<{ answer: string; localPort: number }> {
  const socket = createSocket("udp4");
  try {
    await new Promise<void>((ok) => socket.bind(0, "127.0.0.1", () => ok()));
    const answer = new Promise<string>((ok, fail) => {
      socket.once("message", (msg) => ok(msg.toString()));
      setTimeout(() => fail(new Error(`no UDP answer to ${message}`)), 2000).unref();
    });
    socket.send(message, port, "127.0.0.1");
    return { answer: await answer, localPort: socket.address().port };
  } finally {
    socket.close();
  }
}

describe("udpReply", () => {
  const ctx = { hostname: "pod-a", client: "10.1.13.5:40000" };
  const cases: { name: string; request: string; want: string | undefined }[] = [
    { name: "hostname", request: "hostname", want: "pod-a" },
    { name: "hostname with a newline (nc)", request: "hostname\n", want: "pod-a" },
    { name: "echo", request: "echo hello world", want: "hello world" },
    { name: "echo nothing", request: "echo", want: "" },
    { name: "clientip", request: "clientip", want: "10.1.13.5:40000" },
    { name: "unknown command", request: "shell ls", want: undefined },
  ];
  for (const tc of cases) it(tc.name, () => assert.equal(udpReply(tc.request, ctx), tc.want));
});

describe("netexec on 127.0.0.1", () => {
  let server: Netexec;
  const exits: number[] = [];
  before(async () => {
    server = await startNetexec({ httpPort: 0, udpPort: 0, address: "127.0.0.1", hostname: () => "netexec-pod", onExit: (c) => exits.push(c) });
  });
  after(async () => {
    await server.close();
  });

  const get = async (path: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(`http://127.0.0.1:${server.httpPort}${path}`);
    return { status: res.status, body: await res.text() };
  };

  const cases: { name: string; path: string; status: number; body?: string | RegExp }[] = [
    { name: "/hostname", path: "/hostname", status: 200, body: "netexec-pod" },
    { name: "/echo", path: "/echo?msg=hello%20there", status: 200, body: "hello there" },
    { name: "/echo without msg", path: "/echo", status: 200, body: "" },
    { name: "/clientip", path: "/clientip", status: 200, body: /^127\.0\.0\.1:\d+$/ },
    { name: "/healthz", path: "/healthz", status: 200, body: "ok" },
    { name: "/ tells the time", path: "/", status: 200, body: /^NOW: \d{4}-/ },
    { name: "/shell is refused", path: "/shell?cmd=id", status: 404 },
    { name: "unknown path", path: "/nope", status: 404 },
    { name: "/exit with a bad code", path: "/exit?code=abc", status: 400 },
  ];
  for (const tc of cases) {
    it(tc.name, async () => {
      const got = await get(tc.path);
      assert.equal(got.status, tc.status);
      if (typeof tc.body === "string") assert.equal(got.body, tc.body);
      else if (tc.body) assert.match(got.body, tc.body);
    });
  }

  it("/exit?code=3 answers, then asks to exit with 3", async () => {
    assert.equal((await get("/exit?code=3")).status, 200);
    await new Promise((ok) => setTimeout(ok, 50));
    assert.deepEqual(exits, [3]);
  });

  const udpCases: { name: string; message: string; want: (localPort: number) => string }[] = [
    { name: "UDP echo", message: "echo hi there", want: () => "hi there" },
    { name: "UDP hostname", message: "hostname", want: () => "netexec-pod" },
    { name: "UDP clientip", message: "clientip", want: (p) => `127.0.0.1:${p}` },
  ];
  for (const tc of udpCases) {
    it(tc.name, async () => {
      const { answer, localPort } = await udpAsk(server.udpPort, tc.message);
      assert.equal(answer, tc.want(localPort));
    });
  }
});

it("startNetexec fails cleanly when the UDP port is taken", async () => {
  const first = await startNetexec({ httpPort: 0, udpPort: 0, address: "127.0.0.1" });
  try {
    await assert.rejects(startNetexec({ httpPort: 0, udpPort: first.udpPort, address: "127.0.0.1" }), /EADDRINUSE/);
  } finally {
    await first.close();
  }
});
