import { test } from "node:test";
import assert from "node:assert/strict";
import { parseResponse } from "./raw-https.js";

test("parseResponse: status, headers, and a body of fixed length or in chunks", () => {
  assert.equal(parseResponse("HTTP/1.1 200 OK\r\nContent-Le"), undefined);
  assert.deepEqual(parseResponse("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"), { status: 400, headers: { connection: "close" }, body: "" });
  assert.deepEqual(parseResponse("HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n3\r\n\":1\r\n1\r\n}\r\n0\r\n\r\n"), {
    status: 413,
    headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    body: '{"a":1}',
  });
});
