// Entry point of an inbound listener, started inside a sandbox namespace by startInbound:
//   node inbound-main.js --listen 172.17.8.101:6443 --socket <path> --target 127.0.0.1:6443
// Prints "ready" once it listens and lives exactly as long as its stdin (see relay-main.ts).

import { parseArgs } from "node:util";
import { exitWith, serveUntilParentGoes } from "./child-lifetime.js";
import { InboundListener } from "./inbound-listener.js";
import { parseConnectHeader } from "./relay-protocol.js";

function hostPort(text: string, flag: string): { host: string; port: number } {
  try {
    const target = parseConnectHeader(`CONNECT ${text}`);
    return { host: target.ip, port: target.port };
  } catch (error) {
    throw new Error(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function main(): Promise<number> {
  let listener: InboundListener;
  try {
    const { values } = parseArgs({ options: { listen: { type: "string" }, socket: { type: "string" }, target: { type: "string" } }, strict: true });
    if (!values.listen || !values.socket || !values.target) throw new Error("--listen, --socket and --target are required");
    const target = hostPort(values.target, "--target");
    listener = new InboundListener({ listen: hostPort(values.listen, "--listen"), socketPath: values.socket, target: { ip: target.host, port: target.port }, log: (l) => console.error(l) });
  } catch (error) {
    console.error(`inbound: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  await listener.listen();
  await serveUntilParentGoes("ready", () => listener.close());
  return 0;
}

exitWith("inbound", main);
