// A small test server in the style of agnhost's netexec: HTTP and UDP endpoints that report
// who answered and who asked. There is deliberately no /shell: no remote command execution.

import { createSocket, type Socket } from "node:dgram";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname as osHostname } from "node:os";

/** Options of {@link startNetexec}. */
export interface NetexecOptions {
  /** HTTP port; 8080 by default, 0 for any free port. */
  httpPort?: number;
  /** UDP port; 8081 by default, 0 for any free port. */
  udpPort?: number;
  /** Address to bind both servers to; all IPv4 addresses by default. */
  address?: string;
  /** Called after `/exit?code=n` has been answered; the server is not closed for you. */
  onExit?: (code: number) => void;
  /** The hostname reported; `os.hostname()` by default. */
  hostname?: () => string;
}

/** A running netexec; {@link Netexec.close} stops both servers. */
export interface Netexec {
  httpPort: number;
  udpPort: number;
  close(): Promise<void>;
}

/**
 * Starts the HTTP and UDP servers and resolves once both listen.
 * HTTP: `/hostname`, `/clientip` (remote `ip:port`), `/echo?msg=x`, `/healthz`, `/exit?code=n`;
 * anything else (including `/shell`) is 404. UDP: a datagram `hostname`, `echo <text>` or
 * `clientip` is answered with the hostname, the text, or the sender's `ip:port`.
 */
export async function startNetexec(options: NetexecOptions = {}): Promise<Netexec> {
  const hostname = options.hostname ?? osHostname;
  const address = options.address ?? "0.0.0.0";
  const http = createServer((req, res) => handleHttp(req, res, { hostname, onExit: options.onExit }));
  await new Promise<void>((ok, fail) => {
    http.once("error", fail);
    http.listen(options.httpPort ?? 8080, address, () => ok());
  });
  let udp: Socket;
  try {
    udp = await bindUdp(options.udpPort ?? 8081, address, hostname);
  } catch (err) {
    await closeHttp(http);
    throw err;
  }
  return {
    httpPort: (http.address() as AddressInfo).port,
    udpPort: udp.address().port,
    close: async () => {
      await Promise.all([closeHttp(http), new Promise<void>((ok) => udp.close(() => ok()))]);
    },
  };
}

/** The UDP answer to one datagram, or undefined when there is none to give. */
export function udpReply(request: string, context: { hostname: string; client: string }): string | undefined {
  const text = request.replace(/\r?\n$/, "");
  if (text === "hostname") return context.hostname;
  if (text === "clientip") return context.client;
  if (text === "echo") return "";
  if (text.startsWith("echo ")) return text.slice("echo ".length);
  return undefined;
}

function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  context: { hostname: () => string; onExit: ((code: number) => void) | undefined },
): void {
  const url = new URL(req.url ?? "/", "http://netexec");
  const reply = (status: number, body: string): void => {
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(body);
  };
  switch (url.pathname) {
    case "/":
      return reply(200, `NOW: ${new Date().toISOString()}`);
    case "/hostname":
      return reply(200, context.hostname());
    case "/clientip":
      return reply(200, joinHostPort(req.socket.remoteAddress ?? "", req.socket.remotePort ?? 0));
    case "/echo":
      return reply(200, url.searchParams.get("msg") ?? "");
    case "/healthz":
      return reply(200, "ok");
    case "/exit": {
      const code = Number(url.searchParams.get("code") ?? "0");
      if (!Number.isInteger(code) || code < 0 || code > 255) return reply(400, "code must be an integer 0-255\n");
      res.on("finish", () => context.onExit?.(code));
      return reply(200, "");
    }
    default:
      return reply(404, "404 page not found\n");
  }
}

async function bindUdp(port: number, address: string, hostname: () => string): Promise<Socket> {
  const udp = createSocket(address.includes(":") ? "udp6" : "udp4");
  udp.on("message", (msg, rinfo) => {
    const answer = udpReply(msg.toString("utf8"), { hostname: hostname(), client: joinHostPort(rinfo.address, rinfo.port) });
    if (answer !== undefined) udp.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((ok, fail) => {
    udp.once("error", fail);
    udp.bind(port, address, () => {
      udp.off("error", fail);
      ok();
    });
  });
  return udp;
}

function closeHttp(http: Server): Promise<void> {
  return new Promise((ok) => {
    http.close(() => ok());
    http.closeAllConnections();
  });
}

function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
