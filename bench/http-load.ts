// A bounded HTTP load generator run inside a sandbox namespace by bench/proxy-dataplane.ts:
// `node http-load.js URL SECONDS CONCURRENCY fresh|keepalive` makes GET requests — each on a fresh
// connection (so every request goes through the nat table's DNAT decision) or over kept-alive
// connections — and prints one JSON line.

import { Agent, request } from "node:http";

function once(url: string, agent: Agent | false): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, { agent, timeout: 2000 }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve(performance.now() - start) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const [url, secondsText, concurrencyText, mode] = process.argv.slice(2);
  const agent = mode === "keepalive" ? new Agent({ keepAlive: true, maxSockets: 64 }) : false;
  const seconds = Math.min(30, Number(secondsText) || 5);
  const concurrency = Math.min(64, Number(concurrencyText) || 8);
  const end = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let firstError = "";
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        try {
          latencies.push(await once(url, agent));
        } catch (e) {
          errors++;
          firstError ||= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(q * latencies.length) - 1))] ?? 0;
  if (agent) agent.destroy();
  console.log(JSON.stringify({ url, mode: agent ? "keepalive" : "fresh", requests: latencies.length, errors, firstError, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99) }));
}

void main();
