// Child process for sqlite-crash.test.ts: opens a SqliteStore and creates keys until killed,
// printing each key on stdout only after its create resolved.
// Usage: node crash-writer.js <db file> <full|normal> [concurrency]
import { SqliteStore } from "./sqlite-store.js";

const [file, synchronous, concurrencyArg] = process.argv.slice(2);
if (!file || (synchronous !== "full" && synchronous !== "normal")) {
  console.error("usage: crash-writer <db file> <full|normal> [concurrency]");
  process.exit(2);
}
const store = SqliteStore.open(file, { synchronous, autoCompact: false });
let next = 0;

async function writer(): Promise<never> {
  for (;;) {
    const key = `/crash/${next++}`;
    await store.create(key, `value of ${key}`);
    process.stdout.write(`${key}\n`);
  }
}

await Promise.all(Array.from({ length: Number(concurrencyArg ?? 8) }, () => writer()));
