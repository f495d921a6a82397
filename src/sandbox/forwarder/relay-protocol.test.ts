import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RelayProtocolErrorCode, RelayTarget } from "./relay-protocol.js";
import { failsWithCode } from "./test-helpers.js";
import {
  MAX_HEADER_BYTES,
  RelayProtocolError,
  checkTargetAllowed,
  formatConnectHeader,
  isTargetAllowed,
  parseAllowList,
  parseConnectHeader,
  splitHeader,
} from "./relay-protocol.js";

const failsWith = (code: RelayProtocolErrorCode): ((error: unknown) => boolean) => failsWithCode(RelayProtocolError, code);

describe("formatConnectHeader", () => {
  it("writes one line", () => {
    assert.equal(formatConnectHeader({ ip: "172.17.8.101", port: 30080 }), "CONNECT 172.17.8.101:30080\n");
    assert.equal(formatConnectHeader({ ip: "127.0.0.1", port: 1 }), "CONNECT 127.0.0.1:1\n");
  });

  const bad: { name: string; target: RelayTarget; code: RelayProtocolErrorCode }[] = [
    { name: "IPv6", target: { ip: "::1", port: 80 }, code: "InvalidAddress" },
    { name: "a hostname", target: { ip: "localhost", port: 80 }, code: "InvalidAddress" },
    { name: "leading zeros", target: { ip: "172.017.8.1", port: 80 }, code: "InvalidAddress" },
    { name: "an octet over 255", target: { ip: "172.17.8.256", port: 80 }, code: "InvalidAddress" },
    { name: "port 0", target: { ip: "172.17.8.1", port: 0 }, code: "InvalidPort" },
    { name: "port 65536", target: { ip: "172.17.8.1", port: 65536 }, code: "InvalidPort" },
    { name: "a fractional port", target: { ip: "172.17.8.1", port: 80.5 }, code: "InvalidPort" },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}`, () => assert.throws(() => formatConnectHeader(c.target), failsWith(c.code)));
  }
});

describe("parseConnectHeader", () => {
  const good: { line: string; want: RelayTarget }[] = [
    { line: "CONNECT 172.17.8.101:30080", want: { ip: "172.17.8.101", port: 30080 } },
    { line: "CONNECT 0.0.0.0:65535", want: { ip: "0.0.0.0", port: 65535 } },
    { line: "CONNECT 127.0.0.1:1", want: { ip: "127.0.0.1", port: 1 } },
  ];
  for (const c of good) it(`reads ${c.line}`, () => assert.deepEqual(parseConnectHeader(c.line), c.want));

  it("round-trips what formatConnectHeader writes", () => {
    const target = { ip: "10.0.0.10", port: 443 };
    assert.deepEqual(parseConnectHeader(formatConnectHeader(target).slice(0, -1)), target);
  });

  const bad: { line: string; code: RelayProtocolErrorCode }[] = [
    { line: "", code: "MalformedHeader" },
    { line: "GET / HTTP/1.1", code: "MalformedHeader" },
    { line: "connect 172.17.8.1:80", code: "MalformedHeader" },
    { line: "CONNECT  172.17.8.1:80", code: "MalformedHeader" },
    { line: "CONNECT 172.17.8.1:80 ", code: "MalformedHeader" },
    { line: "CONNECT 172.17.8.1:80\r", code: "MalformedHeader" },
    { line: "CONNECT 172.17.8.1", code: "MalformedHeader" },
    { line: "CONNECT [::1]:80", code: "MalformedHeader" },
    { line: "CONNECT ::1:80", code: "MalformedHeader" },
    { line: "CONNECT example.com:80", code: "InvalidAddress" },
    { line: "CONNECT 1.2.3:80", code: "InvalidAddress" },
    { line: "CONNECT 1.2.3.04:80", code: "InvalidAddress" },
    { line: "CONNECT 172.17.8.1:0", code: "InvalidPort" },
    { line: "CONNECT 172.17.8.1:080", code: "InvalidPort" },
    { line: "CONNECT 172.17.8.1:65536", code: "InvalidPort" },
    { line: "CONNECT 172.17.8.1:123456", code: "InvalidPort" },
    { line: "CONNECT 172.17.8.1:8e1", code: "InvalidPort" },
    { line: "CONNECT 172.17.8.1:-1", code: "InvalidPort" },
  ];
  for (const c of bad) {
    it(`refuses ${JSON.stringify(c.line)} (${c.code})`, () => assert.throws(() => parseConnectHeader(c.line), failsWith(c.code)));
  }
});

describe("splitHeader", () => {
  it("waits for the newline", () => {
    assert.equal(splitHeader(Buffer.from("")), undefined);
    assert.equal(splitHeader(Buffer.from("CONNECT 172.17.8.1:8")), undefined);
  });

  it("returns the line and the bytes after it", () => {
    const got = splitHeader(Buffer.from("CONNECT 172.17.8.1:80\nGET / HTTP/1.1\r\n"));
    assert.deepEqual(got && { header: got.header, rest: got.rest.toString() }, { header: "CONNECT 172.17.8.1:80", rest: "GET / HTTP/1.1\r\n" });
    const bare = splitHeader(Buffer.from("CONNECT 172.17.8.1:80\n"));
    assert.equal(bare?.rest.length, 0);
  });

  it("keeps non-ASCII bytes visible, so the header check fails on them", () => {
    const got = splitHeader(Buffer.from([...Buffer.from("CONNECT 172.17.8.1:8"), 0xff, 0x0a]));
    assert.ok(got);
    assert.throws(() => parseConnectHeader(got.header), failsWith("InvalidPort"));
  });

  it("gives up after MAX_HEADER_BYTES without a newline", () => {
    assert.equal(splitHeader(Buffer.alloc(MAX_HEADER_BYTES - 1, "a")), undefined);
    assert.throws(() => splitHeader(Buffer.alloc(MAX_HEADER_BYTES, "a")), failsWith("HeaderTooLong"));
    const lateNewline = Buffer.concat([Buffer.alloc(MAX_HEADER_BYTES, "a"), Buffer.from("\n")]);
    assert.throws(() => splitHeader(lateNewline), failsWith("HeaderTooLong"));
  });
});

describe("allowed targets", () => {
  const allow = parseAllowList(["172.17.8.0/24", "127.0.0.0/8"]);
  const cases: { ip: string; want: boolean }[] = [
    { ip: "172.17.8.0", want: true },
    { ip: "172.17.8.101", want: true },
    { ip: "172.17.8.255", want: true },
    { ip: "172.17.9.1", want: false },
    { ip: "172.17.7.255", want: false },
    { ip: "127.255.255.255", want: true },
    { ip: "10.0.0.1", want: false },
    { ip: "8.8.8.8", want: false },
    { ip: "not-an-ip", want: false },
  ];
  for (const c of cases) {
    it(`${c.ip} is ${c.want ? "" : "not "}allowed`, () => {
      assert.equal(isTargetAllowed({ ip: c.ip, port: 80 }, allow), c.want);
      if (c.want) checkTargetAllowed({ ip: c.ip, port: 80 }, allow);
      else assert.throws(() => checkTargetAllowed({ ip: c.ip, port: 80 }, allow), failsWith("TargetNotAllowed"));
    });
  }

  it("names the ranges when refusing, and an empty list allows nothing", () => {
    assert.throws(() => checkTargetAllowed({ ip: "10.0.0.1", port: 80 }, allow), /10\.0\.0\.1:80 is outside the allowed ranges \(172\.17\.8\.0\/24, 127\.0\.0\.0\/8\)/);
    assert.throws(() => checkTargetAllowed({ ip: "172.17.8.1", port: 80 }, []), /\(no ranges\)/);
  });

  it("clears host bits of a range, as the kernel's routes do", () => {
    assert.equal(isTargetAllowed({ ip: "172.17.8.9", port: 1 }, parseAllowList(["172.17.8.5/24"])), true);
  });

  for (const text of ["172.17.8.0", "172.17.8.0/33", "fd00::/64", "", "any"]) {
    it(`refuses the range ${JSON.stringify(text)}`, () => assert.throws(() => parseAllowList([text]), failsWith("InvalidAllowRange")));
  }
});
