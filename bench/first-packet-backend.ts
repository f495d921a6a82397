// The first-packet benchmark's backend ("the pod"), run inside the backend namespace by
// bench/first-packet.ts: `node first-packet-backend.js PORT...` listens on 0.0.0.0 on each port
// and, for every connection, writes a few bytes and closes at once — so the server side holds the
// TIME_WAIT and the client's ports are free again as soon as it has closed too. Prints "ready"
// when every port listens; exits on SIGTERM/SIGINT.

import { createServer } from "node:net";
import { pathToFileURL } from "node:url";

/** What the backend writes on each connection before closing it. */
export const BACKEND_REPLY = "ok\n";

function main(): void {
  const ports = process.argv.slice(2).map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    console.error("usage: first-packet-backend.js PORT...");
    process.exit(2);
  }
  const reply = Buffer.from(BACKEND_REPLY);
  let listening = 0;
  for (const port of ports) {
    const server = createServer((socket) => {
      socket.on("error", () => undefined);
      socket.end(reply);
    });
    server.on("error", (e) => {
      console.error(`port ${port}: ${e.message}`);
      process.exit(1);
    });
    server.listen({ host: "0.0.0.0", port, backlog: 4096 }, () => {
      if (++listening === ports.length) process.stdout.write("ready\n");
    });
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
}

// Only when run as a program (the load generator imports BACKEND_REPLY).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
