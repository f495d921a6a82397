import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TestApi } from "../apiserver/test-api.js";
import { startTestApi } from "../apiserver/test-api.js";
import { testTransport } from "./test-fixtures.js";

describe("InProcessTransport", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(() => t.close());

  test("each request is handled on a later turn, so a long chain of requests lets timers run", async () => {
    const tr = testTransport(t);
    const order: string[] = [];
    setTimeout(() => order.push("timer"), 0);
    for (let i = 0; i < 50; i++) {
      const res = await tr.request({ method: "GET", path: "/api/v1/namespaces/default/services" });
      assert.equal(res.status, 200);
      order.push(`request ${i}`);
    }
    const timerAt = order.indexOf("timer");
    assert.ok(timerAt >= 0 && timerAt < order.length - 1, `the timer ran within the chain, not after it: at ${timerAt}`);
  });

  test("an ordinary request answers with a body and lower-case headers", async () => {
    const res = await testTransport(t).request({ method: "GET", path: "/api/v1/namespaces/default/services/nope" });
    assert.equal(res.status, 404);
    assert.match(res.headers["content-type"] ?? "", /application\/json/);
    assert.match(res.body ?? "", /"reason":"NotFound"/);
    assert.equal(res.lines, undefined);
  });

  test("a watch streams lines and ends when its signal aborts — also before the server took it", async (t2) => {
    const cases: { name: string; abortAt: "before handling" | "after an event" }[] = [
      { name: "aborted while queued", abortAt: "before handling" },
      { name: "aborted while streaming", abortAt: "after an event" },
    ];
    for (const c of cases) {
      await t2.test(c.name, async () => {
        const rv = String(await t.registry.currentRevision());
        const stop = new AbortController();
        const watching = testTransport(t).request({
          method: "GET",
          path: "/api/v1/namespaces/default/configmaps",
          query: new URLSearchParams({ watch: "true", resourceVersion: rv }),
          stream: true,
          signal: stop.signal,
        });
        if (c.abortAt === "before handling") stop.abort();
        const res = await watching;
        assert.equal(res.status, 200);
        const lines: string[] = [];
        const reading = (async () => {
          for await (const line of res.lines ?? []) {
            lines.push(line);
            stop.abort();
          }
        })();
        if (c.abortAt === "after an event") await t.request("POST", "/api/v1/namespaces/default/configmaps", { body: { metadata: { name: `cm-${Date.now()}` } } });
        await reading;
        assert.equal(lines.length, c.abortAt === "after an event" ? 1 : 0);
      });
    }
  });
});
