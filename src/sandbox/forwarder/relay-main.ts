// Entry point of the relay process, started inside a sandbox namespace by startRelay:
//   node relay-main.js --socket <path> --allow 172.17.8.0/24 [--allow …]
// Prints "ready" on stdout once it listens. It lives exactly as long as its stdin: the parent
// holds the write end of that pipe, so when the parent exits, or closes it on purpose, the relay
// reads end-of-file and goes too. A relay can therefore never outlive `svcnet up`.

import { parseArgs } from "node:util";
import { exitWith, serveUntilParentGoes } from "./child-lifetime.js";
import { RELAY_READY_LINE, RelayServer } from "./relay-server.js";

async function main(): Promise<number> {
  let socketPath: string;
  let allow: string[];
  try {
    const { values } = parseArgs({
      options: { socket: { type: "string" }, allow: { type: "string", multiple: true } },
      strict: true,
    });
    if (!values.socket || !values.allow || values.allow.length === 0) throw new Error("--socket and at least one --allow are required");
    socketPath = values.socket;
    allow = values.allow;
  } catch (error) {
    console.error(`relay: ${error instanceof Error ? error.message : String(error)}`);
    console.error("usage: relay-main.js --socket <path> --allow <ipv4 cidr> [--allow <ipv4 cidr>…]");
    return 2;
  }

  const relay = new RelayServer({ socketPath, allow, log: (line) => console.error(line) });
  await relay.listen();

  await serveUntilParentGoes(RELAY_READY_LINE, () => relay.close());
  return 0;
}

exitWith("relay", main);
