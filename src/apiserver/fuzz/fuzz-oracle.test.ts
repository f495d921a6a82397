import { test } from "node:test";
import assert from "node:assert/strict";
import type { ApiResponse } from "../request.js";
import type { FuzzCase } from "./fuzz-cases.js";
import { judgeResponse, judgeWatchLines } from "./fuzz-oracle.js";

const status = (code: number, extra: Record<string, unknown> = {}): string => JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "m", reason: "BadRequest", code, ...extra });
const json = { "content-type": "application/json" };
const fuzzCase = (expect: FuzzCase["expect"]): FuzzCase => ({ index: 0, name: "c", method: "GET", path: "/", query: "", headers: {}, body: Buffer.alloc(0), expect });

test("judgeResponse: 2xx where allowed, a matching 4xx Status, nothing else", () => {
  const cases: { name: string; res: ApiResponse; expect: FuzzCase["expect"]; problems: number }[] = [
    { name: "a 400 Status", res: { status: 400, headers: json, body: status(400) }, expect: "reject", problems: 0 },
    { name: "a 200 where allowed", res: { status: 200, headers: json, body: "{}" }, expect: "any", problems: 0 },
    { name: "a 200 where refusal was due", res: { status: 200, headers: json, body: "{}" }, expect: "reject", problems: 1 },
    { name: "a 500", res: { status: 500, headers: json, body: status(500) }, expect: "any", problems: 1 },
    { name: "a 503", res: { status: 503, headers: json, body: status(503) }, expect: "any", problems: 1 },
    { name: "a redirect", res: { status: 302, headers: {}, body: "" }, expect: "any", problems: 1 },
    { name: "a 4xx without a Status", res: { status: 404, headers: {}, body: "not found" }, expect: "any", problems: 1 },
    { name: "a Status with another code", res: { status: 422, headers: json, body: status(400) }, expect: "any", problems: 1 },
    { name: "JSON that is not", res: { status: 200, headers: json, body: "{" }, expect: "any", problems: 1 },
    { name: "a stream", res: { status: 200, headers: json, stream: (async function* () {})() }, expect: "any", problems: 0 },
  ];
  for (const c of cases) assert.equal(judgeResponse(fuzzCase(c.expect), c.res).length, c.problems, c.name);
});

test("judgeWatchLines: events, and errors below 500", () => {
  assert.deepEqual(judgeWatchLines(['{"type":"ADDED","object":{"kind":"Pod"}}', `{"type":"ERROR","object":${status(410)}}`]), []);
  assert.equal(judgeWatchLines([`{"type":"ERROR","object":${status(500)}}`]).length, 1);
  assert.equal(judgeWatchLines(["not json", '{"type":"ADDED"}']).length, 2);
});
