// The socket-level part of the hostile-input tests (issue 11, point 4): what only the HTTPS
// listener sees — bodies over the 3 MiB limit, Content-Lengths that lie, bodies that stall or
// stop half-way, request targets and escapes no URL parser takes. Each gets a 4xx (a Status
// where the request got as far as svcnet's own code; Node's parser answers the malformed ones
// with a bare 400 or 431), and the server keeps answering a plain GET meanwhile.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { listen, maxRequestBodyBytes } from "../http-server.js";
import type { TestApi } from "../test-api.js";
import { startTestApi, testToken } from "../test-api.js";
import type { RawResponse, RawTarget } from "./raw-https.js";
import { exchange, openRaw, readResponse } from "./raw-https.js";

const auth = `Authorization: Bearer ${testToken}\r\n`;
const configMaps = "/api/v1/namespaces/default/configmaps";

function head(method: string, target: string, extra = ""): string {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}${extra}\r\n`;
}

function assertStatus(res: RawResponse | undefined, want: number, status: boolean): void {
  assert.ok(res, "no answer");
  assert.equal(res.status, want, res.body.slice(0, 300));
  if (!status) return;
  const st = JSON.parse(res.body) as { kind?: string; code?: number };
  assert.equal(st.kind, "Status");
  assert.equal(st.code, want);
}

describe("API fuzz: hostile requests at the HTTPS listener", () => {
  let t: TestApi;
  let target: RawTarget;
  const stop = new AbortController();
  before(async () => {
    t = await startTestApi();
    const { address } = await listen(t.api, { host: "127.0.0.1", port: 0, key: t.pki.key, cert: t.pki.cert, signal: stop.signal });
    target = { port: address.port, ca: t.pki.caCert };
  });
  after(() => {
    stop.abort();
    t?.close();
  });

  /** A plain GET, answered within two seconds (a loaded test machine is slow, a blocked server far slower). */
  async function assertResponsive(): Promise<void> {
    const started = Date.now();
    const res = await exchange(target, [head("GET", configMaps, "Connection: close\r\n")], { readMs: 3000 });
    assert.equal(res?.status, 200, res?.body.slice(0, 200));
    assert.ok(Date.now() - started < 2000, `a plain GET took ${Date.now() - started} ms`);
  }

  const oversized = Buffer.alloc(maxRequestBodyBytes + 1024, "x");
  const chunk = (b: Buffer): Buffer => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n")]);
  const cases: { name: string; parts: (string | Buffer)[]; gapMs?: number; want: number; status: boolean }[] = [
    { name: "a body over the limit, announced", parts: [head("POST", configMaps, `Content-Type: application/json\r\nContent-Length: ${oversized.length}\r\n`), oversized], want: 413, status: true },
    {
      name: "a body over the limit, chunked",
      parts: [head("POST", configMaps, "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"), chunk(oversized.subarray(0, 2 << 20)), chunk(oversized.subarray(2 << 20)), "0\r\n\r\n"],
      want: 413,
      status: true,
    },
    // Answered once the server stops waiting for the rest (2 s), not at its request timeout.
    { name: "a body over the limit announced, then never sent", parts: [head("POST", configMaps, "Content-Length: 999999999\r\n"), "{}"], want: 413, status: true },
    { name: "a Content-Length that is not a number", parts: [head("POST", configMaps, "Content-Length: abc\r\n"), "{}"], want: 400, status: false },
    { name: "two different Content-Lengths", parts: [head("POST", configMaps, "Content-Length: 2\r\nContent-Length: 3\r\n"), "{}"], want: 400, status: false },
    { name: "a negative Content-Length", parts: [head("POST", configMaps, "Content-Length: -1\r\n"), "{}"], want: 400, status: false },
    { name: "Content-Length beside chunked", parts: [head("POST", configMaps, "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n"), "2\r\n{}\r\n0\r\n\r\n"], want: 400, status: false },
    { name: "a chunk size that is not hex", parts: [head("POST", configMaps, "Transfer-Encoding: chunked\r\n"), "zz\r\n{}\r\n0\r\n\r\n"], want: 400, status: false },
    { name: "a request line that is not HTTP", parts: ["GARBAGE\r\n\r\n"], want: 400, status: false },
    { name: "a header over the size limit", parts: [head("GET", configMaps, `X-Big: ${"a".repeat(20_000)}\r\n`)], want: 431, status: false },
    { name: "an invalid escape in the path", parts: [head("GET", "/api/v1/namespaces/%ZZ/configmaps", "Connection: close\r\n")], want: 400, status: true },
    { name: "an escaped NUL in a name", parts: [head("GET", `${configMaps}/%00`, "Connection: close\r\n")], want: 404, status: true },
    { name: "an escaped slash in a name", parts: [head("GET", `${configMaps}/a%2Fb%2F..%2F..`, "Connection: close\r\n")], want: 404, status: true },
    { name: "a request target no URL parser takes", parts: [head("GET", "//[", "Connection: close\r\n")], want: 400, status: true },
    { name: "an absolute-form target with a broken host", parts: [head("GET", "http://[::1", "Connection: close\r\n")], want: 400, status: true },
    { name: "an invalid escape in the query", parts: [head("GET", `${configMaps}?limit=%ZZ&watch=%`, "Connection: close\r\n")], want: 400, status: true },
    { name: "a name of 100,000 characters", parts: [head("GET", `${configMaps}/${"n".repeat(100_000)}`, "Connection: close\r\n")], want: 431, status: false },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      assertStatus(await exchange(target, c.parts, { gapMs: c.gapMs, readMs: 8000 }), c.want, c.status);
      await assertResponsive();
    });
  }

  test("a body that stops half-way (the client goes away) leaves the server answering", async () => {
    const s = await openRaw(target);
    s.write(head("POST", configMaps, "Content-Type: application/json\r\nContent-Length: 100\r\n") + '{"apiVersion":');
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    await assertResponsive();
  });

  test("slow bodies on several connections do not hold up other requests", async () => {
    const slow = await Promise.all(Array.from({ length: 8 }, () => openRaw(target)));
    const answers = slow.map((s) => readResponse(s, 3000));
    for (const s of slow) s.write(head("POST", configMaps, "Content-Type: application/json\r\nContent-Length: 1000\r\n"));
    for (let i = 0; i < 5; i++) {
      for (const s of slow) s.write("x");
      await assertResponsive();
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const s of slow) s.destroy();
    await Promise.all(answers);
  });
});
