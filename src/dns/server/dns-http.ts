// The cluster DNS's HTTP endpoints, on the ports CoreDNS uses: /health (liveness, 8080),
// /ready (readiness: 200 once the watches have synced, 8181) and /metrics (Prometheus, 9153).
// Each is optional; one address may carry several of them.

import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { metricsContentType } from "../../proxy/metrics/metrics-server.js";

export interface DnsHttpOptions {
  /** host:port per endpoint; undefined turns an endpoint off. */
  health?: string;
  ready?: string;
  metrics?: string;
  synced: () => boolean;
  renderMetrics: () => string;
}

/** Splits "host:port" (":53" means every address; "[::1]:53" IPv6). */
export function splitHostPort(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address);
  if (!m) throw new Error(`${JSON.stringify(address)} is not host:port (e.g. 0.0.0.0:53, :53, [::1]:53)`);
  const port = Number(m[3]);
  if (port > 65_535) throw new Error(`port ${port} of ${JSON.stringify(address)} is out of range`);
  const host = m[1] ?? m[2];
  return { host: host === "" ? "0.0.0.0" : host, port };
}

export async function startDnsHttp(o: DnsHttpOptions): Promise<{ addresses: Record<string, string>; close(): Promise<void> }> {
  const routes = new Map<string, Set<string>>();
  for (const [path, address] of [["/health", o.health], ["/ready", o.ready], ["/metrics", o.metrics]] as const) {
    if (address === undefined || address === "") continue;
    const set = routes.get(address) ?? new Set<string>();
    set.add(path);
    routes.set(address, set);
  }
  const servers: Server[] = [];
  const addresses: Record<string, string> = {};
  for (const [address, paths] of routes) {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (!paths.has(path)) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404 page not found\n");
      } else if (path === "/health") {
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("OK");
      } else if (path === "/ready") {
        const ok = o.synced();
        res.writeHead(ok ? 200 : 503, { "content-type": "text/plain; charset=utf-8" }).end(ok ? "OK" : "kubernetes: not synced yet");
      } else {
        res.writeHead(200, { "content-type": metricsContentType }).end(o.renderMetrics());
      }
    });
    const { host, port } = splitHostPort(address);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    servers.push(server);
    const bound = (server.address() as AddressInfo).port;
    for (const p of paths) addresses[p] = `${host}:${bound}`;
  }
  return {
    addresses,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }))).then(() => undefined),
  };
}
