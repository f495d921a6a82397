import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { readAnswerBody, readAnswerHead } from "./upgrade-answer.js";

/** A socket that delivers `chunks` one by one, then ends unless `open`. */
function socketOf(chunks: string[], open = false): PassThrough {
  const s = new PassThrough();
  void (async () => {
    for (const c of chunks) {
      s.write(c);
      await new Promise((r) => setImmediate(r));
    }
    if (!open) s.end();
  })();
  return s;
}

test("readAnswerHead and readAnswerBody: the agent's status, headers and text, in whatever pieces they come", async (t) => {
  const cases: { name: string; chunks: string[]; open?: boolean; status?: number; headers?: Record<string, string>; body?: string; rest?: string; error?: RegExp }[] = [
    {
      name: "a refusal with Content-Length",
      chunks: ["HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nUnauthorized"],
      open: true,
      status: 401,
      headers: { "content-type": "text/plain", "content-length": "12" },
      body: "Unauthorized",
    },
    { name: "headers and body split anywhere", chunks: ["HTTP/1.1 40", "3 Forbidden\r\nContent-Len", "gth: 6\r\n\r", "\nFor", "bid"], status: 403, body: "Forbid" },
    { name: "a body up to the end of the connection", chunks: ["HTTP/1.0 500 Oops\r\n\r\nbroken ", "agent"], status: 500, headers: {}, body: "broken agent" },
    { name: "a 101 keeps what came after its headers", chunks: ["HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nfirst frame"], open: true, status: 101, rest: "first frame" },
    { name: "no answer", chunks: [], error: /^Error: it closed the connection without answering$/ },
    { name: "not HTTP", chunks: ["SSH-2.0-OpenSSH\r\n\r\n"], error: /^Error: it answered "SSH-2\.0-OpenSSH", not HTTP$/ },
    { name: "endless headers", chunks: ["HTTP/1.1 200 OK\r\n", `X: ${"a".repeat(20_000)}`], open: true, error: /^Error: its answer's headers run past 16384 bytes$/ },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const socket = socketOf(c.chunks, c.open);
      if (c.error) {
        await assert.rejects(readAnswerHead(socket), c.error);
        return;
      }
      const head = await readAnswerHead(socket);
      assert.equal(head.status, c.status);
      if (c.headers) assert.deepEqual(head.headers, c.headers);
      if (c.rest !== undefined) assert.equal(head.bytes.subarray(head.bodyStart).toString("utf8"), c.rest);
      if (c.body !== undefined) assert.equal(await readAnswerBody(socket, head), c.body);
    });
  }
});
