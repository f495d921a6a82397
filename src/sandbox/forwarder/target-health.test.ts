import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { Server as HttpsServer } from "node:https";
import { createServer as createTcpServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureServingPki } from "../../server/pki.js";
import type { HealthResult } from "./target-health.js";
import { checkReadyz, watchTargetHealth } from "./target-health.js";

describe("checkReadyz against real sockets on loopback", () => {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-health-"));
  let status = 200;
  let https: HttpsServer;
  let silent: Server;
  const held: Socket[] = [];
  const portOf = (s: { address(): unknown }): number => (s.address() as AddressInfo).port;

  before(async () => {
    const pki = ensureServingPki(dir, { dns: ["localhost"], ips: ["127.0.0.1"] });
    https = createHttpsServer({ cert: pki.cert, key: pki.key }, (req, res) => {
      res.writeHead(req.url === "/readyz" ? status : 404);
      res.end(status === 200 ? "ok" : "readyz check failed");
    });
    // Accepts connections and never says a word: a frozen server, as far as a client can tell.
    silent = createTcpServer((s) => void held.push(s));
    await Promise.all([https, silent].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()))));
  });
  after(async () => {
    for (const s of held) s.destroy();
    https.closeAllConnections();
    await Promise.all([https, silent].map((s) => new Promise((r) => s.close(r))));
    rmSync(dir, { recursive: true, force: true });
  });

  test("200 is healthy; 503, silence and a closed port are not, each saying why", async () => {
    assert.deepEqual(await checkReadyz({ ip: "127.0.0.1", port: portOf(https) }, 1000), { healthy: true });
    status = 503;
    assert.deepEqual(await checkReadyz({ ip: "127.0.0.1", port: portOf(https) }, 1000), { healthy: false, reason: "status 503" });
    status = 200;
    assert.deepEqual(await checkReadyz({ ip: "127.0.0.1", port: portOf(silent) }, 200), { healthy: false, reason: "no answer within 200 ms" });
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = portOf(closed);
    await new Promise((r) => closed.close(r));
    assert.deepEqual(await checkReadyz({ ip: "127.0.0.1", port }, 1000), { healthy: false, reason: "ECONNREFUSED" });
  });
});

test("watchTargetHealth reports every check and logs only changes (and a first failure)", async () => {
  const a = { ip: "172.17.8.11", port: 6443 };
  const b = { ip: "172.17.8.12", port: 6443 };
  const script = new Map<string, HealthResult[]>([
    ["172.17.8.11", [{ healthy: true }, { healthy: true }, { healthy: false, reason: "status 503" }, { healthy: true }]],
    ["172.17.8.12", [{ healthy: false, reason: "no answer within 1000 ms" }, { healthy: false, reason: "no answer within 1000 ms" }, { healthy: true }, { healthy: true }]],
  ]);
  const reports: string[] = [];
  const lines: string[] = [];
  const stop = new AbortController();
  let checks = 0;
  await watchTargetHealth(
    {
      targets: [a, b],
      intervalMs: 1,
      check: async (t) => {
        const next = script.get(t.ip)?.shift();
        if (++checks >= 8) stop.abort();
        return next ?? { healthy: true };
      },
      report: (t, healthy) => reports.push(`${t.ip} ${healthy}`),
      log: (l) => lines.push(l),
    },
    stop.signal,
  );
  assert.deepEqual(reports.filter((r) => r.startsWith("172.17.8.11")), ["172.17.8.11 true", "172.17.8.11 true", "172.17.8.11 false", "172.17.8.11 true"]);
  assert.deepEqual(lines.filter((l) => l.includes("172.17.8.11")), [
    "failover: 172.17.8.11:6443 fails its health check (status 503): new connections go to the others",
    "failover: 172.17.8.11:6443 passes its health check again",
  ]);
  assert.deepEqual(lines.filter((l) => l.includes("172.17.8.12")), [
    "failover: 172.17.8.12:6443 fails its health check (no answer within 1000 ms): new connections go to the others",
    "failover: 172.17.8.12:6443 passes its health check again",
  ]);
});
