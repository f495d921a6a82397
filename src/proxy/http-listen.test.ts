import { test } from "node:test";
import assert from "node:assert/strict";
import { AnswerServer, notFoundAnswer, parseBindAddress } from "./http-listen.js";
import type { HttpAnswer } from "./http-listen.js";

test("bind addresses split as Go's SplitHostPort", async (t) => {
  const cases: { input: string; want?: { host: string; port: number } }[] = [
    { input: "0.0.0.0:10256", want: { host: "0.0.0.0", port: 10256 } },
    { input: "127.0.0.1:0", want: { host: "127.0.0.1", port: 0 } },
    { input: "[::]:10256", want: { host: "::", port: 10256 } },
    { input: "[fd00::1]:80", want: { host: "fd00::1", port: 80 } },
    { input: ":10249", want: { host: "", port: 10249 } },
    { input: "localhost:1", want: { host: "localhost", port: 1 } },
    { input: "10256" },
    { input: "::1:80" },
    { input: "host:" },
    { input: "host:65536" },
    { input: "host:-1" },
  ];
  for (const c of cases) {
    await t.test(c.input, () => {
      if (c.want) assert.deepEqual(parseBindAddress(c.input), c.want);
      else assert.throws(() => parseBindAddress(c.input), /invalid bind address/);
    });
  }
});

test("an AnswerServer answers every path and method with its function", async (t) => {
  const seen: string[] = [];
  const answer = (url: string): HttpAnswer => {
    seen.push(url);
    return url.startsWith("/missing") ? notFoundAnswer() : { status: 201, headers: { "Content-Type": "text/plain", "X-Test": "yes" }, body: `got ${url}` };
  };
  const server = new AnswerServer({ name: "test server", bindAddress: "127.0.0.1:0", answer });
  const { host, port } = await server.start();
  t.after(() => server.close());
  assert.equal(host, "127.0.0.1");
  assert.ok(port > 0, "the port actually bound, not 0");
  const base = `http://127.0.0.1:${port}`;

  const res = await fetch(`${base}/a?b=1`, { method: "POST" });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("x-test"), "yes");
  assert.equal(await res.text(), "got /a?b=1");
  const head = await fetch(`${base}/a`, { method: "HEAD" });
  assert.equal(head.status, 201);
  assert.equal(await head.text(), "", "HEAD gets no body");
  const missing = await fetch(`${base}/missing`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await missing.text(), "404 page not found\n");
  assert.deepEqual(seen, ["/a?b=1", "/a", "/missing"]);

  await assert.rejects(server.start(), /test server already started/);
});

test("an AnswerServer rejects a bad bind address, and close is safe at any time", async () => {
  const answer = (): HttpAnswer => notFoundAnswer();
  await assert.rejects(new AnswerServer({ name: "s", bindAddress: "nonsense", answer }).start(), /invalid bind address/);
  const server = new AnswerServer({ name: "s", bindAddress: "127.0.0.1:0", answer });
  await server.close();
  await server.start();
  await server.close();
  await server.close();
});
