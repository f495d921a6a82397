import { test } from "node:test";
import assert from "node:assert/strict";
import { dialFailureCause, formatDialAnswer, formatDialRequest, goDialError, MAX_LINE_BYTES, parseDialAnswer, parseDialRequest, splitFirstLine } from "./pod-dial-protocol.js";

test("dial requests: DIAL <port>, ports 1 to 65535 only", async (t) => {
  assert.equal(formatDialRequest(80), "DIAL 80\n");
  assert.throws(() => formatDialRequest(0), RangeError);
  assert.throws(() => formatDialRequest(65536), RangeError);
  const cases: [string, number | undefined][] = [
    ["DIAL 80", 80],
    ["DIAL 65535", 65535],
    ["DIAL 65536", undefined],
    ["DIAL 0", undefined],
    ["DIAL 080", undefined],
    ["DIAL 80 ", undefined],
    ["CONNECT 10.1.0.5:80", undefined],
    ["", undefined],
  ];
  for (const [line, want] of cases) await t.test(JSON.stringify(line), () => assert.equal(parseDialRequest(line), want));
});

test("dial answers round-trip; anything else is not an answer", () => {
  assert.equal(formatDialAnswer({ ok: true }), "OK\n");
  const failed = { ok: false as const, ipv4: "dial tcp4 127.0.0.1:81: connect: connection refused", ipv6: 'dial tcp6 [::1]:81: "quoted"' };
  const line = formatDialAnswer(failed);
  assert.ok(line.endsWith("\n") && !line.slice(0, -1).includes("\n"));
  assert.deepEqual(parseDialAnswer(line.slice(0, -1)), failed);
  assert.deepEqual(parseDialAnswer("OK"), { ok: true });
  for (const bad of ["ok", "ERR", "ERR {}", "ERR {not json", 'ERR {"ipv4":1,"ipv6":"x"}']) assert.equal(parseDialAnswer(bad), undefined, bad);
});

test("the first line and what follows it, within a bound", () => {
  assert.equal(splitFirstLine(Buffer.from("DIAL 8")), undefined);
  assert.deepEqual(splitFirstLine(Buffer.from("OK\nHTTP/1.1 200")), { line: "OK", rest: Buffer.from("HTTP/1.1 200") });
  assert.throws(() => splitFirstLine(Buffer.alloc(MAX_LINE_BYTES, 0x41)), RangeError);
});

test("failures in Go's words, then in containerd's", () => {
  assert.equal(goDialError(4, 81, "ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:81"), "dial tcp4 127.0.0.1:81: connect: connection refused");
  assert.equal(goDialError(6, 81, "EADDRNOTAVAIL", "x"), "dial tcp6 [::1]:81: connect: cannot assign requested address");
  assert.equal(goDialError(6, 81, "EWHATEVER", "something odd"), "dial tcp6 [::1]:81: something odd");
  assert.equal(
    dialFailureCause({ port: 81, netns: "svcnet-x-pod-1", sandbox: "web_default", ipv4: "A", ipv6: "B" }),
    'failed to execute portforward in network namespace "/var/run/netns/svcnet-x-pod-1": failed to connect to localhost:81 inside namespace "web_default", IPv4: A IPv6 B ',
  );
});
