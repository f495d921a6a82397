import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncQueue } from "./async-queue.js";

async function drain<T>(queue: AsyncQueue<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of queue) out.push(item);
  return out;
}

test("AsyncQueue", async (t) => {
  await t.test("items pushed before and after the reader arrive in order", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    const reading = drain(queue);
    queue.push(2);
    await Promise.resolve();
    queue.push(3);
    queue.end();
    assert.deepEqual(await reading, [1, 2, 3]);
  });

  await t.test("end lets queued items be read; pushes after end are ignored", async () => {
    const queue = new AsyncQueue<string>();
    queue.push("a");
    queue.end();
    queue.push("b");
    assert.deepEqual(await drain(queue), ["a"]);
    assert.equal(queue.closed, true);
  });

  await t.test("fail rejects a waiting reader and later reads", async () => {
    const queue = new AsyncQueue<number>();
    const waiting = queue.next();
    queue.fail(new Error("boom"));
    await assert.rejects(waiting, /boom/);
    await assert.rejects(queue.next(), /boom/);
  });

  await t.test("fail drops queued items", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.fail(new Error("gone"));
    await assert.rejects(drain(queue), /gone/);
  });

  await t.test("breaking out of for-await closes the queue", async () => {
    const queue = new AsyncQueue<number>();
    for (let i = 0; i < 3; i++) queue.push(i);
    for await (const item of queue) if (item === 0) break;
    assert.equal(queue.closed, true);
    assert.equal(queue.size, 0);
  });

  await t.test("large backlogs are compacted without losing order", async () => {
    const queue = new AsyncQueue<number>();
    const n = 5000;
    for (let i = 0; i < n; i++) queue.push(i);
    queue.end();
    const out = await drain(queue);
    assert.equal(out.length, n);
    assert.ok(out.every((v, i) => v === i));
  });
});
