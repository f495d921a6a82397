import { test } from "node:test";
import assert from "node:assert/strict";
import { chainLine, commentArgs, DiscardLineBuffer, LineBuffer, quoteComment } from "./line-buffer.js";

test("write joins words and word lists with single spaces, one line per call", () => {
  const buffer = new LineBuffer();
  buffer.write("-A", "KUBE-SERVICES", ["-m", "tcp", "-p", "tcp"], "-j", "KUBE-NODEPORTS");
  buffer.write("-X", "KUBE-SVC-X");
  buffer.write("-A", "KUBE-FW-X", [], "-m", "comment");
  assert.equal(buffer.lines, 3);
  assert.equal(
    buffer.toString(),
    "-A KUBE-SERVICES -m tcp -p tcp -j KUBE-NODEPORTS\n-X KUBE-SVC-X\n-A KUBE-FW-X -m comment\n",
  );
});

test("an empty buffer renders as nothing", () => {
  const buffer = new LineBuffer();
  assert.equal(buffer.lines, 0);
  assert.equal(buffer.toString(), "");
});

test("a discarding buffer counts the lines it drops", () => {
  const buffer = new DiscardLineBuffer();
  buffer.write("-A", "X", ["a", "b"]);
  buffer.write(":Y - [0:0]");
  assert.equal(buffer.lines, 2);
});

test("comments are quoted only when they contain a space", async (t) => {
  const cases: { name: string; text: string; want: string }[] = [
    { name: "service name alone", text: "default/nginx-service", want: "default/nginx-service" },
    { name: "named port", text: "ns1/svc1:p80", want: "ns1/svc1:p80" },
    { name: "cluster IP comment", text: "default/nginx-service cluster IP", want: '"default/nginx-service cluster IP"' },
    { name: "endpoint comment", text: "ns/a -> 10.0.0.1:80", want: '"ns/a -> 10.0.0.1:80"' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(quoteComment(c.text), c.want);
      assert.deepEqual(commentArgs(c.text), ["-m", "comment", "--comment", c.want]);
    });
  }
});

test("chain lines carry zero counters", () => {
  assert.equal(chainLine("KUBE-SERVICES"), ":KUBE-SERVICES - [0:0]");
});
