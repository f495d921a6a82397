// Entry point of the API failover relay, started inside a sandbox namespace by startApiFailover:
//   node failover-relay-main.js --socket <path> --target 172.17.8.11:6443 [--target …]
// Prints "ready" once it listens and lives exactly as long as its stdin (see relay-main.ts).
// It checks every target's /readyz each second and sends new connections to healthy ones first.

import { parseArgs } from "node:util";
import { exitWith, serveUntilParentGoes } from "./child-lifetime.js";
import { FailoverRelay } from "./failover-relay.js";
import { parseConnectHeader } from "./relay-protocol.js";
import { RELAY_READY_LINE } from "./relay-server.js";

async function main(): Promise<number> {
  let relay: FailoverRelay;
  try {
    const { values } = parseArgs({ options: { socket: { type: "string" }, target: { type: "string", multiple: true } }, strict: true });
    if (!values.socket || !values.target || values.target.length === 0) throw new Error("--socket and at least one --target are required");
    const targets = values.target.map((t) => parseConnectHeader(`CONNECT ${t}`));
    relay = new FailoverRelay({ socketPath: values.socket, targets, healthChecks: true, log: (line) => console.error(line) });
  } catch (error) {
    console.error(`failover relay: ${error instanceof Error ? error.message : String(error)}`);
    console.error("usage: failover-relay-main.js --socket <path> --target <ipv4>:<port> [--target …]");
    return 2;
  }
  await relay.listen();
  await serveUntilParentGoes(RELAY_READY_LINE, () => relay.close());
  return 0;
}

exitWith("failover relay", main);
