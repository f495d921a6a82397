import { test } from "node:test";
import assert from "node:assert/strict";
import { splitLines } from "./line-stream.js";

async function* from(chunks: (string | Buffer)[]): AsyncGenerator<string | Buffer> {
  for (const c of chunks) yield c;
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(l);
  return out;
}

const euro = Buffer.from("€\n");
const cases: { name: string; chunks: (string | Buffer)[]; want: string[] }[] = [
  { name: "one line per chunk", chunks: ["a\n", "b\n"], want: ["a", "b"] },
  { name: "lines split across chunks", chunks: ['{"ty', 'pe":1}\n{"x"', ":2}\n"], want: ['{"type":1}', '{"x":2}'] },
  { name: "several lines in one chunk, CRLF and blank lines", chunks: ["a\r\n\nb\n  \nc\n"], want: ["a", "b", "c"] },
  { name: "a final line without newline", chunks: ["a\nb"], want: ["a", "b"] },
  { name: "a multi-byte character split across buffers", chunks: [euro.subarray(0, 2), euro.subarray(2)], want: ["€"] },
  { name: "nothing", chunks: [], want: [] },
];

for (const c of cases) test(c.name, async () => assert.deepEqual(await collect(splitLines(from(c.chunks))), c.want));

test("an abort ends a reader waiting on a source that never yields", async () => {
  const ac = new AbortController();
  const never = {
    [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<string>>(() => undefined) }),
  };
  const done = collect(splitLines(never, ac.signal));
  ac.abort();
  assert.deepEqual(await done, []);
});
